"""Two writers (a GUI and a CLI, say) on one library: nothing lost, never "locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pyrec.errors import LibraryError
from pyrec.library import SCHEMA_VERSION, Library

from .helpers import MODEL

# A separate process writing one small transaction at a time, as a scan does.
_WRITER = r"""
import sys
import numpy as np
from pyrec.library import Library
from pyrec.records import Embedding, EntityRef, FileStat, MediaProbe, VideoRecord

path, tag, count, MODEL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with Library.open(path) as lib:
    profile = lib.ensure_profile("shared")
    for i in range(count):
        record = VideoRecord(
            FileStat(f"/media/{tag}/{i}.mkv", 100 + i, i, f"{tag}-{i}"),
            MediaProbe(60.0, 25.0, 64, 48, "avc1"),
            embeddings=[Embedding(MODEL, np.full(4, i, np.float32))],
            entities=[EntityRef("person", f"Person {i % 7}", "actor")],
        )
        video_id = lib.upsert_video(record)
        lib.add_interaction(profile.id, video_id, "play")
        lib.count_videos()
"""


def _spawn(path: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), tag, str(count), MODEL],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )


def test_two_processes_upgrade_and_write_at_once(tmp_path: Path, library_at) -> None:
    path = tmp_path / "shared.sqlite"
    library_at(path, 1)  # both processes race to migrate it first
    count = 120
    writers = [_spawn(path, tag, count) for tag in ("gui", "cli")]
    results = [w.communicate(timeout=120) for w in writers]
    for writer, (_, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err and "busy" not in err
    with Library.open(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        assert lib.count_videos() == 2 * count + 2  # plus the two seeded rows
        shared = [p for p in lib.profiles() if p.name == "shared"]
        assert len(shared) == 1
        assert len(lib.interactions(shared[0].id)) == 2 * count
        people = {s.name: s.df for s in lib.entity_stats() if s.kind == "person"}
        assert sum(people.values()) == 2 * count + 1  # +1: Sean Connery from the seed
        assert len(lib.embeddings(MODEL)[0]) == 2 * count + 1


def test_threads_with_their_own_connections_lose_nothing(db_path: Path, make_record) -> None:
    with Library.open(db_path):
        pass
    errors: list[BaseException] = []

    def write(tag: str) -> None:
        try:
            with Library.open(db_path) as lib:
                for i in range(60):
                    lib.upsert_video(make_record(f"/m/{tag}/{i}.mkv", people=(f"P{i % 5}",)))
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Library.open(db_path) as lib:
        assert lib.count_videos() == 180


def test_one_library_shared_by_threads(lib: Library, make_record) -> None:
    errors: list[BaseException] = []

    def work(tag: str) -> None:
        try:
            for i in range(40):
                lib.upsert_video(make_record(f"/m/{tag}/{i}.mkv"))
                lib.videos(limit=5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in "wxyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and lib.count_videos() == 160


def _hold_write_lock(path: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_writer_waits_for_a_lock_held_by_someone_else(lib: Library, make_record) -> None:
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(lib.path, 0.7, held))
    holder.start()
    held.wait(5)
    started = time.monotonic()
    video_id = lib.upsert_video(make_record())
    waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.5 and lib.video(video_id).status == "ok"


def test_lock_held_past_the_timeout_is_a_library_error(db_path: Path, make_record) -> None:
    with Library.open(db_path, busy_timeout=0.3) as lib:
        held = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(db_path, 1.5, held))
        holder.start()
        held.wait(5)
        try:
            with pytest.raises(LibraryError) as info:
                lib.upsert_video(make_record())
            assert "busy" in info.value.reason
            assert info.value.path == str(db_path)
        finally:
            holder.join()
        assert lib.count_videos() == 0
        lib.upsert_video(make_record())  # fine once the lock is gone
        assert lib.count_videos() == 1
