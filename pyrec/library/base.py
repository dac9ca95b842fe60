"""The open library file: one connection, one lock, and the two kinds of
transaction every library call runs in."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from pyrec.errors import LibraryError
from pyrec.library import connection
from pyrec.library.connection import APPLICATION_ID, DEFAULT_BUSY_TIMEOUT
from pyrec.library.migrations import check_version, migrate, user_version

L = TypeVar("L", bound="LibraryBase")


class LibraryBase:
    """Owns the SQLite connection. Safe to share between threads (calls are
    serialised); each process opens its own. Use ``Library.open`` to build one."""

    def __init__(self, conn: sqlite3.Connection, path: Path, busy_timeout: float) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._path = path
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()
        self._identity = connection.file_identity(path)

    @classmethod
    def open(
        cls: type[L],
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> L:
        """Open (and create or upgrade) the library at ``path``.

        Raises LibraryError naming the file when it is read-only, not a
        library, from a newer pyrec, or locked for longer than ``busy_timeout``."""
        file = Path(os.path.abspath(os.path.expanduser(os.fspath(path))))
        connection.prepare_file(file, create=create)
        conn = connection.connect(file, busy_timeout)
        try:
            _check_is_ours(conn, file)
            connection.configure(conn, file, busy_timeout)
            migrate(conn, file, busy_timeout=busy_timeout)
            return cls(conn, file, busy_timeout)
        except sqlite3.Error as exc:
            conn.close()
            raise connection.translate(exc, file) from exc
        except BaseException:
            conn.close()
            raise

    @property
    def path(self) -> Path:
        return self._path

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return user_version(conn)

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                conn.execute("PRAGMA optimize")  # cheap; keeps the planner's statistics fresh
            except sqlite3.Error:
                pass  # closing must not fail because the file went away
            finally:
                conn.close()

    def __enter__(self: L) -> L:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LibraryError("the library is closed", self._path)
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or none of it."""
        with self._lock:
            conn = self._live()
            connection.check_same_file(self._path, self._identity)
            connection.begin_immediate(conn, self._path, self._busy_timeout)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and not isinstance(
                    exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
                ):
                    raise connection.translate(exc, self._path) from exc
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for reads that take more than one statement."""
        with self._lock:
            conn = self._live()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                    raise
                raise connection.translate(exc, self._path) from exc


def _check_is_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, without writing a byte, any file pyrec did not create or cannot read."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = user_version(conn)
    if app_id not in (0, APPLICATION_ID):
        raise LibraryError("this SQLite file belongs to another application, not pyrec", path)
    if app_id == 0:
        has_tables = conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
        if has_tables or version != 0:
            raise LibraryError("this SQLite file is not a pyrec library (it holds another schema)", path)
    check_version(version, path)
