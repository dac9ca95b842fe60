"""Home shelves, Like → new recommendations, search, "More like this" and
duplicates, against the real service and library."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pyrec.service import PyrecService


def _shelf_ids(window) -> dict[str, list[int]]:
    return {sid: shelf.model.ids() for sid, shelf in window.home.shelves.items()}


def _wait_for_shelves(window, qtbot) -> None:
    qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=30000)  # first build of the recommender


def test_home_shelves_fill_from_the_service(window, qtbot) -> None:
    _wait_for_shelves(window, qtbot)
    with PyrecService(window.service.db_path) as check:
        expected = {s["id"]: [v["id"] for v in s["items"]] for s in check.shelves(profile=window.profile, limit=20)
                    if s["items"]}
    assert _shelf_ids(window) == expected
    first = window.home.first_shelf()
    assert first is not None and first.model.rowCount() > 0
    # A shelf added to a shown page is shown by a queued call (QLayout), not at once.
    qtbot.waitUntil(first.view.isVisible, timeout=2000)


def test_like_changes_the_next_recommendations(window, qtbot) -> None:
    _wait_for_shelves(window, qtbot)
    before = _shelf_ids(window)
    with PyrecService(window.service.db_path) as check:
        liked = next(v for v in check.videos(limit=None) if v["title"] == "Neon Alley")
        recommend_before = [v["id"] for v in check.recommend(profile=window.profile, n=10)]
    window.open_video(liked)
    qtbot.waitUntil(lambda: window.detail.title.text() == "Neon Alley", timeout=5000)
    with qtbot.waitSignal(window.action_recorded, timeout=5000):
        window.detail.buttons["like"].click()
    with qtbot.waitSignal(window.home.shelves_loaded, timeout=15000):
        window.show_page("home")  # home was marked stale by the like
    after = _shelf_ids(window)
    with PyrecService(window.service.db_path) as check:
        recommend_after = [v["id"] for v in check.recommend(profile=window.profile, n=10)]
        assert [e["kind"] for e in check.history(window.profile)] == ["like"]
    assert recommend_after != recommend_before
    assert after != before


def test_not_interested_removes_a_card_at_once(window, qtbot) -> None:
    _wait_for_shelves(window, qtbot)
    shelf = window.home.first_shelf()
    assert shelf is not None
    video = shelf.model.item(0)
    with qtbot.waitSignal(window.action_recorded, timeout=5000):
        shelf.view.action_requested.emit("hide", video)  # what the context menu's "Not interested" does
    assert all(video["id"] not in ids for ids in _shelf_ids(window).values())
    with qtbot.waitSignal(window.home.shelves_loaded, timeout=15000):
        window.refresh_page("home")
    assert all(video["id"] not in ids for ids in _shelf_ids(window).values())


def test_search_runs_once_typing_pauses_and_finds_text_and_pictures(window, qtbot) -> None:
    window.activateWindow()
    window.search_box.setFocus()
    with qtbot.waitSignal(window.search.results_ready, timeout=10000) as ready:
        qtbot.keyClicks(window.search_box, "snow")
    assert window.current_page() == "search"
    assert window.search.searches_run == 1  # four keystrokes, one search
    assert ready.args[0] == "snow"
    titles = {window.search.model.item(r)["title"] for r in range(window.search.model.rowCount())}
    assert {"Whiteout", "First Snow"} <= titles


def test_detail_page_shows_more_like_this(window, qtbot) -> None:
    with PyrecService(window.service.db_path) as check:
        video = next(v for v in check.videos(limit=None) if v["title"] == "Salt Lines")
    window.open_video(video)
    qtbot.waitUntil(lambda: window.detail.similar_model.rowCount() > 0, timeout=10000)
    ids = window.detail.similar_model.ids()
    assert video["id"] not in ids
    assert all(window.detail.similar_model.item(r).get("reasons") for r in range(len(ids)))


def test_duplicates_go_to_the_trash_only_after_confirming(make_window, qtbot, tmp_path, tiny_folder) -> None:
    copy = tiny_folder / "Night Bus (2019) copy.mp4"
    shutil.copy2(tiny_folder / "Night Bus (2019).mp4", copy)
    db = tmp_path / "dupes.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as seed:
        seed.scan([tiny_folder], jobs=1)
        assert seed.count_videos() == 3
    window = make_window(db, scan_jobs=1)
    window.show_page("duplicates")
    qtbot.waitUntil(lambda: len(window.duplicates.groups) == 1, timeout=10000)
    group = window.duplicates.groups[0]
    assert {Path(c.video["path"]).name for c in group.cards} == {"Night Bus (2019).mp4", copy.name}
    # the service sends each copy's picture with the group: no extra requests per card
    assert all(c.video["thumbnail"] and c.preview.path == c.video["thumbnail"] for c in group.cards)
    original = next(c for c in group.cards if c.video["path"] != str(copy))
    group.choose(original.video["id"])
    group.trash_button.click()
    assert copy.exists(), "nothing may be deleted before the user confirms"
    confirm = next(b for n in window.notices.notices for b in n.buttons if b.text() == "Move to trash")
    with qtbot.waitSignal(window.scans.finished, timeout=30000):  # the library rescans what was trashed
        confirm.click()
    assert not copy.exists() and (tiny_folder / "Night Bus (2019).mp4").exists()
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
    assert any(p.name.startswith("Night Bus (2019) copy") for p in trash.iterdir())
    with PyrecService(db) as check:
        assert check.count_videos() == 2
    assert window.duplicates.groups == []


def test_not_copies_dismisses_the_group_for_good(make_window, qtbot, tmp_path, tiny_folder) -> None:
    """"Not copies" asks the service to dismiss the group: it leaves the page,
    nothing is trashed, and neither the page nor a rescan brings it back."""
    copy = tiny_folder / "Night Bus (2019) copy.mp4"
    shutil.copy2(tiny_folder / "Night Bus (2019).mp4", copy)
    db = tmp_path / "dupes.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as seed:
        seed.scan([tiny_folder], jobs=1)
    window = make_window(db, scan_jobs=1)
    window.show_page("duplicates")
    qtbot.waitUntil(lambda: len(window.duplicates.groups) == 1, timeout=10000)
    window.duplicates.groups[0].dismiss_button.click()
    qtbot.waitUntil(lambda: window.duplicates.groups == [], timeout=10000)
    assert copy.exists() and window.duplicates.stack.currentIndex() == 1  # the "No duplicates" state
    window.duplicates.refresh()
    qtbot.wait(500)
    qtbot.waitUntil(lambda: window.duplicates.count.text() != "Looking…", timeout=10000)
    assert window.duplicates.groups == []
    with PyrecService(db, cache_dir=tmp_path / "cache") as check:
        check.scan([tiny_folder], jobs=1)
        assert check.dupes() == []


def test_service_items_carry_what_the_cards_draw(library_copy, sample_library) -> None:
    """Continue watching items say where playback stopped ("position"), and
    duplicate groups carry each copy's "thumbnail"; the documented keys stay."""
    with PyrecService(library_copy, cache_dir=sample_library.cache) as service:
        video = service.videos(limit=1)[0]
        service.record_play(video["id"], position=1.0, watched_seconds=1.0)  # half of a 2 s clip
        shelves = {s["id"]: s for s in service.shelves()}
        (item,) = [i for i in shelves["continue"]["items"] if i["id"] == video["id"]]
        assert item["position"] == 1.0
        assert {"id", "path", "title", "score", "reasons", "thumbnail"} <= set(item)
        assert all("position" not in i for i in shelves["for_you"]["items"])
        groups = service.dupes()
        assert groups  # the sample library holds a re-encoded copy
        for group in groups:
            for copy in group["items"]:
                assert copy["thumbnail"] and Path(copy["thumbnail"]).is_file()
                assert {"id", "path", "title", "width", "height"} <= set(copy)


def test_a_continue_card_shows_how_far_it_got(make_window, library_copy, qtbot) -> None:
    from pyrec_gui.models.items import Role

    with PyrecService(library_copy) as seed:
        video = seed.videos(limit=1)[0]
        seed.record_play(video["id"], position=0.5, watched_seconds=0.5)  # a quarter of 2 s
    window = make_window(library_copy)
    qtbot.waitUntil(lambda: "continue" in window.home.shelves, timeout=10000)
    model = window.home.shelves["continue"].model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    assert abs(model.index(0).data(Role.Progress) - 0.25) < 1e-6
