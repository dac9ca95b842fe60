"""Opening, creating, reopening and refusing library files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from pyrec.errors import LibraryError
from pyrec.library import SCHEMA_VERSION, Library
from pyrec.library.connection import APPLICATION_ID
from pyrec.paths import default_db_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _pragma(path: Path, name: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def test_create_makes_private_folder_and_file_in_wal_mode(db_path: Path, make_record) -> None:
    with Library.open(db_path) as lib:
        lib.upsert_video(make_record())
        # while open, SQLite's side files exist and must be just as private
        for side in ("-wal", "-shm"):
            assert _mode(Path(str(db_path) + side)) == 0o600
    assert _mode(db_path.parent) == 0o700
    assert _mode(db_path) == 0o600
    assert _pragma(db_path, "journal_mode") == "wal"
    assert _pragma(db_path, "user_version") == SCHEMA_VERSION
    assert _pragma(db_path, "application_id") == APPLICATION_ID


def test_existing_folder_permissions_are_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    with Library.open(tmp_path / "lib.sqlite"):
        pass
    assert _mode(tmp_path) == 0o755


def test_default_path_lives_in_the_isolated_data_dir() -> None:
    path = default_db_path()
    with Library.open(path) as lib:
        assert lib.path == path
        assert lib.count_videos() == 0
    assert path.is_file() and _mode(path.parent) == 0o700
    assert str(path).startswith(os.environ["XDG_DATA_HOME"])


def test_reopen_keeps_data(db_path: Path, make_record) -> None:
    with Library.open(db_path) as lib:
        video_id = lib.upsert_video(make_record())
    with Library.open(db_path) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        assert lib.video(video_id).text.title == "The Hunt for Red October"


def test_closed_library_refuses_calls(db_path: Path) -> None:
    lib = Library.open(db_path)
    lib.close()
    lib.close()  # twice is harmless
    with pytest.raises(LibraryError) as info:
        lib.count_videos()
    assert "closed" in info.value.reason


def test_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    with Library.open(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(LibraryError) as info:
        Library.open(db_path)
    assert info.value.path == str(db_path)
    assert "newer pyrec" in str(info.value) and str(db_path) in str(info.value)
    assert db_path.read_bytes() == before


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError) as info:
        Library.open(path)
    assert "not a pyrec library" in info.value.reason
    assert path.read_bytes() == before


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"this is a text file, not a database\n" * 200)
    with pytest.raises(LibraryError) as info:
        Library.open(path)
    assert "not an SQLite database" in info.value.reason
    assert path.read_bytes() == b"this is a text file, not a database\n" * 200


def test_read_only_file_is_refused(db_path: Path) -> None:
    with Library.open(db_path):
        pass
    db_path.chmod(0o400)
    with pytest.raises(LibraryError) as info:
        Library.open(db_path)
    assert "read-only" in info.value.reason and info.value.path == str(db_path)


def test_folder_instead_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError) as info:
        Library.open(tmp_path)
    assert "is a folder" in info.value.reason


def test_open_without_create_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(LibraryError) as info:
        Library.open(tmp_path / "nope.sqlite", create=False)
    assert "no library" in info.value.reason
    assert not (tmp_path / "nope.sqlite").exists()


def test_vanished_file_stops_writes_with_a_clear_error(db_path: Path, make_record) -> None:
    lib = Library.open(db_path)
    try:
        lib.upsert_video(make_record())
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        with pytest.raises(LibraryError) as info:
            lib.upsert_video(make_record("/media/movies/other.mkv"))
        assert "vanished" in info.value.reason
    finally:
        lib.close()  # must not raise either


def test_replaced_file_stops_writes(db_path: Path, tmp_path: Path, make_record) -> None:
    with Library.open(tmp_path / "other.sqlite"):
        pass
    with Library.open(db_path) as lib:
        os.replace(tmp_path / "other.sqlite", db_path)
        with pytest.raises(LibraryError) as info:
            lib.upsert_video(make_record())
        assert "replaced" in info.value.reason
