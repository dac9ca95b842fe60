"""Duplicates of a pyrec library: detection input read from it, detection
run when it changed, and the groups to serve with (stored, or found now)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyrec.recommend.dupes.best import FineDetail
from pyrec.recommend.dupes.detect import find_duplicates
from pyrec.recommend.dupes.items import DupeGroup, DupeItem
from pyrec.recommend.dupes.still import SameDetail
from pyrec.recommend.dupes.store import library_fingerprint, store_groups, stored_groups

if TYPE_CHECKING:
    from pyrec.library import Library


def library_items(lib: Library) -> list[DupeItem]:
    """Detection input for every 'ok' video: keyframe and dense hashes (a bulk
    read each), size, shape, codec and detail."""
    keyframes = lib.all_keyframe_hashes()
    dense = lib.all_frame_grids()
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
    items = []
    for v in lib.videos("ok"):
        hashes, times = keyframes.get(v.id, empty)
        p = v.probe
        g = dense.get(v.id)
        items.append(DupeItem(v.id, hashes, times, duration=(p.duration or 0.0) if p else 0.0,
                              width=(p.width or 0) if p else 0, height=(p.height or 0) if p else 0, size=v.file.size or 0,
                              damaged=bool(p and p.damaged), frames=None if g is None else g.grids,
                              step=0.0 if g is None else g.step, detail=v.stats.get("detail"),
                              codec=(p.codec or "") if p else "", fps=(p.fps or 0.0) if p else 0.0,
                              audio=None if g is None else g.audio, audio_step=0.0 if g is None else g.audio_step,
                              bit_depth=int(v.stats.get("bit_depth", 8)), hdr=bool(v.stats.get("hdr", 0.0))))
    return items


def detect_in_library(lib: Library, fine: FineDetail | None = None,
                      same_detail: SameDetail | None = None) -> list[DupeGroup]:
    """Find the groups of the library as it is now and store them (with the
    fingerprint read first, so a scan writing meanwhile leaves them stale).
    ``fine`` compares decoded frames of two copies (best.py: upscales),
    ``same_detail`` those of a still pair (still.py)."""
    fingerprint = library_fingerprint(lib)
    return store_groups(lib, fingerprint, find_duplicates(library_items(lib), fine=fine, same_detail=same_detail))


# The decoded-frame comparisons detection can use: best copy (upscales), still pairs.
FrameChecks = tuple[FineDetail | None, SameDetail | None]


def library_groups(lib: Library, *, detect_below: int | None = None,
                   checks: FrameChecks = (None, None)) -> tuple[list[DupeGroup], bool]:
    """(groups, current). The stored groups when the library has not changed
    since they were found; else, with fewer than `detect_below` 'ok' videos
    (detection is cheap there), found now and stored; else the stored ones
    as they are (their videos that left are dropped by DupeIndex.build, new
    videos join at the next `detect_in_library`) and current=False."""
    fingerprint, groups = stored_groups(lib)
    if fingerprint is not None and fingerprint == library_fingerprint(lib):
        return groups, True
    if detect_below is not None and lib.count_videos("ok") < detect_below:
        return detect_in_library(lib, *checks), True
    return groups, False
