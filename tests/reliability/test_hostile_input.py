"""Hostile and broken media, names, trees and sidecars through a real scan:
each bad file is one clear error line naming it, the scan goes on, and the
good files land in the library with their exact (even undecodable) names."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from pyrec.library import Library
from pyrec.scan.scanner import Scanner, ScanProgress
from pyrec.scan.walk import Walker

from .conftest import run_cli
from .hostile import build_tree


NOT_FILES = ("dangling.mp4", "fifo.mp4")  # reported by the walk, never opened


def last_decoded_time(path: str) -> float:
    """Where a file really stops: the end of the last frame FFmpeg decodes from it."""
    import av

    end = 0.0
    with av.open(path) as container:
        stream = container.streams.video[0]
        start = container.start_time / 1_000_000 if container.start_time else 0.0
        try:
            for frame in container.decode(stream):
                if frame.time is not None:
                    end = max(end, frame.time + float(1 / stream.average_rate))
        except av.FFmpegError:
            pass
    return end - start


@pytest.fixture(scope="module")
def tree(clip_pool: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, str]]]:
    root = tmp_path_factory.mktemp("hostile")
    expected = build_tree(root, min(clip_pool.rglob("*.mp4")))
    return root, expected


def _by_name(lines: list[str], root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in lines:
        path = line.split(": ", 1)[0]
        out.setdefault(os.path.basename(path) if path.startswith(str(root)) else path, []).append(line)
    return out


def test_scan_survives_hostile_tree(tree: tuple[Path, dict[str, dict[str, str]]], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root, expected = tree
    (root / "locked").mkdir(exist_ok=True)
    (root / "zz_late").mkdir(exist_ok=True)
    gone_early = root / "gone_before_plan.mp4"
    gone_late = root / "zz_late" / "gone_mid_index.mp4"
    good = root / "media" / "real_mp4_named.avi"
    gone_early.write_bytes(good.read_bytes())
    gone_late.write_bytes(good.read_bytes())

    # Root bypasses permissions, so "unreadable folder" is simulated where the walker lists it.
    real_scandir = os.scandir

    def scandir(path: int | str | os.PathLike[str] = ".") -> object:
        if not isinstance(path, int) and os.fspath(path) == str(root / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    def on_progress(p: ScanProgress) -> None:  # the tree changes under the scan
        if p.phase == "walking":
            gone_early.unlink()
        elif p.phase == "indexing" and gone_late.exists():
            gone_late.unlink()

    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([root], progress=on_progress)
        stored = {v.file.path: v for v in lib.videos(status=None, limit=None)}

    errors = _by_name(summary.errors, root)
    want_fail = dict(expected["fail"]) | {"gone_before_plan.mp4": "No such file or directory",
                                          "gone_mid_index.mp4": "file does not exist"}
    for name, reason in want_fail.items():
        assert len(errors.get(name, [])) == 1, (name, summary.errors)
        line = errors[name][0]
        assert "\n" not in line and reason in line, line
    assert errors.pop("locked") == [f"{root / 'locked'}: cannot list folder (Permission denied)"]
    assert set(errors) == set(want_fail), summary.errors  # nothing else failed
    assert summary.added == len(expected["ok"]), summary.errors
    # Broken links and pipes named like videos are the walker's lines: never opened, so not "failed".
    assert summary.failed == len(want_fail) - len(NOT_FILES)

    # Round trip: every good file is stored under its exact path, undecodable bytes included.
    ok_paths = {p for p, v in stored.items() if v.status == "ok"}
    assert {os.path.basename(p) for p in ok_paths} == set(expected["ok"])
    assert all(os.path.exists(p) for p in ok_paths)
    assert any(os.fsencode(p).endswith(b"invalid-\xff\xfe-utf8.mp4") for p in ok_paths)
    by_name = {os.path.basename(p): v for p, v in stored.items()}
    assert by_name["one_frame.mp4"].probe.frame_count == 1
    assert by_name["rotated.mp4"].probe.rotation == 90
    assert (by_name["rotated.mp4"].probe.width, by_name["rotated.mp4"].probe.height) == (72, 96)
    assert by_name["vfr.mp4"].probe.duration > 0
    assert by_name["huge.avi"].status == "failed"
    assert by_name["gone_mid_index.mp4"].status == "failed"
    assert "gone_before_plan.mp4" not in by_name  # vanished before it was hashed: no row, just the error
    # Symlink loop walked once: no path goes through "loop".
    assert not any("/loop/" in p for p in stored)
    # Links out of the library: not followed, each reported once, nothing of theirs stored.
    skipped = [w for w in summary.warnings if ": not followed: it links to " in w]
    assert sorted(os.path.basename(w.split(": ", 1)[0]) for w in skipped) == sorted(expected["links_out"]), skipped
    assert not any(name in p for p in stored for name in ("link_out", "passwd", "elsewhere"))
    # Truncated files that still open: stored as damaged, with the length that really plays.
    for name in expected["damaged"]:
        probe = by_name[name].probe
        assert probe is not None and probe.damaged and probe.playable is not None, name
        # Against decoding every frame that is there (the slow, sure way): within a frame or two.
        assert probe.playable == pytest.approx(last_decoded_time(by_name[name].file.path), abs=0.25), name
        assert probe.duration == pytest.approx(12, abs=0.5)  # what the header claims
    assert not by_name["whole.mkv"].probe.damaged
    with Library.open(db) as lib:
        assert lib.stats().videos_by_status["damaged"] == len(expected["damaged"])

    # Sidecars: the video is indexed, the sidecar is a warning naming it; no XXE leak.
    warnings = "\n".join(summary.warnings)
    for sidecar in ("bomb.nfo", "hugesrt.srt", "binsrt.srt"):
        assert any(w.split(": ", 1)[0].endswith(sidecar) for w in summary.warnings), (sidecar, warnings)
    xxe = by_name["xxe.mp4"]
    assert "root:" not in (xxe.text.plot or "") and "root:x" not in warnings
    assert "Café crème" in (by_name["latin1.mp4"].text.subtitles or "")
    assert "Straßen" in (by_name["utf16.mp4"].text.subtitles or "")

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_corpus_is_big_and_varied(tree: tuple[Path, dict[str, dict[str, str]]]) -> None:
    _, expected = tree
    assert sum(len(group) for group in expected.values()) >= 40
    assert len(expected["fail"]) >= 15 and len(expected["damaged"]) >= 3 and len(expected["links_out"]) >= 3


def test_cli_shows_damage(tree: tuple[Path, dict[str, dict[str, str]]], tmp_path: Path) -> None:
    root, expected = tree
    db = str(tmp_path / "lib.sqlite")
    media = root / "media"
    assert run_cli("scan", str(media), "--db", db, "--jobs", "1", timeout=240).code == 0
    show = run_cli("show", str(media / "cut50.mkv"), "--db", db, "--json")
    video = json.loads(show.stdout)
    assert video["status"] == "damaged" and 3.5 < video["playable"] < 8.5, video
    table = run_cli("show", str(media / "cut50.mkv"), "--db", db)
    assert "only 0:0" in table.stdout and "of 0:12 plays" in table.stdout, table.stdout
    whole = json.loads(run_cli("show", str(media / "whole.mkv"), "--db", db, "--json").stdout)
    assert whole["status"] == "ok" and whole["playable"] is None
    doctor = json.loads(run_cli("doctor", "--db", db, "--json").stdout)
    assert doctor["library"]["videos_by_status"]["damaged"] == sum(1 for n in expected["damaged"])


def test_cli_prints_one_line_per_error(tree: tuple[Path, dict[str, dict[str, str]]], tmp_path: Path) -> None:
    root, expected = tree
    run = run_cli("scan", str(root), "--db", str(tmp_path / "lib.sqlite"), "--jobs", "2", timeout=240)
    assert run.code == 0, run.stderr  # some files were readable
    lines = run.stderr.splitlines()
    assert lines[-1] == "netguard-blocked=0"
    assert all(line.startswith(("error: ", "warning: ")) for line in lines[:-1]), lines
    errs = run.error_lines
    assert len(errs) == len(expected["fail"]), errs
    for name in expected["fail"]:
        assert sum(f"/{name}: " in e for e in errs) == 1, (name, errs)
    assert f"{len(expected['ok'])} added" in run.stdout
    assert f"{len(expected['fail']) - len(NOT_FILES)} failed" in run.stdout
    # The newline in a file name is escaped, never a line break of its own.
    listing = run_cli("list", "--db", str(tmp_path / "lib.sqlite"), "--json")
    assert listing.code == 0 and "new\\nline.mp4" in listing.stdout


def test_thousands_of_files_in_one_folder_walk_fast(tmp_path: Path, clip_pool: Path) -> None:
    crowd = tmp_path / "crowd"
    crowd.mkdir()
    for i in range(1500):
        (crowd / f"photo{i:04d}.jpg").write_bytes(b"\xff\xd8\xff" + b"x" * 64)
        (crowd / f"blob{i:04d}").write_bytes(os.urandom(64))  # unknown: sniffed
    for clip in sorted(clip_pool.rglob("*.mp4"))[:3]:
        (crowd / clip.name).write_bytes(clip.read_bytes())
    start = time.perf_counter()
    report = Walker().walk([crowd])
    elapsed = time.perf_counter() - start
    assert sorted(os.path.basename(f.path) for f in report.files) == sorted(c.name for c in sorted(clip_pool.rglob("*.mp4"))[:3])
    assert report.errors == []
    assert elapsed < 2.0, f"walking 3003 files took {elapsed:.2f} s"


def test_file_swapped_for_a_fifo_mid_scan_does_not_hang(clips: Path, tmp_path: Path) -> None:
    """A named pipe where the walker saw a video: a plain open() would block the
    scan forever. It is one error line and the other files are indexed."""
    victim = sorted(clips.rglob("*.mp4"))[0]
    for extra in sorted(clips.rglob("*.mp4"))[3:]:
        extra.unlink()
    (clips / "pipe_no_ext").parent.mkdir(exist_ok=True)
    os.mkfifo(clips / "pipe_no_ext")  # walk must not sniff (open) a FIFO either

    def swap(p: ScanProgress) -> None:
        if p.phase == "walking":
            victim.unlink()
            os.mkfifo(victim)

    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "t", jobs=1).scan([clips], progress=swap)
    assert summary.errors == [f"{victim}: not a regular file"]
    assert (summary.added, summary.failed) == (2, 1)
