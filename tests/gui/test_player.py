"""The in-app player (QMediaPlayer, FFmpeg backend) on real generated videos:
resume, seeking to a moment, the next episode at the end, and the watched
time recorded from the real playback position. Offscreen may not paint the
video; these tests assert on positions, durations and the rows stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pyrec.service import PyrecService
from pyrec_gui.views.player import multimedia_problem

from .conftest import screenshots_tool

pytestmark = pytest.mark.skipif(multimedia_problem() is not None, reason=str(multimedia_problem()))

@pytest.fixture
def long_library(tmp_path: Path) -> Path:
    """"Storm Watch": 10 s of H.264 in Matroska with chapters (Calm 0:00, Storm
    0:04) and an English SubRip track (lines at 0:01, 0:04.5, 0:08), scanned."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("the ffmpeg tool is not installed")
    folder = tmp_path / "long"
    folder.mkdir()
    screenshots_tool().make_storm_watch(folder / "Storm.Watch.2019.mkv", seconds=8)
    db = tmp_path / "long.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        assert service.scan([folder]).failed == 0
    return db


def _video(db: Path, title: str) -> dict:
    with PyrecService(db) as check:
        return next(v for v in check.videos(limit=None) if v["title"] == title)


def _history(db: Path) -> list[dict]:
    with PyrecService(db) as check:
        return check.history(None)


def test_a_whole_episode_plays_is_recorded_as_watched_and_the_next_one_starts(make_window, qtbot) -> None:
    window = make_window(in_app_player=True)
    db = window.service.db_path
    first, second = _video(db, "The Well"), _video(db, "Sandstorm")
    window.open_video(first)
    window.detail.buttons["play"].click()
    assert window.current_page() == "player"
    player = window.player
    assert player is not None
    player.next_delay_ms = 300
    with qtbot.waitSignal(player.finished, timeout=20000):
        pass
    qtbot.waitUntil(lambda: player.media.duration() > 0 or player.video is None, timeout=2000)
    with qtbot.waitSignal(player.next_requested, timeout=10000) as nxt:
        pass
    assert nxt.args[0]["id"] == second["id"]  # the episode after it, started after the countdown
    qtbot.waitUntil(lambda: player.video is not None and player.video["id"] == second["id"], timeout=5000)
    events = _history(db)
    kinds = [(e["kind"], e["video"]["id"]) for e in events]
    assert ("play", first["id"]) in kinds and ("watched", first["id"]) in kinds  # finished: marked watched
    play = next(e for e in events if e["kind"] == "play" and e["video"]["id"] == first["id"])
    duration = first["duration"]
    # measured from the playback position: most of the clip, never more than it
    assert 0.6 * duration <= play["watched_seconds"] <= duration + 0.2, (play, duration)
    assert play["position"] == pytest.approx(duration, abs=0.3)
    window.go_back()  # leaving stops the second episode; a play shorter than a second is not recorded
    assert window.current_page() == "detail"


def test_resume_seek_to_a_moment_and_escape_record_the_real_position(make_window, qtbot, long_library) -> None:
    window = make_window(long_library, in_app_player=True)
    video = _video(long_library, "Storm Watch")
    window.open_video(video)
    qtbot.waitUntil(lambda: bool(window.detail.moment_links()), timeout=5000)
    hrefs = [href for _label, href in window.detail.moment_links()]
    assert {"t:0.000", "t:4.000", "t:1.000", "t:4.500", "t:8.000"} <= set(hrefs)  # two chapters, three lines
    window.detail._link("t:4.000")  # what clicking the chapter "0:04 Storm" does
    player = window.player
    assert player is not None and window.current_page() == "player"
    qtbot.waitUntil(lambda: player.position_seconds() >= 4.0, timeout=10000)
    qtbot.waitUntil(lambda: player.position_seconds() >= 5.2, timeout=10000)  # plays on from there
    assert player.watched_ms < 2500  # the jump to 0:04 is not watching
    qtbot.keyClick(player, Qt.Key.Key_Escape)
    assert window.current_page() == "detail"
    with qtbot.waitSignal(player.recorded, timeout=5000) as recorded:
        pass
    assert recorded.args == [video["id"], "play"]
    (play,) = _history(long_library)
    assert 5.0 <= play["position"] < 7.0  # short of the end: a play, not "watched"
    assert 1.0 <= play["watched_seconds"] <= play["position"] - 3.5  # what played, not where it stopped

    # Resume: playing it again (from the library: no position on the card)
    # starts where the stored play stopped.
    window.play(video)
    qtbot.waitUntil(lambda: player.position_seconds() >= play["position"] - 0.2, timeout=10000)
    assert player.watched_ms < 1500
    window.go_back()
    # A card that says where playback stopped (Continue watching) starts there.
    window.play({**video, "position": 2.0})
    qtbot.waitUntil(lambda: 2.0 <= player.position_seconds() < play["position"] - 0.5, timeout=10000)


def test_space_pauses_arrows_seek_and_the_system_player_stays_an_option(make_window, qtbot, long_library,
                                                                        recorder) -> None:
    window = make_window(long_library, in_app_player=True)
    video = _video(long_library, "Storm Watch")
    window.play(video)
    player = window.player
    assert player is not None
    qtbot.waitUntil(lambda: player.position_seconds() > 0.3, timeout=10000)
    qtbot.keyClick(player, Qt.Key.Key_Space)
    paused_at = player.position_seconds()
    qtbot.wait(600)
    assert player.position_seconds() == pytest.approx(paused_at, abs=0.15)  # paused
    qtbot.keyClick(player, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: player.position_seconds() >= min(paused_at + 5, 7.5), timeout=5000)
    window.go_back()
    assert recorder.opened == []
    window.scan.external_player.setChecked(True)  # the setting on the Scan page
    assert window.settings.external_player
    window.perform("play", video)
    assert recorder.opened == [video["path"]]


def test_search_says_where_the_words_are_and_space_plays_from_there(make_window, qtbot, long_library) -> None:
    window = make_window(long_library, in_app_player=True)
    window.search_for("ships pass")  # said at 0:04.5
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0, timeout=10000)
    index = window.search.model.index(0)
    from pyrec_gui.models.items import Role

    reason = index.data(Role.Reason)
    assert reason.startswith("said at 0:04") and "Ships pass the lighthouse" in reason, reason
    grid = window.search.grid
    grid.setFocus()
    grid.setCurrentIndex(index)
    qtbot.keyClick(grid, Qt.Key.Key_Space)
    player = window.player
    assert player is not None and window.current_page() == "player"
    qtbot.waitUntil(lambda: player.position_seconds() >= 4.5, timeout=10000)


def test_a_file_the_player_cannot_open_says_why_and_offers_the_system_player(make_window, qtbot, tmp_path,
                                                                          recorder) -> None:
    window = make_window(in_app_player=True)
    video = _video(window.service.db_path, "Canopy")
    broken = tmp_path / "Canopy.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    window.open_video(video)
    window.play({**video, "path": str(broken)})
    player = window.player
    assert player is not None
    with qtbot.waitSignal(player.cannot_play, timeout=10000):
        pass
    assert window.current_page() == "detail"  # back where the user was
    (notice,) = [n for n in window.notices.notices if n.spec.key == "player"]
    assert notice.spec.text.startswith(str(broken) + ": ")
    (offer,) = [b for b in notice.buttons if b.text() == "Open in your video player"]
    offer.click()
    assert recorder.opened == [str(broken)]
    assert _history(window.service.db_path) == []  # nothing was watched
