"""Imported history: events another media centre knew, stored with their
source and their key there, so importing again adds nothing twice and a
whole source can be forgotten (see migration 9)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from pyrec.errors import NotFoundError
from pyrec.library.base import LibraryBase
from pyrec.library.codec import clean_text
from pyrec.records import INTERACTION_KINDS

NATIVE_SOURCE = "pyrec"  # what pyrec recorded itself; never forgotten by source


@dataclass(frozen=True)
class ImportedEvent:
    """One event to store for a profile, keyed within its source."""

    video_id: int
    kind: str  # one of INTERACTION_KINDS
    created_at: float  # when it happened (unix seconds), not when it was imported
    import_key: str  # stable within the source: the same event always has the same key
    value: float | None = None
    position: float | None = None
    watched_seconds: float | None = None
    duration: float | None = None


@dataclass(frozen=True)
class MatchCandidate:
    """What matching needs to know of one library video."""

    id: int
    path: str
    size: int
    quick_hash: str
    title: str
    year: int | None
    season: int | None
    episode: int | None
    media_type: str
    series: str  # the show an episode belongs to ("" when none)


@dataclass(frozen=True)
class ImportOutcome:
    added: int  # new events
    updated: int  # events seen before whose value changed (a new rating, a later resume point)
    unchanged: int


# A re-import replaces what the source says now (a rating changed, a resume
# point moved) but never adds a second row for the same key.
_UPSERT = """
INSERT INTO interactions (profile_id, video_id, kind, value, position, watched_seconds, duration, created_at,
                          source, import_key)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, profile_id, import_key) WHERE import_key IS NOT NULL DO UPDATE SET
    video_id = excluded.video_id, kind = excluded.kind, value = excluded.value, position = excluded.position,
    watched_seconds = excluded.watched_seconds, duration = excluded.duration, created_at = excluded.created_at
WHERE (video_id, kind, value, position, watched_seconds, duration, created_at)
      IS NOT (excluded.video_id, excluded.kind, excluded.value, excluded.position, excluded.watched_seconds,
              excluded.duration, excluded.created_at)
"""


_CANDIDATES = """
SELECT v.id, v.path, v.size, v.quick_hash, v.title, v.year, v.season, v.episode, v.media_type,
       coalesce((SELECT e.name FROM video_entities ve JOIN entities e ON e.id = ve.entity_id
                 WHERE ve.video_id = v.id AND e.kind = 'series' LIMIT 1), '') AS series
FROM videos v WHERE v.status <> 'missing' ORDER BY v.id
"""


class ImportStore(LibraryBase):
    def match_candidates(self) -> list[MatchCandidate]:
        """Every video present in the library, with what matching looks at."""
        with self._read() as conn:
            return [MatchCandidate(r[0], str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5], r[6], r[7], str(r[8]),
                                   str(r[9])) for r in conn.execute(_CANDIDATES)]

    def import_interactions(self, profile_id: int, source: str, events: Sequence[ImportedEvent]) -> ImportOutcome:
        """Store a source's events for a profile in ONE transaction: all of
        them, or (on any error) none. Idempotent per (source, profile, key)."""
        source = _source_name(source)
        for e in events:
            if e.kind not in INTERACTION_KINDS:
                raise ValueError(f"unknown interaction kind {e.kind!r}; use one of {INTERACTION_KINDS}")
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone() is None:
                raise NotFoundError(f"no profile with id {profile_id}", self._path)
            before = _count(conn, profile_id, source)
            changes_before = conn.total_changes
            conn.executemany(_UPSERT, [
                (profile_id, e.video_id, e.kind, e.value, e.position, e.watched_seconds, e.duration, e.created_at,
                 source, e.import_key) for e in events])
            touched = conn.total_changes - changes_before
            added = _count(conn, profile_id, source) - before
        return ImportOutcome(added=added, updated=touched - added, unchanged=len(events) - touched)

    def imported_keys(self, profile_id: int, source: str) -> set[str]:
        """The keys of a source's events already stored for a profile (a dry run compares with these)."""
        with self._read() as conn:
            return {str(r[0]) for r in conn.execute(
                "SELECT import_key FROM interactions WHERE source = ? AND profile_id = ? AND import_key IS NOT NULL",
                (_source_name(source), profile_id))}

    def forget_source(self, source: str, profile_id: int | None = None) -> int:
        """Delete every event imported from ``source`` (of one profile, or of
        all); pyrec's own events are never touched. Returns rows deleted."""
        source = _source_name(source)
        if source == NATIVE_SOURCE:
            raise ValueError("pyrec's own history is forgotten per profile (`pyrec forget`), not by source")
        with self._write() as conn:
            deleted = conn.execute(
                "DELETE FROM interactions WHERE source = ? AND import_key IS NOT NULL AND (? IS NULL OR profile_id = ?)",
                (source, profile_id, profile_id)).rowcount
        with self._read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as delete_profile_history: leave nothing in the WAL
        return int(deleted)

    def interaction_sources(self, profile_id: int) -> dict[str, int]:
        """How many events of a profile came from each source."""
        with self._read() as conn:
            return {str(s): int(n) for s, n in conn.execute(
                "SELECT source, count(*) FROM interactions WHERE profile_id = ? GROUP BY source ORDER BY source",
                (profile_id,))}


def _source_name(source: str) -> str:
    clean = clean_text(source).strip().casefold()
    if not clean:
        raise ValueError("an import needs a source name")
    return clean


def _count(conn: sqlite3.Connection, profile_id: int, source: str) -> int:
    return int(conn.execute("SELECT count(*) FROM interactions WHERE source = ? AND profile_id = ? "
                            "AND import_key IS NOT NULL", (source, profile_id)).fetchone()[0])
