"""Every earlier schema version upgrades to the current one without losing data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from pyrec.library import SCHEMA_VERSION, Library, migrations
from pyrec.library.migrations import MIGRATIONS, Migration

from .helpers import MODEL

EARLIER = list(range(SCHEMA_VERSION))


def test_versions_are_consecutive() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert SCHEMA_VERSION >= 3


@pytest.mark.parametrize("version", EARLIER)
def test_upgrade_reaches_the_same_schema_as_a_fresh_library(
    tmp_path: Path, version: int, library_at, read_schema
) -> None:
    old, fresh = tmp_path / "old.sqlite", tmp_path / "fresh.sqlite"
    library_at(old, version)
    with Library.open(old) as lib:
        assert lib.schema_version == SCHEMA_VERSION
    with Library.open(fresh):
        pass
    assert read_schema(old) == read_schema(fresh)


@pytest.mark.parametrize("version", [v for v in EARLIER if v >= 1])
def test_upgrade_keeps_every_row(tmp_path: Path, version: int, library_at) -> None:
    path = tmp_path / "old.sqlite"
    library_at(path, version)
    with Library.open(path) as lib:
        hunt = lib.video(1)
        assert hunt.file.path == "/media/old/Hunt.mkv" and hunt.file.quick_hash == "q1"
        assert hunt.probe is not None and hunt.probe.rotation == 90 and hunt.probe.frame_count == 1500
        assert (hunt.added_at, hunt.text.year, hunt.text.rating, hunt.stats) == (100.0, 1990, 7.5, {"motion": 2.0})
        assert hunt.text.subtitles == "crazy ivan"
        assert [k.phash for k in lib.keyframes(1)] == [-3, -2, -1]
        ids, matrix = lib.embeddings(MODEL)
        assert ids.tolist() == [1]
        assert matrix.tobytes() == np.array([1.5, -2.0, 0.0, 3.25], "<f4").tobytes()
        assert [(e.kind, e.name, e.role, e.extra) for e in lib.entities_of(1)] == [
            ("genre", "Thriller", "", ""), ("person", "Sean Connery", "actor", "Ramius")]
        broken = lib.video(2)
        assert (broken.status, broken.error, broken.probe) == ("failed", "moov atom not found", None)
        # search covers rows written before search existed (v1) or by v2's triggers
        assert [h.video_id for h in lib.search("submarine")] == [1]
        assert [h.video_id for h in lib.search("connery")] == [1]
        assert [h.video_id for h in lib.search("ivan")] == [1]
        if version >= 3:  # history written before the upgrade survives it
            default = lib.ensure_profile("default")
            assert [(i.kind, i.watched_seconds) for i in lib.interactions(default.id)] == [
                ("play", 30.0), ("like", None)]
        # and the newest tables work on the upgraded file
        profile = lib.ensure_profile("me")
        lib.add_interaction(profile.id, 1, "like")
        assert [i.kind for i in lib.interactions(profile.id)] == ["like"]
        lib.add_library_folder("/media/old")
        assert lib.library_folders() == ["/media/old"]


def test_failed_step_rolls_back_to_the_previous_version(
    tmp_path: Path, library_at, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite"
    library_at(path, SCHEMA_VERSION - 1)

    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        conn.execute("DELETE FROM videos")
        raise RuntimeError("step blew up")

    broken = (*MIGRATIONS[:-1], Migration(SCHEMA_VERSION, "broken", half_done))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    with pytest.raises(RuntimeError, match="step blew up"):
        Library.open(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
        assert conn.execute("SELECT count(*) FROM videos").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    finally:
        conn.close()
    monkeypatch.undo()
    with Library.open(path) as lib:  # the real step still applies afterwards
        assert lib.schema_version == SCHEMA_VERSION and lib.count_videos() == 2


def test_script_runner_keeps_trigger_bodies_whole(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.sqlite", isolation_level=None)
    try:
        conn.execute("BEGIN")
        migrations.run_script(conn, """
            CREATE TABLE a (x INTEGER);
            CREATE TABLE log (x INTEGER);
            CREATE TRIGGER a_log AFTER INSERT ON a BEGIN
                INSERT INTO log VALUES (NEW.x);
                INSERT INTO log VALUES (NEW.x * 10);
            END;
            INSERT INTO a VALUES (2);
        """)
        assert conn.in_transaction  # no hidden COMMIT, unlike executescript
        conn.execute("COMMIT")
        assert conn.execute("SELECT x FROM log ORDER BY x").fetchall() == [(2,), (20,)]
    finally:
        conn.close()
