"""The library under stress: two processes at once, a full disk, a read-only
file and a drive that vanishes. Never "database is locked", never a lost or
half-written row; failures are one LibraryError line naming the file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyrec.errors import LibraryError
from pyrec.library import Library
from pyrec.scan.scanner import Scanner, ScanProgress

from .conftest import SCRIPTS, child_env, run_cli


def _count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _whole_videos(db: Path) -> int:
    """'ok' videos that have keyframes and a visual embedding: never half a row."""
    half = _count(db, """SELECT count(*) FROM videos v WHERE v.status = 'ok' AND (
        NOT EXISTS (SELECT 1 FROM keyframes k WHERE k.video_id = v.id) OR
        NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.video_id = v.id))""")
    assert half == 0
    return _count(db, "SELECT count(*) FROM videos WHERE status = 'ok'")


def test_gui_and_cli_processes_share_one_library(clips: Path, tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    Library.open(db).close()
    env = child_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    gui = subprocess.Popen([sys.executable, str(SCRIPTS / "gui_like.py"), str(db), "120"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    scan = subprocess.Popen([sys.executable, str(SCRIPTS / "guarded_cli.py"), "scan", str(clips), "--db", str(db),
                             "--jobs", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # A third process, CLI-like, likes video 1 as soon as it exists, while the scan still writes.
    while _count(db, "SELECT count(*) FROM videos WHERE id = 1") == 0:
        assert scan.poll() is None or scan.returncode == 0
    likes = [run_cli("like", "1", "--db", str(db)) for _ in range(3)]
    scan_out, scan_err = scan.communicate(timeout=240)
    out, err = gui.communicate(timeout=240)
    everything = (scan_err + err).decode(errors="replace") + "".join(r.stderr for r in likes)
    assert "database is locked" not in everything and "stayed busy" not in everything, everything
    assert gui.returncode == 0 and scan.returncode == 0 and all(r.code == 0 for r in likes), everything
    result = json.loads(out)
    recorded = result["recorded"]
    assert recorded == 120 + 40
    assert result["seen_at_start"] < 12, "the GUI-like process must have started while the scan was writing"
    assert b"12 added" in scan_out
    assert _whole_videos(db) == 12
    assert _count(db, "SELECT count(*) FROM interactions") == recorded + 3


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: a real ENOSPC. Needs root and a kernel that allows it."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_is_one_line_and_nothing_is_corrupted(clips: Path, tmp_path: Path, tiny_tmpfs: Path) -> None:
    db = tiny_tmpfs / "lib.sqlite"
    run = run_cli("scan", str(clips), "--db", str(db), "--jobs", "1")
    assert run.code == 1, run.stderr
    assert run.error_lines == [f"error: {db}: the disk is full"], run.stderr
    stored = _whole_videos(db)
    assert 0 < stored < 12
    # Room again (the drive was cleaned up): a rescan finishes the job, nothing was lost.
    subprocess.run(["mount", "-o", "remount,size=64m", str(tiny_tmpfs)], check=True)
    again = run_cli("scan", str(clips), "--db", str(db), "--jobs", "1", "--json")
    assert again.code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["unchanged"] == stored and summary["added"] == 12 - stored
    assert _whole_videos(db) == 12


def test_sqlite_full_mid_scan_keeps_committed_rows(clips: Path, tmp_path: Path) -> None:
    """Portable disk-full: SQLite's max_page_count yields SQLITE_FULL on any OS."""
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        conn = lib._conn
        assert conn is not None
        # A few pages more than the empty schema holds (which grows with migrations): room for some clips, not all 12.
        empty = int(conn.execute("PRAGMA page_count").fetchone()[0])
        conn.execute(f"PRAGMA max_page_count = {empty + 3}")
        with pytest.raises(LibraryError) as caught:
            Scanner(lib, thumbnail_dir=tmp_path / "t", jobs=1).scan([clips])
    assert caught.value.one_line() == f"{db}: the disk is full"
    stored = _whole_videos(db)
    assert 0 < stored < 12


def test_read_only_library_is_refused_untouched(clips: Path, tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    first = run_cli("scan", str(clips), "--db", str(db), "--jobs", "1")
    assert first.code == 0, first.stderr
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        assert not extra.exists() or extra.stat().st_size >= 0
    db.chmod(0o444)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    for cmd in (["scan", str(clips), "--jobs", "1"], ["like", "1"], ["list"]):
        run = run_cli(*cmd, "--db", str(db))
        assert run.code == 1, (cmd, run.stderr)
        assert run.error_lines == [f"error: {db}: the library file is read-only; pyrec needs to write to it"]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    db.chmod(0o600)
    assert _whole_videos(db) == 12


def test_library_drive_vanishes_mid_scan(clips: Path, tmp_path: Path) -> None:
    """The library's folder is renamed (drive unplugged, remounted elsewhere)
    while a scan writes: the scan stops with one clear LibraryError and the
    rows committed before are whole in the file where it now lives."""
    drive = tmp_path / "drive"
    drive.mkdir()
    db = drive / "lib.sqlite"
    moved = tmp_path / f"elsewhere-{uuid.uuid4().hex[:6]}"
    seen: list[int] = []

    def unplug(p: ScanProgress) -> None:
        if p.phase == "indexing":
            seen.append(p.done)
            if p.done == 4:
                os.rename(drive, moved)

    with Library.open(db) as lib, pytest.raises(LibraryError) as caught:
        Scanner(lib, thumbnail_dir=tmp_path / "t", jobs=1).scan([clips], progress=unplug)
    assert caught.value.one_line() == f"{db}: the library file vanished (deleted or moved) while open"
    assert seen == [1, 2, 3, 4]
    assert _whole_videos(moved / "lib.sqlite") == 4
    # Deleted outright while open: same clear refusal, no write into the void.
    shutil.copy(moved / "lib.sqlite", tmp_path / "again.sqlite")
    with Library.open(tmp_path / "again.sqlite") as lib:
        (tmp_path / "again.sqlite").unlink()
        with pytest.raises(LibraryError, match="vanished"):
            lib.add_library_folder(str(clips))
