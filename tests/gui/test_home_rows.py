"""Home as the user arranges it (hidden and reordered shelves, per profile,
kept by the service), "Surprise me" in series order, empty states that say
what to do, and codec names people know."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrec.service import PyrecService
from pyrec.shapes import codec_name


def _by_title(service: PyrecService) -> dict[str, dict]:
    return {v["title"]: v for v in service.videos(limit=None)}


def test_home_rows_are_kept_per_profile_and_arrange_the_shelves(library_copy: Path) -> None:
    with PyrecService(library_copy) as service:
        service.create_profile("ann")
        service.create_profile("bo")
        videos = _by_title(service)
        service.like(videos["Canopy"]["id"], "ann")
        ids = [s["id"] for s in service.shelves("ann")]
        assert len(ids) >= 2, ids
        service.set_home_rows("ann", order=[ids[-1]], hidden=[ids[0]])
    with PyrecService(library_copy) as service:  # stored in the library, not in memory
        assert service.home_rows("ann") == {"order": [ids[-1]], "hidden": [ids[0]]}
        assert service.home_rows("bo") == {"order": [], "hidden": []}  # another profile's rows are its own
        arranged = [s["id"] for s in service.home_shelves("ann")]
        assert arranged[0] == ids[-1] and ids[0] not in arranged
        assert sorted(arranged) == sorted(ids[1:])


def test_next_episode_and_surprise_keep_series_order(library_copy: Path) -> None:
    with PyrecService(library_copy) as service:
        videos = _by_title(service)
        well, sandstorm, oasis = videos["The Well"], videos["Sandstorm"], videos["Oasis"]
        assert service.next_episode(well["id"])["id"] == sandstorm["id"]
        assert service.next_episode(sandstorm["id"])["id"] == oasis["id"]
        assert service.next_episode(oasis["id"]) is None  # the last one
        assert service.next_episode(videos["Canopy"]["id"]) is None  # a film
        service.create_profile("ann")
        service.mark_watched(well["id"], "ann")
        # Whatever the draw, a recommended episode 3 becomes the first unwatched one: episode 2.
        for draw in range(3):
            pick = service._tonight.surprise("ann", [oasis], rng=lambda n, d=draw: d % n)
            assert pick is not None and pick["id"] == sandstorm["id"]
            assert "next in the series" in pick["reasons"][0]
        service.mark_watched(sandstorm["id"], "ann")
        assert service._tonight.surprise("ann", [oasis])["id"] == oasis["id"]
        service.mark_watched(oasis["id"], "ann")
        assert service._tonight.surprise("ann", [oasis]) is None  # all seen: nothing of it tonight
        for _ in range(5):  # the real thing: never an episode out of order
            pick = service.surprise("ann")
            assert pick is not None and pick["id"] not in (well["id"], sandstorm["id"], oasis["id"])


def test_hiding_and_moving_shelves_on_home_lasts(make_window, library_copy: Path, qtbot) -> None:
    with PyrecService(library_copy) as service:  # Continue watching, Next episodes, For you, New
        videos = _by_title(service)
        service.like(videos["Canopy"]["id"])
        half = videos["Neon Alley"]
        service.record_play(half["id"], position=half["duration"] / 2, watched_seconds=half["duration"] / 2)
        service.mark_watched(videos["The Well"]["id"])
    window = make_window(library_copy)
    home = window.home
    qtbot.waitUntil(lambda: len(home.shelves) >= 3, timeout=10000)
    order = home.shown_ids()
    with qtbot.waitSignal(home.rows_changed, timeout=5000):
        home.shelves[order[1]].arrange_requested.emit(order[1], "up")  # the shelf's ⋯ menu: Move up
    assert home.shown_ids()[:2] == [order[1], order[0]]
    with qtbot.waitSignal(home.rows_changed, timeout=5000):
        home.shelves[order[2]].arrange_requested.emit(order[2], "hide")
    assert order[2] not in home.shown_ids()
    window.shutdown()
    again = make_window(library_copy)  # a new start of the app
    qtbot.waitUntil(lambda: bool(again.home.shelves) and again.home.profile == window.home.profile, timeout=10000)
    qtbot.waitUntil(lambda: again.home.shown_ids()[:2] == [order[1], order[0]], timeout=5000)
    assert order[2] not in again.home.shown_ids()
    with qtbot.waitSignal(again.home.rows_changed, timeout=5000):
        again.home.set_shelf_shown(order[2], True)  # "Shelves" menu: tick it again
    assert order[2] in again.home.shown_ids()


def test_surprise_me_opens_a_pick(window, qtbot) -> None:
    qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=10000)
    with qtbot.waitSignal(window.home.surprise_ready, timeout=10000) as ready:
        window.home.surprise_button.click()
    assert ready.args[0] is not None
    assert window.current_page() == "detail" and window.detail.video["id"] == ready.args[0]["id"]
    assert any("Tonight:" in n.spec.text for n in window.notices.notices)


def test_surprise_me_for_a_mood(window, qtbot) -> None:
    """The mood box offers the service's moods; a surprise for one still opens a pick."""
    box = window.home.mood_box
    assert [box.itemData(i) for i in range(box.count())] == [None, "short", "calm", "lively", "talky"]
    qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=10000)
    box.setCurrentIndex(box.findData("short"))
    with qtbot.waitSignal(window.home.surprise_ready, timeout=10000) as ready:
        window.home.surprise_button.click()
    assert ready.args[0] is not None and ready.args[0]["duration"] <= 30 * 60


def test_empty_library_offers_to_add_a_folder(make_window, tmp_path: Path, qtbot, recorder) -> None:
    window = make_window(tmp_path / "empty.sqlite")
    qtbot.waitUntil(lambda: window.home.stack.currentWidget() is window.home.empty, timeout=5000)
    assert window.home.empty.button is not None and window.home.empty.button.text() == "Add a folder…"
    recorder.folder = None
    window.home.empty.button.click()  # asks for a folder (the dialog answers "cancel" here)
    assert window.current_page() == "home"


def test_without_history_home_says_why_the_picks_are_generic(window, qtbot) -> None:
    qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=10000)
    assert window.home.note.isVisible() and "has not played, liked or finished anything" in window.home.note.text()
    video = next(iter(window.home.shelves.values())).model.item(0)
    with qtbot.waitSignal(window.action_recorded, timeout=5000):
        window.perform("like", video)
    qtbot.waitUntil(lambda: not window.home.note.isVisible(), timeout=10000)


@pytest.mark.parametrize(("fourcc", "name"), [("FMP4", "MPEG-4"), ("mp4v", "MPEG-4"), ("avc1", "H.264"),
                                              ("H264", "H.264"), ("hev1", "HEVC"), ("av01", "AV1"),
                                              ("VP90", "VP9"), ("abcd", "ABCD"), ("", None)])
def test_codec_names_people_know(fourcc: str, name: str | None) -> None:
    assert codec_name(fourcc) == name


def test_the_detail_page_names_codec_and_container_not_the_fourcc(window, qtbot, sample_library) -> None:
    window.show_page("library")
    qtbot.waitUntil(lambda: window.library.model.rowCount() == sample_library.videos, timeout=5000)
    video = window.library.model.item(0)
    assert video["codec"] == "FMP4"  # what the file declares (OpenCV wrote MPEG-4 Part 2)
    window.open_video(video)
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        pass
    facts = window.detail.facts.text()
    assert "MPEG-4 in MP4" in facts and "FMP4" not in facts, facts


def test_resume_at_is_where_the_profile_stopped(library_copy: Path) -> None:
    with PyrecService(library_copy) as service:
        video = _by_title(service)["Oasis"]
        assert service.resume_at(video["id"]) is None  # nobody played it
        service.record_play(video["id"], position=0.8, watched_seconds=0.8)
        assert service.resume_at(video["id"]) == pytest.approx(0.8)
        service.create_profile("bo")
        assert service.resume_at(video["id"], "bo") is None  # another profile's play is not this one's
        service.mark_watched(video["id"])
        assert service.resume_at(video["id"]) is None  # finished: starts from the beginning
