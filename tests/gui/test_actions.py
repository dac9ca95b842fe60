"""Play, like, private sessions, profiles and history: each click must end up
as rows in (or absent from) the real library."""

from __future__ import annotations

import json

from pyrec.service import PyrecService


def _video(db, title: str) -> dict:
    with PyrecService(db) as check:
        return next(v for v in check.videos(limit=None) if v["title"] == title)


def _history(db, profile: str | None = None) -> list[dict]:
    with PyrecService(db) as check:
        return check.history(profile)


def _notice_button(window, text: str):
    for notice in window.notices.notices:
        for button in notice.buttons:
            if button.text() == text:
                return button
    raise AssertionError(f"no notice button {text!r} in {[n.spec.text for n in window.notices.notices]}")


def test_play_opens_the_player_and_records_what_was_watched(window, qtbot, recorder) -> None:
    db = window.service.db_path
    video = _video(db, "Tidewater")
    window.open_video(video)
    now = [1000.0]
    window.playback.clock = lambda: now[0]
    window.detail.buttons["play"].click()
    assert recorder.opened == [video["path"]]
    assert _history(db) == []  # nothing until we know how much was watched
    now[0] += 120  # two minutes away: longer than the 2 s clip
    window.playback.returned()
    with qtbot.waitSignal(window.playback.recorded, timeout=5000) as recorded:
        _notice_button(window, "Finished it").click()
    assert recorded.args == [video["id"], "watched"]
    events = _history(db)
    assert [e["kind"] for e in events] == ["watched", "play"]
    play = events[1]
    assert play["video"]["id"] == video["id"]
    assert play["watched_seconds"] == video["duration"]


def test_ignoring_the_question_records_the_inferred_amount(window, qtbot, recorder) -> None:
    db = window.service.db_path
    video = _video(db, "Canopy") | {"duration": 600.0}  # pretend it is ten minutes long
    now = [50.0]
    window.playback.clock = lambda: now[0]
    window.perform("play", video)
    now[0] += 90
    window.playback.returned()
    assert any("How much did you watch" in n.spec.text for n in window.notices.notices)
    with qtbot.waitSignal(window.playback.recorded, timeout=5000):
        window.playback.record_inferred()  # what the answer timeout does
    (play,) = _history(db)
    assert play["kind"] == "play" and play["watched_seconds"] == 90 and play["position"] == 90


def _prompts(window) -> list:
    return [n for n in window.notices.notices if n.spec.key == "watched" and n.isVisible()]


def test_the_watched_question_shows_at_once_and_stays_without_window_activation(window, qtbot, recorder) -> None:
    """No focus or activation events at all (offscreen, or a window manager
    that never re-activates pyrec): the question is there as soon as the player
    opens, survives a flood of other notices, and its answer is recorded."""
    db = window.service.db_path
    video = _video(db, "Tidewater") | {"duration": 600.0}  # pretend it is ten minutes long
    window.open_video(video)
    qtbot.waitUntil(lambda: window.detail.video is not None and window.detail.isVisible(), timeout=3000)
    window.detail.buttons["play"].click()
    assert recorder.opened == [video["path"]]
    (prompt,) = _prompts(window)  # immediately, with no activation and no waiting
    assert "How much did you watch" in prompt.spec.text
    assert [b.text() for b in prompt.buttons] == ["Finished it", "About half", "Just started", "Not now"]
    for i in range(6):
        window.notices.info(f"something else happened {i}")
    assert _prompts(window) == [prompt], "other notices must not push the question out"
    qtbot.wait(300)
    assert _history(db) == []  # nothing until it is answered
    with qtbot.waitSignal(window.playback.recorded, timeout=5000) as recorded:
        _notice_button(window, "About half").click()
    assert recorded.args == [video["id"], "play"]
    assert _prompts(window) == []
    (play,) = _history(db)
    assert play["kind"] == "play" and play["watched_seconds"] == 300 and play["position"] == 300


def test_not_now_asks_again_on_return_then_estimates(window, qtbot, recorder) -> None:
    db = window.service.db_path
    video = _video(db, "Canopy") | {"duration": 600.0}
    now = [10.0]
    window.playback.clock = lambda: now[0]
    window.perform("play", video)
    _notice_button(window, "Not now").click()  # before watching: just clear the bar
    assert _prompts(window) == [] and window.playback.pending is not None
    now[0] += 240
    window.playback.returned()  # back (window activated): the question returns, with a guess
    (prompt,) = _prompts(window)
    assert "Back from" in prompt.spec.text and any(b.text() == "About 4 min" for b in prompt.buttons)
    with qtbot.waitSignal(window.playback.recorded, timeout=5000):
        _notice_button(window, "Not now").click()
    (play,) = _history(db)  # "Not now" after the return: the time away is recorded
    assert play["watched_seconds"] == 240 and play["position"] == 240


def test_just_started_from_a_resume_point(window, qtbot, recorder) -> None:
    db = window.service.db_path
    video = _video(db, "Canopy") | {"duration": 1000.0, "position": 400.0}
    window.perform("play", video)
    with qtbot.waitSignal(window.playback.recorded, timeout=5000):
        _notice_button(window, "Just started").click()
    (play,) = _history(db)
    assert play["watched_seconds"] == 60 and play["position"] == 460  # 10 % of the 600 s that were left


def test_like_button_records_a_like_for_the_current_profile(window, qtbot) -> None:
    db = window.service.db_path
    video = _video(db, "Neon Alley")
    window.open_video(video)
    qtbot.waitUntil(lambda: window.detail.title.text() == "Neon Alley", timeout=3000)
    with qtbot.waitSignal(window.action_recorded, timeout=5000):
        window.detail.buttons["like"].click()
    assert window.detail.buttons["like"].isChecked() and window.detail.buttons["like"].text() == "Liked"
    (event,) = _history(db, "default")
    assert (event["kind"], event["video"]["id"]) == ("like", video["id"])


def test_private_session_records_nothing(window, qtbot) -> None:
    db = window.service.db_path
    with PyrecService(db) as seed:
        seed.create_profile("default")  # the app no longer makes one on start
    window.show_page("privacy")
    qtbot.waitUntil(lambda: window.privacy.list.count() >= 1, timeout=3000)
    window.privacy.private.setChecked(True)
    qtbot.waitUntil(lambda: window.service.incognito, timeout=3000)
    video = _video(db, "Whiteout")
    window.perform("like", video)
    qtbot.waitUntil(lambda: any("Private session" in n.spec.text and "nothing was recorded" in n.spec.text
                                for n in window.notices.notices), timeout=3000)
    assert _history(db) == []


def test_profiles_switch_and_history_is_cleared_and_exported(window, qtbot, recorder, tmp_path) -> None:
    db = window.service.db_path
    window.show_page("privacy")
    privacy = window.privacy
    privacy.new_name.setText("Sam")
    privacy.create_profile()
    qtbot.waitUntil(lambda: window.profile_box.findData("Sam") >= 0, timeout=3000)
    name = "Sam"
    window.profile_box.setCurrentIndex(window.profile_box.findData(name))
    window.profile_box.activated.emit(window.profile_box.currentIndex())  # what picking it with the mouse does
    assert window.profile == name
    with qtbot.waitSignal(window.action_recorded, timeout=5000):
        window.perform("like", _video(db, "Dune Sea"))
    assert [e["kind"] for e in _history(db, name)] == ["like"]
    assert _history(db, "default") == []

    window.show_page("privacy")
    qtbot.waitUntil(lambda: privacy.selected_profile() == name and privacy.clear_button.isEnabled(), timeout=3000)
    recorder.save_path = str(tmp_path / "export.json")
    privacy.export_selected()
    qtbot.waitUntil(lambda: (tmp_path / "export.json").exists(), timeout=3000)
    exported = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert [e["kind"] for e in exported["events"]] == ["like"]

    privacy.ask_clear()
    with qtbot.waitSignal(privacy.history_cleared, timeout=5000):
        _notice_button(window, "Clear history").click()
    assert _history(db, name) == []


def test_errors_show_as_one_line_notices_not_dialogs(window, qtbot) -> None:
    window.open_video({"id": 987654, "title": "Gone", "path": "/nowhere/gone.mp4"})
    qtbot.waitUntil(lambda: any("no video with id 987654" in n.spec.text for n in window.notices.notices),
                    timeout=3000)
    notice = next(n for n in window.notices.notices if "987654" in n.spec.text)
    assert notice.spec.level == "error" and "\n" not in notice.spec.text
    assert window.notices.isVisible()


def test_privacy_page_lists_what_was_recorded(window, qtbot) -> None:
    db = window.service.db_path
    video = _video(db, "Salt Lines")
    with PyrecService(db) as seed:
        seed.record_play(video["id"], position=1.5, watched_seconds=1.5)
        seed.rate(video["id"], 8)
    window.show_page("privacy")
    history = window.privacy.history
    qtbot.waitUntil(lambda: history.topLevelItemCount() == 2, timeout=5000)
    rows = [[history.topLevelItem(i).text(c) for c in range(3)] for i in range(2)]
    assert [r[1:] for r in rows] == [["Rated 8/10", "Salt Lines"], ["Played 0:02 of 0:02", "Salt Lines"]]


def test_first_run_offers_the_applications_menu_entry_once(make_window, qtbot, tmp_path) -> None:
    import os
    from pathlib import Path

    from pyrec_gui.settings import Settings

    settings = Settings(tmp_path / "first-run.ini")
    window = make_window(settings=settings)
    window.offer_desktop_entry()
    qtbot.waitUntil(lambda: any(n.spec.key == "desktop-entry" for n in window.notices.notices), timeout=5000)
    _notice_button(window, "Add to menu").click()
    desktop = Path(os.environ["XDG_DATA_HOME"]) / "applications" / "pyrec.desktop"
    qtbot.waitUntil(desktop.exists, timeout=5000)
    qtbot.waitUntil(lambda: any("applications menu now" in n.spec.text for n in window.notices.notices), timeout=5000)
    assert settings.desktop_entry_offered
    window.offer_desktop_entry()  # asked once: never again
    qtbot.wait(300)
    assert not any(n.spec.key == "desktop-entry" and n.buttons for n in window.notices.notices)


def test_starting_makes_no_profile_and_home_loads_for_the_chosen_one(make_window, qtbot, library_copy,
                                                                   tmp_path) -> None:
    from pyrec_gui.settings import Settings

    def start(settings: Settings | None = None) -> tuple[object, list[str | None]]:
        window = make_window(library_copy, start=False, settings=settings)
        loads: list[str | None] = []  # whose shelves Home showed, each time it loaded
        window.home.shelves_loaded.connect(lambda _n: loads.append(window.home.profile))
        window.start()
        qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=30000)
        qtbot.wait(200)  # anything loaded twice would show here
        return window, loads

    fresh, loads = start()  # a library nobody has used yet
    assert loads == [None] and fresh.profile is None
    with PyrecService(library_copy) as check:
        assert check.profiles() == []  # starting made none
        check.create_profile("kids")
    settings = Settings(tmp_path / "other.ini")
    settings.profile = "gone"  # remembered from before, deleted since
    window, loads = start(settings)
    assert window.profile == "kids" and loads == ["kids"]  # never for "gone" or None first
    with PyrecService(library_copy) as check:
        assert [p["name"] for p in check.profiles()] == ["kids"]


def test_first_start_opens_the_profile_used_last(make_window, qtbot, library_copy, tmp_path) -> None:
    """A library other front ends filled (the CLI, `pyrec demo`): with nothing
    remembered, the app opens on the profile that was used most recently, not
    on whichever was created first, and Home loads once, for it."""
    from pyrec_gui.main_window import choose_profile
    from pyrec_gui.settings import Settings

    with PyrecService(library_copy) as service:
        service.create_profile("partner")  # made first, used long ago
        service.create_profile("demo")
        first = service.videos(limit=2)
        service.like(first[0]["id"], profile="partner")
        service.like(first[1]["id"], profile="demo")
        profiles = service.profiles()
    assert [p["name"] for p in profiles] == ["partner", "demo"]
    assert choose_profile(profiles, None) == "demo" and choose_profile(profiles, "partner") == "partner"
    window = make_window(library_copy, start=False, settings=Settings(tmp_path / "fresh.ini"))
    loads: list[str | None] = []
    window.home.shelves_loaded.connect(lambda _n: loads.append(window.home.profile))
    window.start()
    qtbot.waitUntil(lambda: bool(window.home.shelves), timeout=30000)
    qtbot.wait(200)
    assert window.profile == "demo" and loads == ["demo"]
