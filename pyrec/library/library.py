"""The Library: one SQLite file, the source of truth for everything pyrec knows."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pyrec.errors import LibraryError
from pyrec.library import connection

from pyrec.library.behaviour import BehaviourStore
from pyrec.library.content import ContentReads
from pyrec.library.deep import DeepStore
from pyrec.library.duplicates import DuplicateStore
from pyrec.library.imports import ImportStore
from pyrec.library.migrations import user_version
from pyrec.library.moments import MomentReads
from pyrec.library.passages import PassageStore
from pyrec.library.rows import LibraryStats
from pyrec.library.settings import SettingsStore
from pyrec.library.videos import VideoStore


class Library(VideoStore, ContentReads, MomentReads, BehaviourStore, SettingsStore, DuplicateStore, ImportStore,
              DeepStore, PassageStore):
    """``with Library.open(path) as lib: ...`` — see the mixins for the calls.

    Every call is one transaction; writers in other processes wait (up to the
    busy timeout) instead of failing, and readers never wait in WAL mode."""

    def stats(self) -> LibraryStats:
        with self._read() as conn:
            def counts(sql: str) -> dict[str, int]:
                return {str(k): int(n) for k, n in conn.execute(sql)}

            return LibraryStats(
                path=str(self._path),
                schema_version=user_version(conn),
                # "damaged": stored as ok (it plays, in part) with the seconds that play
                videos_by_status=counts("SELECT CASE WHEN status = 'ok' AND playable IS NOT NULL THEN 'damaged' "
                                        "ELSE status END, count(*) FROM videos GROUP BY 1"),
                entities_by_kind=counts("SELECT kind, count(*) FROM entities GROUP BY kind"),
                interactions_by_kind=counts("SELECT kind, count(*) FROM interactions GROUP BY kind"),
                embeddings_by_model=counts("SELECT model_id, count(*) FROM embeddings GROUP BY model_id"),
                profiles=int(conn.execute("SELECT count(*) FROM profiles").fetchone()[0]),
            )

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole library at ``dest`` (user-only, 0600),
        taken with SQLite's online backup API: safe while other processes read
        and write. Refuses to overwrite an existing file."""
        target = Path(os.path.abspath(os.fspath(dest)))
        if target.exists():
            raise LibraryError("backup target already exists; choose a new file name", target)
        connection.prepare_file(target, create=True)  # private folder + 0600 file
        try:
            with self._lock:
                copy = sqlite3.connect(target)
                try:
                    self._live().backup(copy)
                finally:
                    copy.close()
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise connection.translate(exc, target) from exc
        return target
