"""The deep pass from the GUI, on real generated media: the Scan page reads
on-screen text (the real OCR reader) and sound (a small real reader) off the
GUI thread, says which readers are off and how to turn them on, keeps what
finished when cancelled, and search then finds the new moments. The detail
page shows the sound and the shots, and Play says where it resumes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QScrollArea
from pyrec_gui.models.items import moment_of
from pyrec_gui.views.detail import shots_text, sound_text

from pyrec.features.onscreen import ScreenTextStage
from pyrec.models import whisper
from pyrec.service import PyrecService
from tests.media.deep_stages import LoudestSecond
from tests.media.sound_makers import PICTURES, Run, make_music_video, make_speech_video
from tests.media.test_onscreen import write_news


@pytest.fixture(autouse=True)
def stages_importable_by_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deep pass unpickles these tests' stages (tests.media.deep_stages) in
    its spawned worker, which imports by sys.path; pytest's importlib mode
    never puts the checkout there (an editable install happened to)."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2]))


TIMEOUT = 120_000  # ms: OCR on a busy shared machine
WAIT = 60_000  # ms: a page load or search behind start-up work (warm-up) on a busy machine


# A reader whose extra is not installed reads like this (the speech reader without pyrec[speech]).
# The stages go to the deep pass's worker process, so they come from an importable module.
OFF = "speech model not installed: pip install 'pyrec[speech]'"


@pytest.fixture(scope="module")
def deep_library(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> tuple[Path, Path]:
    """A news clip with a burned-in headline, a spoken clip and two music clips; scanned once."""
    base = tmp_path_factory.mktemp("gui-deep")
    folder = base / "media"
    folder.mkdir()
    write_news(folder / "evening-news.mp4", seconds=8, headline_from=3.0)
    make_speech_video(ffmpeg, folder / "lighthouse-talk.mp4")
    for i in range(2):
        make_music_video(ffmpeg, folder / f"music-{i}.mp4", seconds=5.0 + i, picture=PICTURES[i + 1])
    with PyrecService(base / "lib.sqlite", cache_dir=base / "cache") as service:
        summary = service.scan([folder], jobs=1)
        assert summary.added == 4, summary.errors
    return base / "lib.sqlite", folder


@pytest.fixture
def db(deep_library: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(deep_library[0], tmp_path / "lib.sqlite"))


def search_hits(window, qtbot, query: str) -> list[dict]:
    with qtbot.waitSignal(window.search.results_ready, timeout=WAIT):
        window.search.run_now(query)
    return [dict(card) for card in window.search.model.items()]


def open_scan_page(window, qtbot) -> None:
    window.show_page("scan")
    qtbot.waitUntil(lambda: "left to read" in window.scan.readers.text(), timeout=WAIT)


def test_reading_from_the_scan_page_lets_search_find_on_screen_text(make_window, qtbot, db: Path) -> None:
    window = make_window(db)
    window.deep.stages = [LoudestSecond(missing=OFF), ScreenTextStage()]
    open_scan_page(window, qtbot)
    readers = window.scan.readers.text()
    assert f"Loudest is off: {OFF}" in readers
    assert "On-screen text is on: 0 read, 4 left to read" in readers
    assert "4 videos left to read." in readers
    assert not [h for h in search_hits(window, qtbot, "flood warning") if h.get("moments")]

    window.show_page("scan")
    assert window.scan.deep_button.isEnabled() and not window.scan.deep_cancel.isEnabled()
    seen: list[tuple[int, int, str]] = []
    window.deep.progress.connect(lambda p: seen.append((p.done, p.total, p.path)))
    with qtbot.waitSignal(window.deep.finished, timeout=TIMEOUT) as finished:
        window.scan.deep_button.click()
        assert window.scan.deep_cancel.isEnabled() and not window.scan.scan_button.isEnabled()
    summary = finished.args[0]
    assert not summary.cancelled and summary.done == 4 and summary.failed == 0, summary
    assert summary.unavailable == {"loudest": OFF}
    assert any(path.endswith("evening-news.mp4") for _done, _total, path in seen)  # the current file was shown
    assert seen[-1][:2] == (4, 4)
    assert (window.scan.deep_bar.value(), window.scan.deep_bar.maximum()) == (4, 4)
    assert window.scan.deep_result.text().startswith("Reading finished in ")
    qtbot.waitUntil(lambda: "Every video has been read." in window.scan.readers.text(), timeout=WAIT)
    assert not window.scan.deep_button.isEnabled()  # nothing left to read

    hits = [h for h in search_hits(window, qtbot, "flood warning") if h.get("moments")]
    assert [Path(h["path"]).name for h in hits] == ["evening-news.mp4"], hits
    moment = hits[0]["moments"][0]
    assert re.fullmatch(r"on screen at 0:0[2-4]", moment["where"]), moment
    assert "FLOOD WARNING" in moment["text"].upper()
    assert moment_of(hits[0]).startswith(f"{moment['where']}: “")  # what the result card says


def test_cancel_keeps_the_files_already_read(make_window, qtbot, db: Path) -> None:
    window = make_window(db)
    window.deep.stages = [LoudestSecond(pause=1.0)]
    open_scan_page(window, qtbot)
    assert "Loudest is on: 0 read, 4 left to read" in window.scan.readers.text()
    with qtbot.waitSignal(window.deep.finished, timeout=TIMEOUT) as finished:
        window.scan.deep_button.click()
        # two files finished (the soundless news clip fails at once); cancel then drops the file in hand
        qtbot.waitUntil(lambda: window.scan.deep_bar.value() >= 2, timeout=TIMEOUT)
        window.scan.deep_cancel.click()
    summary = finished.args[0]
    finished_files = summary.done + summary.failed
    assert summary.cancelled and summary.done >= 1 and finished_files < 4, summary
    assert summary.pending == 4 - finished_files, summary
    result = window.scan.deep_result.text()
    assert result.startswith("Reading cancelled in ")
    for line in summary.errors:  # the news clip has no sound: one line naming it, and the pass went on
        assert line in result and "evening-news.mp4: no audio stream" in line
    left = 4 - finished_files
    qtbot.waitUntil(lambda: f"Loudest is on: {summary.done} read, {left} left to read" in window.scan.readers.text(),
                    timeout=WAIT)
    assert window.scan.deep_button.isEnabled()  # the rest can be read later
    # What finished is searchable: the loudest second is a "speech" moment ("said at …").
    hits = [h for h in search_hits(window, qtbot, "loudest second") if h.get("moments")]
    assert len(hits) == summary.done, hits
    assert all(h["moments"][0]["where"].startswith("said at ") for h in hits), hits


def test_detail_shows_the_sound_and_the_shots(make_window, qtbot, db: Path) -> None:
    window = make_window(db)
    service: PyrecService = window.runner.service
    video = next(v for v in service.videos(limit=None) if v["path"].endswith("lighthouse-talk.mp4"))
    full = service.video(video["id"])
    assert full["sound"] is not None and full["sound"]["speech"] > 0.5, full["sound"]
    with qtbot.waitSignal(window.detail.loaded, timeout=WAIT):
        window.open_video(video)
    facts = window.detail.facts.text()
    assert f"Sound: {sound_text(full['sound'])}" in facts
    assert re.search(r"Sound: (talky · )?speech \d+ %, music \d+ % · −\d+\.\d LUFS", facts), facts
    shots = shots_text(full["stats"])
    assert shots and f"Shots: {shots}" in facts, (full["stats"], facts)
    assert "cuts per minute" in shots


def test_sound_and_shots_lines() -> None:
    sound = {"speech": 0.8, "music": 0.0, "noise": 0.05, "silence": 0.15, "loudness_lufs": -20.61,
             "seconds_heard": 8.0, "traits": ["talky"]}
    assert sound_text(sound) == "talky · speech 80 %, music 0 % · −20.6 LUFS"  # type: ignore[arg-type]
    assert sound_text({**sound, "traits": [], "loudness_lufs": None}) == "speech 80 %, music 0 % · silent"  # type: ignore[arg-type]
    assert sound_text(None) == ""
    documentary = {**sound, "speech": 0.7, "music": 0.1, "music_bed": 0.45, "traits": ["talky", "music"]}
    assert sound_text(documentary) == "talky · music · speech 70 % (45 % over music), music 10 % · −20.6 LUFS"  # type: ignore[arg-type]
    assert shots_text({"scenes": 12.0, "cuts_per_minute": 8.46}) == "12 scenes · 8.5 cuts per minute"
    assert shots_text({"scenes": 1.0, "cuts_per_minute": 0.0}) == "1 scene · 0.0 cuts per minute"
    assert shots_text({}) == ""


def test_play_says_where_it_resumes(make_window, qtbot, db: Path) -> None:
    window = make_window(db)
    service: PyrecService = window.runner.service
    videos = {Path(v["path"]).name: v for v in service.videos(limit=None)}
    played, fresh = videos["lighthouse-talk.mp4"], videos["music-0.mp4"]
    profile = window.profile
    assert service.record_play(played["id"], profile, position=5.0, watched_seconds=5.0) is not None
    assert service.resume_at(played["id"], profile) == pytest.approx(5.0)
    play = window.detail.buttons["play"]
    window.open_video(played)
    qtbot.waitUntil(lambda: play.text() == "Resume 0:05", timeout=WAIT)
    # the action row fits the default window: no sideways scrolling on the detail page
    scroller = window.detail.findChild(QScrollArea)
    assert scroller is None or not scroller.horizontalScrollBar().isVisible()
    assert window.detail.resume_at == pytest.approx(5.0)
    with qtbot.waitSignal(window.detail.loaded, timeout=WAIT):
        window.open_video(fresh)
        assert play.text() == "Play"  # at once: the last video's resume point is not carried over
    qtbot.wait(300)
    assert play.text() == "Play" and window.detail.resume_at is None


@pytest.mark.skipif(whisper.unavailable() is not None, reason="the pyrec[speech] extra is not installed")
def test_with_pyrecs_own_readers_search_finds_what_is_said(make_window, qtbot, db: Path) -> None:
    """No CLI: the real speech and on-screen readers, started from the Scan page."""
    window = make_window(db)
    assert window.deep.stages is None  # pyrec's own readers
    open_scan_page(window, qtbot)
    readers = window.scan.readers.text()
    assert "Speech is on: 0 read, 4 left to read" in readers and "On-screen text is on: 0 read" in readers
    with qtbot.waitSignal(window.deep.finished, timeout=TIMEOUT * 3) as finished:
        window.scan.deep_button.click()
    summary = finished.args[0]
    # 4 files × 3 readers (speech, on-screen text, whole-film shot cuts); the news
    # clip has no sound track: read, nothing said (not a failure)
    assert (summary.done, summary.failed) == (12, 0) and not summary.cancelled and not summary.unavailable, summary
    assert summary.errors == []
    hits = [h for h in search_hits(window, qtbot, "lighthouse keeper") if h.get("moments")]
    assert [Path(h["path"]).name for h in hits] == ["lighthouse-talk.mp4"], hits
    assert moment_of(hits[0]).startswith("said at 0:0"), hits[0]["moments"]
