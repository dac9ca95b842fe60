"""Profiles and what each did: plays, likes, ratings, hides.

Storage only: whether an incognito profile records anything is the service's
policy; the flag is stored here so every front end sees the same answer."""

from __future__ import annotations

import sqlite3
import time

from pyrec.errors import NotFoundError
from pyrec.library.base import LibraryBase
from pyrec.library.codec import normalize_name
from pyrec.library.rows import Interaction, Profile
from pyrec.records import INTERACTION_KINDS


class BehaviourStore(LibraryBase):
    def ensure_profile(self, name: str, *, incognito: bool = False) -> Profile:
        """The profile called ``name`` (case-insensitive), created if new.
        ``incognito`` applies only when it is created."""
        clean = normalize_name(name)
        if not clean:
            raise ValueError("a profile needs a name")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO profiles (name, created_at, incognito) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (clean, time.time(), int(incognito)),
            )
            row = conn.execute("SELECT * FROM profiles WHERE name = ?", (clean,)).fetchone()
        return _profile(row)

    def find_profile(self, name: str) -> Profile | None:
        """The profile called ``name`` (case-insensitive), or None; never creates one."""
        clean = normalize_name(name)
        if not clean:
            return None
        with self._read() as conn:
            row = conn.execute("SELECT * FROM profiles WHERE name = ?", (clean,)).fetchone()
        return None if row is None else _profile(row)

    def profiles(self) -> list[Profile]:
        with self._read() as conn:
            return [_profile(r) for r in conn.execute(
                "SELECT p.*, (SELECT max(i.created_at) FROM interactions i WHERE i.profile_id = p.id) AS last_active "
                "FROM profiles p ORDER BY p.id")]

    def add_interaction(
        self,
        profile_id: int,
        video_id: int,
        kind: str,
        *,
        value: float | None = None,
        position: float | None = None,
        watched_seconds: float | None = None,
        duration: float | None = None,
        at: float | None = None,
    ) -> int:
        """Record one event; returns its id. ``at`` defaults to now (unix seconds)."""
        if kind not in INTERACTION_KINDS:
            raise ValueError(f"unknown interaction kind {kind!r}; use one of {INTERACTION_KINDS}")
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone() is None:
                raise NotFoundError(f"no profile with id {profile_id}", self._path)
            if conn.execute("SELECT 1 FROM videos WHERE id = ?", (video_id,)).fetchone() is None:
                raise NotFoundError(f"no video with id {video_id}", self._path)
            row = conn.execute(
                "INSERT INTO interactions (profile_id, video_id, kind, value, position, watched_seconds, "
                "duration, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (profile_id, video_id, kind, value, position, watched_seconds, duration,
                 time.time() if at is None else at),
            ).fetchone()
        return int(row[0])

    def interactions(self, profile_id: int, since: float | None = None, *, newest_first: bool = False,
                     limit: int | None = None) -> list[Interaction]:
        """A profile's events, oldest first (or newest first, at most ``limit``);
        ``since`` (unix seconds) is inclusive."""
        order = "DESC" if newest_first else "ASC"
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM interactions WHERE profile_id = ? AND created_at >= ? "
                f"ORDER BY created_at {order}, id {order} LIMIT ?",
                (profile_id, float("-inf") if since is None else since, -1 if limit is None else limit),
            ).fetchall()
        return [_interaction(r) for r in rows]

    def delete_profile_history(self, profile_id: int) -> int:
        """Forget every event of a profile (the profile itself stays). Returns rows deleted.

        With secure_delete the freed pages are zeroed; the checkpoint then copies
        them into the main file and empties the WAL, which still held the old
        pages, so nothing of the history is left on disk."""
        with self._write() as conn:
            deleted = conn.execute("DELETE FROM interactions WHERE profile_id = ?", (profile_id,)).rowcount
        with self._read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted


def _profile(row: sqlite3.Row) -> Profile:
    last = row["last_active"] if "last_active" in row.keys() else None
    return Profile(row["id"], row["name"], row["created_at"], bool(row["incognito"]), last)


def _interaction(row: sqlite3.Row) -> Interaction:
    return Interaction(
        id=row["id"], profile_id=row["profile_id"], video_id=row["video_id"], kind=row["kind"],
        value=row["value"], position=row["position"], watched_seconds=row["watched_seconds"],
        duration=row["duration"], created_at=row["created_at"],
    )
