"""Shared test data for library tests: realistic records, and library files
built at every earlier schema version (to test each migration path)."""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pyrec.library.connection import prepare_file
from pyrec.library.migrations import SCHEMA_VERSION, migrate
from pyrec.records import (
    Embedding,
    EntityRef,
    FileStat,
    Keyframe,
    Label,
    MediaProbe,
    TextInfo,
    VideoRecord,
)

MODEL = "test-model/pool"


def make_record(
    path: str = "/media/movies/Hunt.mkv",
    *,
    size: int = 1000,
    mtime_ns: int = 1_600_000_000_000_000_000,
    quick_hash: str = "abc123",
    title: str = "The Hunt for Red October",
    plot: str = "A submarine captain defects to the West.",
    people: tuple[str, ...] = ("Sean Connery",),
    genres: tuple[str, ...] = ("Thriller",),
    vector: np.ndarray | None = None,
    keyframes: int = 3,
    labels: tuple[str, ...] = ("submarine",),
    subtitles: str = "one ping only",
) -> VideoRecord:
    rng = np.random.default_rng(zlib.crc32(os.fsencode(path)))
    return VideoRecord(
        file=FileStat(path, size, mtime_ns, quick_hash),
        probe=MediaProbe(duration=5400.5, fps=23.976, width=1920, height=800, codec="avc1", rotation=0,
                         frame_count=129_000),
        text=TextInfo(title=title, original_title=title.upper(), year=1990, plot=plot, tagline="Invisible.",
                      rating=7.6, media_type="movie", subtitles=subtitles, sources=(path, path + ".nfo")),
        keyframes=[Keyframe(time=10.0 * i, phash=-(2**63) + i, thumbnail=f"/cache/{i}.jpg", sharpness=i,
                            brightness=0.5) for i in range(keyframes)],
        embeddings=[Embedding(MODEL, rng.standard_normal(16).astype(np.float32) if vector is None else vector)],
        labels=[Label(name, 0.9) for name in labels],
        entities=[EntityRef("person", p, "actor", 1.0, "Captain") for p in people]
        + [EntityRef("genre", g) for g in genres],
        stats={"brightness": 0.4, "motion": 1.5},
    )


def _insert(conn: sqlite3.Connection, table: str, rows: dict[str, object] | list[dict[str, object]]) -> None:
    """INSERT plain rows (dicts) into an existing table; a column some rows
    leave out is NULL in them."""
    rows = [rows] if isinstance(rows, dict) else rows
    columns = list(dict.fromkeys(c for row in rows for c in row))
    names, marks = ", ".join(f'"{c}"' for c in columns), ", ".join("?" * len(columns))
    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [tuple(row.get(c) for c in columns) for row in rows])


def _seed_v1(conn: sqlite3.Connection) -> None:
    """Data as pyrec at schema v1 wrote it (v1 tables only)."""
    _insert(conn, "videos", [
        dict(id=1, path="/media/old/Hunt.mkv", size=1000, mtime_ns=5, quick_hash="q1", duration=60.0, fps=25.0,
             width=640, height=360, codec="avc1", rotation=90, frame_count=1500, status="ok", error=None,
             added_at=100.0, updated_at=100.0, title="The Hunt for Red October", year=1990,
             plot="A submarine captain defects.", media_type="movie", rating=7.5, stats='{"motion": 2.0}'),
        dict(id=2, path="/media/old/broken.avi", size=5, mtime_ns=6, quick_hash="", status="failed",
             error="moov atom not found", added_at=101.0, updated_at=101.0, title="", plot="",
             media_type="", stats="{}"),
    ])
    _insert(conn, "texts", dict(video_id=1, original_title="", tagline="", subtitles="crazy ivan", sources="[]"))
    _insert(conn, "keyframes", [
        dict(video_id=1, idx=i, time=i * 2.0, thumbnail=None, phash=i - 3, sharpness=1.0, brightness=0.2)
        for i in range(3)
    ])
    _insert(conn, "embeddings", dict(video_id=1, model_id=MODEL, dim=4, dtype="float32",
                                 vector=np.array([1.5, -2.0, 0.0, 3.25], "<f4").tobytes()))
    _insert(conn, "labels", dict(video_id=1, name="submarine", score=0.8, source="visual"))
    _insert(conn, "entities", [dict(id=1, kind="person", name="Sean Connery"), dict(id=2, kind="genre",
                                                                                   name="Thriller")])
    _insert(conn, "video_entities", [
        dict(video_id=1, entity_id=1, role="actor", weight=1.0, extra="Ramius"),
        dict(video_id=1, entity_id=2, role="", weight=1.0, extra=""),
    ])


def _seed_v3(conn: sqlite3.Connection) -> None:
    """v1 data plus a profile with history, as pyrec at schema v3 wrote it."""
    _seed_v1(conn)
    _insert(conn, "profiles", dict(id=1, name="default", created_at=100.0, incognito=0))
    _insert(conn, "interactions", [
        dict(profile_id=1, video_id=1, kind="play", value=None, position=30.0, watched_seconds=30.0,
             duration=60.0, created_at=200.0),
        dict(profile_id=1, video_id=1, kind="like", value=None, position=None, watched_seconds=None,
             duration=None, created_at=201.0),
    ])


def _seed_v11(conn: sqlite3.Connection) -> None:
    """v3 data plus the moments a scan at v6..v11 stored (no passages yet)."""
    _seed_v3(conn)
    _insert(conn, "moments", {"video_id": 1, "start": 12.0, "end": 14.0, "kind": "subtitle",
                              "text": "Give me a ping, Vasili. One ping only.", "language": "eng"})


# What each earlier version holds; a new migration adds its version here.
# v4 (folders, settings), v5 (a nullable column), v6 (moments), v7 (duplicates) and v8 (a column)
# add no data of their own.
_SEEDS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _seed_v1, 2: _seed_v1, 3: _seed_v3, 4: _seed_v3,
                                                            5: _seed_v3, 6: _seed_v3, 7: _seed_v3,
                                                            8: _seed_v3, 9: _seed_v3, 10: _seed_v3, 11: _seed_v11,
                                                            12: _seed_v11}


def build_library_at(path: Path, version: int) -> None:
    """A library file exactly as pyrec at ``version`` left it, with data in it.

    Old schemas come from the (append-only) migration steps 1..version."""
    assert 0 <= version < SCHEMA_VERSION
    prepare_file(path, create=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        assert migrate(conn, path, target=version) == version
        if version in _SEEDS:
            conn.execute("BEGIN")
            _SEEDS[version](conn)
            conn.execute("COMMIT")
    finally:
        conn.close()


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            # sqlite_stat* are the planner's statistics (PRAGMA optimize), not schema
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return [(t, n, " ".join((s or "").split())) for t, n, s in rows]

