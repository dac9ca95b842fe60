"""Opening another program's SQLite database without ever writing to it.

`mode=ro&immutable=1` opens the file read-only and tells SQLite nothing else
changes it: no locks are taken and no -wal/-shm files are made beside it, so a
running Jellyfin, Kodi or Plex is never disturbed (nor blocked). The price: a
write still in that program's WAL (or a hot rollback journal) is not seen,
so then the database is first copied with it (SQLite's backup API applies it).
Every failure is one HistorySourceError naming the file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from pyrec.history.records import HistorySourceError

# A hostile file may claim a huge page count; SQLite reads lazily, but cap the
# size we are willing to open at all.
MAX_DB_BYTES = 64 * 1024**3


@contextmanager
def open_readonly(path: str | os.PathLike[str], what: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the SQLite database at ``path`` (``what``
    names the program, for error lines)."""
    file = Path(path)
    _check_file(file, what)
    with tempfile.TemporaryDirectory(prefix="pyrec-import-") as tmp:
        target = file
        # Immutable reads ignore the WAL and a hot rollback journal: with either
        # beside the file, read a copy where SQLite applies (or rolls back) it.
        pending = next((s for s in ("-wal", "-journal") if Path(str(file) + s).is_file()), None)
        if pending is not None:
            target = Path(tmp) / file.name
            _snapshot(file, pending, target, what)
        conn = _connect(target, file, what)
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise _error(exc, file, what) from exc
        finally:
            conn.close()


def _check_file(file: Path, what: str) -> None:
    if not file.is_file():
        raise HistorySourceError(f"no {what} database here", file)
    try:
        with file.open("rb") as fh:
            header = fh.read(16)
        size = file.stat().st_size
    except OSError as exc:
        raise HistorySourceError(f"cannot read the {what} database: {exc.strerror or exc}", file) from exc
    if header != b"SQLite format 3\x00":
        raise HistorySourceError(f"not an SQLite database, so not a {what} database", file)
    if size > MAX_DB_BYTES:
        raise HistorySourceError(f"{size} bytes is too large for a {what} database", file)


def _connect(target: Path, shown: Path, what: str) -> sqlite3.Connection:
    uri = f"file:{quote(str(target.resolve()))}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA trusted_schema = OFF")  # a hostile schema's views/triggers run no functions
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        raise _error(exc, shown, what) from exc


def _snapshot(file: Path, suffix: str, target: Path, what: str) -> None:
    """Copy the database with its WAL or journal (the program may be running):
    copy both files first, then let SQLite apply it to a consistent copy."""
    staging = target.with_suffix(".staging")
    try:
        shutil.copyfile(file, staging)
        shutil.copyfile(str(file) + suffix, str(staging) + suffix)
        src = sqlite3.connect(staging)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except OSError as exc:
        raise HistorySourceError(f"cannot copy the {what} database: {exc.strerror or exc}", file) from exc
    except sqlite3.DatabaseError as exc:
        raise _error(exc, file, what) from exc


def _error(exc: sqlite3.DatabaseError, file: Path, what: str) -> HistorySourceError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        reason = f"the {what} database is locked by another program; close it or copy the file first"
    elif "malformed" in text or "not a database" in text or "corrupt" in text:
        reason = f"the {what} database is corrupt ({text})"
    else:
        reason = f"cannot read the {what} database ({text})"
    return HistorySourceError(reason, file)


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The column names of ``table`` (empty when there is no such table)."""
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info(\"{table}\")")}


def require(conn: sqlite3.Connection, file: str | os.PathLike[str], what: str, tables: Mapping[str, Sequence[str]],
            newer_hint: str = "") -> None:
    """Refuse a schema without the tables and columns a reader relies on."""
    for table, needed in tables.items():
        have = columns(conn, table)
        if not have:
            raise HistorySourceError(f"not a {what} database (no {table} table){newer_hint}", file)
        missing = [c for c in needed if c not in have]
        if missing:
            raise HistorySourceError(
                f"unknown {what} schema: table {table} lacks {', '.join(missing)}{newer_hint}", file)
