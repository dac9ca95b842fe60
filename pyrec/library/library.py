"""The Library: one SQLite file, the source of truth for everything pyrec knows."""

from __future__ import annotations

from pyrec.library.behaviour import BehaviourStore
from pyrec.library.content import ContentReads
from pyrec.library.migrations import user_version
from pyrec.library.rows import LibraryStats
from pyrec.library.settings import SettingsStore
from pyrec.library.videos import VideoStore


class Library(VideoStore, ContentReads, BehaviourStore, SettingsStore):
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
                videos_by_status=counts("SELECT status, count(*) FROM videos GROUP BY status"),
                entities_by_kind=counts("SELECT kind, count(*) FROM entities GROUP BY kind"),
                interactions_by_kind=counts("SELECT kind, count(*) FROM interactions GROUP BY kind"),
                embeddings_by_model=counts("SELECT model_id, count(*) FROM embeddings GROUP BY model_id"),
                profiles=int(conn.execute("SELECT count(*) FROM profiles").fetchone()[0]),
            )
