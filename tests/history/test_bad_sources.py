"""Locked, corrupt, newer-schema and hostile sources: one clear line naming
the file, and nothing in the library changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pyrec.errors import PyrecError
from pyrec.library import ImportedEvent
from pyrec.service import PyrecService
from tests.history.builders import kodi_db, trakt_export


def _one_line_naming(exc: pytest.ExceptionInfo[PyrecError], path: Path) -> str:
    line = exc.value.one_line()
    assert "\n" not in line and str(path) in line
    return line


@pytest.mark.parametrize("content", [b"SQLite format 3\x00" + b"\xff" * 4000, b"PK\x03\x04 a zip, not a db"])
def test_corrupt_or_foreign_files_are_one_line(service: PyrecService, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "MyVideos131.db"
    bad.write_bytes(content)
    with pytest.raises(PyrecError) as exc:
        service.import_history("kodi", bad)
    line = _one_line_naming(exc, bad)
    assert "corrupt" in line or "not an SQLite database" in line
    assert service.library.find_profile("default") is None


def test_a_newer_kodi_schema_is_named(service: PyrecService, tmp_path: Path) -> None:
    db = tmp_path / "MyVideos140.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE version (idVersion integer, iCompressCount integer);"
                       "INSERT INTO version VALUES (140, 0);"
                       "CREATE TABLE files (idFile integer primary key, idPath integer, strFilename text, "
                       "watchCount integer, lastWatched text, dateAdded text);")
    conn.close()
    with pytest.raises(PyrecError) as exc:
        service.import_history("kodi", tmp_path)  # the folder: the newest MyVideos*.db in it
    assert "schema 140 is newer" in _one_line_naming(exc, db)


def test_a_hostile_schema_runs_nothing(service: PyrecService, tmp_path: Path) -> None:
    """A view named like Kodi's table that calls a function: with trusted_schema off it is refused."""
    db = kodi_db(tmp_path / "MyVideos131.db")
    conn = sqlite3.connect(db)
    conn.executescript("ALTER TABLE files RENAME TO real_files;"
                       "CREATE VIEW files AS SELECT idFile, idPath, strFilename, playCount, lastPlayed, "
                       "load_extension('/tmp/evil') AS dateAdded FROM real_files;")
    conn.close()
    with pytest.raises(PyrecError) as exc:
        service.import_history("kodi", db, maps=["smb://nas/movies/=/media/movies/"])
    _one_line_naming(exc, db)
    assert service.library.find_profile("default") is None


def test_a_database_being_written_is_read_from_a_copy_with_its_wal(service: PyrecService, tmp_path: Path) -> None:
    db = kodi_db(tmp_path / "MyVideos131.db")
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE files SET playCount = 5 WHERE strFilename = 'Hunt.mkv'")
    writer.commit()  # in the WAL only, the program still running and holding it open
    writer.execute("BEGIN EXCLUSIVE")  # and locking it
    try:
        report = service.import_history("kodi", db, maps=["smb://nas/movies/=/media/movies/"])
    finally:
        writer.rollback()
        writer.close()
    assert report["summary"]["matched"] == 3  # the episode by show, season and number
    p = service.library.find_profile("default")
    assert p is not None
    values = [e.value for e in service.library.interactions(p.id) if e.kind == "watched" and e.video_id == 1]
    assert values == [5.0]  # the play count only the WAL held


def test_malformed_json_is_one_line(service: PyrecService, tmp_path: Path) -> None:
    folder = trakt_export(tmp_path / "trakt")
    (folder / "ratings-movies.json").write_text('[{"rated_at": ')
    with pytest.raises(PyrecError) as exc:
        service.import_history("trakt", folder)
    assert "not valid JSON" in _one_line_naming(exc, folder / "ratings-movies.json")
    assert service.library.find_profile("default") is None


def test_one_failing_event_stores_none_of_the_import(service: PyrecService) -> None:
    lib = service.library
    p = lib.ensure_profile("default")
    good = ImportedEvent(video_id=1, kind="watched", created_at=1.0, import_key="a")
    dangling = ImportedEvent(video_id=999, kind="watched", created_at=2.0, import_key="b")  # no such video
    with pytest.raises(sqlite3.IntegrityError):
        lib.import_interactions(p.id, "kodi", [good, dangling])
    assert lib.interactions(p.id) == []


def test_bad_map_and_unknown_profile_are_one_line(service: PyrecService, tmp_path: Path) -> None:
    db = kodi_db(tmp_path / "MyVideos131.db")
    with pytest.raises(PyrecError, match="OLD_PREFIX=NEW_PREFIX"):
        service.import_history("kodi", db, maps=["no-equals-sign"])
    with pytest.raises(PyrecError, match="no profile named 'nobody'"):
        service.import_history("kodi", db, profile="nobody")


def test_a_crashed_writers_hot_journal_is_rolled_back_in_a_copy(service: PyrecService, tmp_path: Path) -> None:
    """Kodi died mid-write (rollback-journal mode): the import reads the last
    committed state and leaves the database and its journal untouched."""
    import subprocess
    import sys

    db = kodi_db(tmp_path / "MyVideos131.db")
    crash = (f"import os, sqlite3\nc = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
             "c.execute('PRAGMA cache_size = 1')\nc.execute('BEGIN')\n"
             "c.execute('CREATE TABLE pad (x BLOB)')\n"
             "[c.execute('INSERT INTO pad VALUES (randomblob(4000))') for _ in range(200)]\n"
             "c.execute('UPDATE files SET playCount = 99')\nos._exit(0)\n")
    subprocess.run([sys.executable, "-c", crash], check=True)
    journal = Path(str(db) + "-journal")
    assert journal.is_file()
    before = (db.read_bytes(), journal.read_bytes())
    report = service.import_history("kodi", db, maps=["smb://nas/movies/=/media/movies/"])
    assert (db.read_bytes(), journal.read_bytes()) == before
    p = service.library.find_profile("default")
    assert p is not None and report["added"] == 4
    assert [e.value for e in service.library.interactions(p.id) if e.kind == "watched" and e.video_id == 1] == [2.0]
