"""A scan worker that dies (abort, segfault, SIGKILL from the OOM killer)
costs exactly the file it was decoding; everything else is indexed."""

from __future__ import annotations

import functools
import importlib
import sqlite3
from pathlib import Path

import pytest

from pyrec.library import Library
from pyrec.scan.scanner import WORKER_CRASHED, Scanner


def _rows(db: Path) -> dict[str, tuple[str, str | None]]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {Path(p).name: (s, e) for p, s, e in con.execute("SELECT path, status, error FROM videos")}
    finally:
        con.close()


@pytest.mark.parametrize("fault", ["abort_on", "segfault_on", "sigkill_on"])
def test_only_the_crashing_file_fails(fault: str, clips: Path, tmp_path: Path, faults_on_path: None) -> None:
    faults = importlib.import_module("pyrec_faults")
    files = sorted(clips.rglob("*.mp4"))[:6]
    for extra in sorted(clips.rglob("*.mp4"))[6:]:
        extra.unlink()  # six clips keep this quick; the crash lands mid-queue
    victim = files[2]
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        scanner = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=2,
                          index_fn=functools.partial(getattr(faults, fault), str(victim)))
        summary = scanner.scan([clips])
    assert (summary.added, summary.failed) == (5, 1), summary.errors
    assert summary.errors == [f"{victim}: {WORKER_CRASHED}"]
    rows = _rows(db)
    assert rows.pop(victim.name) == ("failed", f"{victim}: {WORKER_CRASHED}")
    assert len(rows) == 5 and all(status == "ok" and err is None for status, err in rows.values())


def test_two_crashing_files_and_a_rescan(clips: Path, tmp_path: Path, faults_on_path: None) -> None:
    """Two victims in one queue. A crash is the machine's verdict, not the
    file's (an OOM kill, a one-off fault): the next scan tries that file again
    and indexes it when it no longer crashes; unchanged good files are not
    touched and nothing is lost."""
    faults = importlib.import_module("pyrec_faults")
    files = sorted(clips.rglob("*.mp4"))
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        fn = functools.partial(faults.abort_on, str(files[0]))
        first = Scanner(lib, thumbnail_dir=tmp_path / "t", jobs=2, index_fn=fn).scan([clips])
        fn2 = functools.partial(faults.abort_on, str(files[7]))
        # files[7] was indexed fine; touch it so the rescan must index it again (and crash)
        files[7].write_bytes(files[7].read_bytes() + b"\0")
        second = Scanner(lib, thumbnail_dir=tmp_path / "t", jobs=2, index_fn=fn2).scan([clips])
    assert (first.added, first.failed) == (11, 1), first.errors
    assert (second.updated, second.failed, second.unchanged) == (1, 1, 10), second.errors
    rows = _rows(db)
    failed = {name for name, (status, _) in rows.items() if status == "failed"}
    assert failed == {files[7].name}
    assert sum(status == "ok" for status, _ in rows.values()) == 11
