"""The deep pass on real generated media: it runs any list of deep stages,
stores each file's result as it finishes (a SIGKILL loses only the file in
hand, and the next pass does not read finished files again), records
unreadable files as one line, names stages that cannot run, and a rescan of
a changed file sends it through again. With the ``pyrec[speech]`` extra
installed, real speech is transcribed and search finds a spoken word."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pyrec.cli import main
from pyrec.library import Library
from pyrec.models import TEXT_MODEL, whisper
from pyrec.scan.deep import DeepPass
from pyrec.scan.scanner import Scanner
from pyrec.service import PyrecService

from .deep_stages import LoudestSecond
from .sound_makers import PICTURES, Run, make_junk_audio_video, make_music_video, make_speech_video

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> tuple[Path, Path]:
    """Five scanned videos with sound (one of them speech); scanned once, copied per test."""
    base = tmp_path_factory.mktemp("deep")
    folder = base / "media"
    folder.mkdir()
    make_speech_video(ffmpeg, folder / "a-speech.mp4")
    for i in range(4):
        make_music_video(ffmpeg, folder / f"music-{i}.mp4", seconds=6.0 + i, picture=PICTURES[i + 1])
    with PyrecService(base / "lib.sqlite", cache_dir=base / "cache") as service:
        assert service.scan([folder], jobs=1).added == 5
    return base / "lib.sqlite", folder


@pytest.fixture
def db(library: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(library[0], tmp_path / "lib.sqlite"))


def runs(db: Path) -> dict[str, tuple[str, float]]:
    """path -> (status, finished_at) of the 'loudest' stage."""
    with Library.open(db) as lib:
        return {v.file.path: (r.status, r.finished_at) for v in lib.videos() for r in lib.deep_runs(v.id)
                if r.stage == "loudest"}


def test_a_pass_reads_every_file_once_and_stores_its_moments(db: Path, tmp_path: Path) -> None:
    log = tmp_path / "read.log"
    progress: list[tuple[int, int]] = []
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        summary = service.deep_pass(stages=[LoudestSecond(log=log)], progress=lambda p: progress.append((p.done, p.total)))
        assert (summary.done, summary.failed, summary.pending, summary.moments) == (5, 0, 0, 5)
        again = service.deep_pass(stages=[LoudestSecond(log=log)])
        assert (again.done, again.pending) == (0, 0)
        video = service.video(1)
    assert len(log.read_text().splitlines()) == 5  # the second pass read nothing
    assert progress[0] == (0, 5) and progress[-1] == (5, 5)
    assert [m["text"] for m in video["moments"] if m["kind"] == "speech"] == ["loudest second"]
    assert video["deep"][0] | {"seconds": 0} == {"stage": "loudest", "version": 1, "status": "done", "error": None,
                                                 "seconds": 0, "moments": 1}


def test_a_killed_pass_resumes_without_reading_finished_files_again(db: Path, tmp_path: Path) -> None:
    log = tmp_path / "killed.log"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        from deep_stages import LoudestSecond
        from pathlib import Path
        from pyrec.service import PyrecService
        with PyrecService({str(db)!r}, cache_dir={str(tmp_path / 'cache')!r}) as service:
            service.deep_pass(stages=[LoudestSecond(pause=1.0, log=Path({str(log)!r}))])
    """)
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(runs(db)) < 2:
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    finished = runs(db)
    assert 2 <= len(finished) < 5, "the pass should have been killed part-way"

    log2 = tmp_path / "resumed.log"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        summary = service.deep_pass(stages=[LoudestSecond(log=log2)])
    read_again = set(log2.read_text().splitlines())
    assert not read_again & set(finished), "a file finished before the kill was read again"
    assert summary.done == 5 - len(finished) == len(read_again)
    after = runs(db)
    assert len(after) == 5 and all(status == "done" for status, _ in after.values())
    assert all(after[p] == finished[p] for p in finished)  # untouched


def test_unreadable_files_fail_with_one_line_and_are_not_retried(db: Path, library: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    junk = make_junk_audio_video(folder / "junk.mkv")
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        service.scan([folder], jobs=1)
        first = service.deep_pass(stages=[LoudestSecond()])
        second = service.deep_pass(stages=[LoudestSecond()])
        junk_id = next(v["id"] for v in service.videos() if v["path"] == str(junk))
        shown = service.video(junk_id)
    assert (first.done, first.failed) == (5, 1)
    assert first.errors == [f"{junk}: audio cannot be decoded (Invalid data found when processing input)"]
    assert (second.done, second.failed) == (0, 0)
    assert shown["deep"][0]["status"] == "failed" and shown["deep"][0]["error"] == first.errors[0]


def test_a_stage_that_cannot_run_is_named_and_marks_nothing(db: Path, tmp_path: Path) -> None:
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        summary = service.deep_pass(stages=[LoudestSecond(missing="loudest is off: pip install it")])
        assert summary.unavailable == {"loudest": "loudest is off: pip install it"}
        assert (summary.done, summary.failed) == (0, 0)
        with pytest.raises(ValueError, match="no deep stage 'ocr'"):
            service.deep_pass(stages=[LoudestSecond()], stage="ocr")
    assert runs(db) == {}


def test_a_changed_file_is_read_again_after_its_rescan(db: Path, library: tuple[Path, Path], tmp_path: Path,
                                                       ffmpeg: Run) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    clip = make_music_video(ffmpeg, folder / "song.mp4", seconds=5.0, picture=PICTURES[4])
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        service.scan([folder], jobs=1)
        service.deep_pass(stages=[LoudestSecond()])
        assert runs(db)[str(clip)][0] == "done"
        make_speech_video(ffmpeg, clip, picture=PICTURES[4])  # the file changes on disk
        service.scan([folder], jobs=1)
        assert str(clip) not in runs(db)  # its deep result went with the old content
        assert not [m for m in service.video(service.library.video_by_path(clip).id)["moments"]  # type: ignore[union-attr]
                    if m["text"] == "loudest second"]
        summary = service.deep_pass(stages=[LoudestSecond()])
    assert summary.done == 1 and runs(db)[str(clip)][0] == "done"


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_the_cli_names_a_missing_speech_extra_or_transcribes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = cli_json(capsys, "deep", "--db", str(db), "--stage", "speech", "--limit", "1")
    reason = whisper.unavailable()
    if reason is not None:
        assert summary["unavailable"] == {"speech": reason} and "pyrec[speech]" in reason
    else:
        assert summary["done"] == 1 and summary["pending"] == 4
    status = cli_json(capsys, "deep", "--status", "--db", str(db))["speech"]
    assert status["unavailable"] == reason and status["done"] + status["pending"] == 5
    assert main(["deep", "--db", str(db), "--stage", "nonesuch"]) == 2
    assert "no deep stage 'nonesuch'" in capsys.readouterr().err


@pytest.mark.skipif(whisper.unavailable() is not None, reason="the pyrec[speech] extra is not installed")
def test_speech_is_transcribed_and_search_finds_a_spoken_word(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = cli_json(capsys, "deep", "--db", str(db), "--stage", "speech")
    assert summary["done"] == 5 and summary["failed"] == 0
    cards = cli_json(capsys, "search", "lighthouse", "--db", str(db))
    assert cards and Path(cards[0]["path"]).name == "a-speech.mp4"
    moment = cards[0]["moments"][0]
    assert moment["kind"] == "speech" and moment["language"] == "eng"
    assert moment["where"].startswith("said at 0:0") and "lighthouse keeper" in moment["text"].lower()
    # Whisper was sure of the language: show says what the speech was heard in (no tag to disagree with).
    heard = cli_json(capsys, "show", str(cards[0]["id"]), "--db", str(db))
    assert heard["speech_language"] == "English" and heard["language_notes"] == []
    # Music has no speech regions: nothing is transcribed there (no hallucinated lines).
    shown = cli_json(capsys, "show", "2", "--db", str(db))
    assert [m for m in shown["moments"] if m["kind"] == "speech"] == []
    words = " ".join(m["text"] for m in cli_json(capsys, "show", "1", "--db", str(db))["moments"]).lower()
    assert all(w in words for w in ("storm", "harbo", "stairs", "great lamp"))


def text_vector(lib: Library, video_id: int) -> np.ndarray:
    ids, matrix = lib.embeddings(f"{TEXT_MODEL}/text")
    return matrix[list(ids).index(video_id)]


def test_newer_extractors_keep_what_the_deep_pass_read_of_an_unchanged_file(db: Path, tmp_path: Path) -> None:
    """The upgrade pass indexes every file again when pyrec's extractors
    improve; minutes of speech recognition per film must not go with it. An
    unchanged file keeps its deep runs, their moments and the whole-film
    figures, and its text vector takes the heard lines in again."""
    from pyrec.features.shots import ShotStage

    with Library.open(db) as lib:
        first = DeepPass(lib, [LoudestSecond(), ShotStage()]).run()
        assert first.failed == 0 and first.done == 10
        video = lib.videos()[0]
        before_runs = [(r.stage, r.status) for r in lib.deep_runs(video.id)]
        heard = [m for m in lib.moments(video.id) if m.text == "loudest second"]
        stats = lib.video(video.id).stats
        vector = text_vector(lib, video.id)
    assert heard and "shots_seen" in stats
    conn = sqlite3.connect(db)
    with conn:  # as a library an older pyrec stored: the upgrade pass re-indexes every file
        conn.execute("UPDATE videos SET extracted = 0")
    conn.close()
    with Library.open(db) as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([Path(video.file.path).parent])
        assert summary.updated >= 1 and summary.failed == 0
        assert [(r.stage, r.status) for r in lib.deep_runs(video.id)] == before_runs
        assert [m for m in lib.moments(video.id) if m.text == "loudest second"] == heard
        after = lib.video(video.id).stats
        assert {k: after[k] for k in ("cuts_per_minute", "scenes", "shots_seen")} == \
            {k: stats[k] for k in ("cuts_per_minute", "scenes", "shots_seen")}
        assert np.allclose(text_vector(lib, video.id), vector, atol=1e-5)  # the heard lines are in it again
        assert DeepPass(lib, [LoudestSecond(), ShotStage()]).run().done == 0  # nothing to read again
