"""Duplicate groups kept in the library's settings, next to a fingerprint of
the library they were found in.

Detection reads every keyframe hash of the library (a second or more at 100k
videos), so it runs when the library changes (the end of a scan, `pyrec
dupes`), not when a recommender is built: the groups are stored in the
library's settings next to a fingerprint of what they were found from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyrec.recommend.dupes.items import DupeGroup

if TYPE_CHECKING:
    from pyrec.library import Library

DETECTION_VERSION = 2  # bump when detection changes: stored groups are then found again
GROUPS_SETTING = "recommend.duplicate_groups"


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


def stored_groups(lib: Library) -> tuple[str | None, list[DupeGroup]]:
    """(fingerprint, groups) as last stored; (None, []) when never stored or unreadable."""
    raw = lib.setting(GROUPS_SETTING)
    if not raw:
        return None, []
    try:
        data = json.loads(raw)
        groups = [DupeGroup([int(v) for v in g["ids"]], int(g["best"]), [(int(a), int(b), float(e)) for a, b, e in g["pairs"]])
                  for g in data["groups"]]
        return str(data["fingerprint"]), groups
    except (ValueError, KeyError, TypeError):
        return None, []  # written by another version: found again


def store_groups(lib: Library, fingerprint: str, groups: Sequence[DupeGroup]) -> None:
    data = {"fingerprint": fingerprint,
            "groups": [{"ids": g.video_ids, "best": g.best, "pairs": [[a, b, round(e, 4)] for a, b, e in g.pairs]} for g in groups]}
    lib.set_setting(GROUPS_SETTING, json.dumps(data, separators=(",", ":")))
