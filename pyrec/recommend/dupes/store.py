"""Duplicate groups kept in the library (table dupe_groups), next to a
fingerprint of the library they were found in.

Detection reads every frame hash of the library, so it runs when the library
changes (the end of a scan, `pyrec dupes`), not when a recommender is built.
A group the user dismissed is kept with its dismissal: found again with the
same members, it stays dismissed (and is neither shown nor merged)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyrec.recommend.dupes.items import DupeGroup

if TYPE_CHECKING:
    from pyrec.library import Library

DETECTION_VERSION = 6  # bump when detection changes: stored groups are then found again


def library_fingerprint(lib: Library) -> str:
    """What detection depends on, in three small reads: the number of 'ok'
    videos, the newest id and the latest `updated_at` among them. Every way a
    video enters the 'ok' set or gets new keyframes (a scan's upsert, a moved
    or returning file) stamps `updated_at` with the time; every way out
    (missing, failed, deleted) lowers the count."""
    count = lib.count_videos("ok")
    newest = lib.videos("ok", order="-id", limit=1)
    touched = lib.videos("ok", order="-updated_at", limit=1)
    last_id = newest[0].id if newest else 0
    updated = touched[0].updated_at if touched else 0.0
    return f"v{DETECTION_VERSION}:{count}:{last_id}:{updated!r}"


def stored_groups(lib: Library, *, dismissed: bool | None = False) -> tuple[str | None, list[DupeGroup]]:
    """(fingerprint, groups) as last stored (the undismissed ones by default);
    (None, []) when never stored."""
    fingerprint, rows = lib.dupe_groups(dismissed=dismissed)
    return fingerprint, [DupeGroup(r.members, r.best, r.pairs, id=r.id, dismissed=r.dismissed, kind=r.kind,
                                                   why=r.why)
                         for r in rows]


def store_groups(lib: Library, fingerprint: str, groups: Sequence[DupeGroup]) -> list[DupeGroup]:
    """Store what detection found; returns the undismissed groups as stored (with ids)."""
    lib.replace_dupe_groups(fingerprint, [(g.video_ids, g.best, g.pairs, g.kind, g.why) for g in groups])
    return stored_groups(lib)[1]


def dismiss_group(lib: Library, group_id: int) -> bool:
    return lib.dismiss_dupe_group(group_id)
