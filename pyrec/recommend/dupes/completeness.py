"""Added material: seconds of a copy that are an intro or outro put around
the recording, not part of it.

Alignment alone cannot tell a trimmed copy inside its original from an
original inside a copy with a title card added: either way the shorter is
wholly inside the longer. What differs is the join. Where a trim cut the
recording, the longer copy runs on smoothly across the point the shorter
one starts (or ends); where an intro was added, the longer copy cuts there
(from the card to the clip, or through a black frame). So the longer
copy's part outside the overlap counts as added when its frame grids cut
at the join; it then adds nothing to completeness.

A trim made exactly at a scene cut looks like an added intro here (and the
original is then not preferred as more complete; it still ties with it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pyrec.recommend.dupes.align import CELL, MAX_DIFFERING, WHOLE, align, normalised
from pyrec.recommend.dupes.items import DupeItem

CUT = 0.3  # share of cells that change between neighbouring grids at a cut ...
CUT_OVER_USUAL = 3.0  # ... and this many times the video's usual (median) change
MIN_ADDED = 0.5  # seconds: less outside the overlap is alignment slack, not material


def _changes(item: DupeItem) -> tuple[np.ndarray, np.ndarray]:
    """(share of differing cells between each grid and the next, whether
    either is flat: black or one colour)."""
    assert item.frames is not None
    z, ok = normalised(item.frames)
    change = (np.abs(z[1:] - z[:-1]) > CELL).mean(axis=1)
    return change, ~(ok[1:] & ok[:-1])


def cut_at(item: DupeItem, t: float) -> bool:
    """Do item's frame grids cut (or pass a flat frame) within a grid step of second t?"""
    if item.frames is None or len(item.frames) < 3 or item.step <= 0:
        return False
    change, flat = _changes(item)
    j = int(round(t / item.step))  # the grid at the join; change[j - 1] is the step into it
    lo, hi = max(0, j - 2), min(len(change), j + 1)
    if lo >= hi:
        return False
    usual = float(np.median(change[~flat])) if (~flat).any() else 0.0
    near, near_flat = change[lo:hi], flat[lo:hi]
    return bool(near_flat.any() or near.max() >= max(CUT, CUT_OVER_USUAL * usual))


def added_seconds(item: DupeItem, group: Sequence[DupeItem], slack: float) -> float:
    """Seconds of item that were added around another copy wholly inside it
    (an intro, an outro joined by a cut); 0 when none."""
    most = 0.0
    for other in group:
        if other is item or other.duration >= item.duration - slack:
            continue
        found = align(other, item)  # item's time = other's time + offset
        if found is None or found.cover < WHOLE or found.differing > MAX_DIFFERING:
            continue
        head = max(0.0, found.offset)
        tail = max(0.0, item.duration - (found.offset + other.duration))
        extra = head if head >= MIN_ADDED and cut_at(item, head) else 0.0
        extra += tail if tail >= MIN_ADDED and cut_at(item, found.offset + other.duration) else 0.0
        most = max(most, extra)
    return most
