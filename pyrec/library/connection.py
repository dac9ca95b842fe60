"""Opening the library file: private permissions, sanity checks, pragmas, and
the busy handling that lets a GUI and a CLI share one file."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pyrec.errors import LibraryError
from pyrec.library.codec import decode_db_text
from pyrec.paths import make_private_dir

DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another process
APPLICATION_ID = 0x70797263  # "pyrc" in the SQLite header marks a pyrec library

_BUSY_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED")
T = TypeVar("T")


def prepare_file(path: Path, *, create: bool) -> None:
    """Make sure ``path`` is a writable regular file, creating it (0600, in a
    fresh 0700 folder) when allowed. Never loosens or tightens an existing file."""
    if path.is_dir():
        raise LibraryError("is a folder, not a library file", path)
    parent = path.parent
    if not parent.exists():
        if not create:
            raise LibraryError("no library here (its folder does not exist)", path)
        try:
            # Only a folder we create is made private; chmod-ing an existing one
            # (say /tmp or $HOME) would be a surprise.
            make_private_dir(parent)
        except OSError as exc:
            raise LibraryError(f"cannot create the folder: {exc.strerror}", parent) from exc
    if not path.exists():
        if not create:
            raise LibraryError("no library file here", path)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        except FileExistsError:
            pass  # another process created it a moment ago
        except OSError as exc:
            raise LibraryError(f"cannot create the library file: {exc.strerror}", path) from exc
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise LibraryError("the library file vanished while opening", path) from exc
    if not stat.S_ISREG(st.st_mode):
        raise LibraryError("is not a regular file", path)
    # The owner-write bit is checked too so a file marked read-only stays
    # untouched even for root, for whom os.access always says yes.
    if not st.st_mode & stat.S_IWUSR or not os.access(path, os.R_OK | os.W_OK):
        raise LibraryError("the library file is read-only; pyrec needs to write to it", path)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise LibraryError("the folder is read-only; SQLite must create its -wal and -shm files there", parent)


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction
        # is exactly one library call; check_same_thread=False because the
        # Library serialises access with its own lock.
        conn = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc
    conn.text_factory = decode_db_text
    conn.row_factory = sqlite3.Row
    return conn


def configure(conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
    """Per-connection settings. Called after the schema version was checked, so
    a file from a newer pyrec is never switched to WAL or otherwise touched."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    # Readers never block the writer in WAL. Where WAL is impossible (no shared
    # memory, e.g. some network file systems) SQLite keeps its rollback journal:
    # still correct, just less concurrent, so the answer is not checked.
    retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone(), busy_timeout)
    conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; fsync at checkpoints
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted rows are overwritten with zeros, not left in free pages: a
    # forgotten history must not be recoverable from the file.
    conn.execute("PRAGMA secure_delete = ON")


def is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name.startswith(_BUSY_NAMES)
    return "locked" in str(exc) or "busy" in str(exc)


def retry_busy(action: Callable[[], T], timeout: float) -> T:
    """Run ``action`` again while SQLite says BUSY, up to ``timeout`` seconds.

    busy_timeout already makes SQLite wait inside most calls, but some paths
    (WAL recovery, journal-mode switches, lock upgrades) report BUSY at once;
    a short backoff here keeps "database is locked" from ever reaching a user."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.25)


def begin_immediate(conn: sqlite3.Connection, path: Path, timeout: float) -> None:
    """Take the write lock up front, so a transaction never fails half-way with BUSY."""
    try:
        retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"), timeout)
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc


def translate(exc: sqlite3.Error, path: Path | str) -> LibraryError:
    """One readable reason for an SQLite failure that is about the file, not a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if is_busy(exc):
        reason = "the library stayed busy: another pyrec process kept it locked too long"
    elif name.startswith("SQLITE_READONLY") or "readonly" in text:
        reason = "the library file is read-only; pyrec needs to write to it"
    elif name == "SQLITE_FULL" or "disk is full" in text:
        reason = "the disk is full"
    elif name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "not a database" in text:
        reason = "the file is not an SQLite database or is corrupt"
    elif name.startswith("SQLITE_CANTOPEN"):
        reason = "cannot open the library file (permission denied or it vanished)"
    elif name.startswith("SQLITE_IOERR"):
        reason = f"input/output error ({text})"
    else:
        reason = text
    return LibraryError(reason, path)


def file_identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def check_same_file(path: Path, identity: tuple[int, int]) -> None:
    """Writes to a deleted or replaced library would vanish with the open handle."""
    try:
        now = file_identity(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise LibraryError("the library file vanished (deleted or moved) while open", path) from exc
        raise LibraryError(f"cannot check the library file: {exc.strerror}", path) from exc
    if now != identity:
        raise LibraryError("the library file was replaced by another file while open", path)
