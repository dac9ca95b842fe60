"""Pairwise verification: do two videos show the same frames at a consistent
time offset (a re-encode, resize or trim of one another)?"""

from __future__ import annotations

import numpy as np

from pyrec.recommend.dupes.hashes import hamming_matrix, informative
from pyrec.recommend.dupes.items import DupeItem


def match_fraction(a: DupeItem, b: DupeItem, *, max_hamming: int = 10, time_tolerance: float = 2.0) -> float:
    """Share of the shorter video's keyframes that have a close hash in the
    other video at a consistent time offset (the trim)."""
    ka, kb = informative(a.hashes), informative(b.hashes)
    ha, ta, hb, tb = a.hashes[ka], a.times[ka], b.hashes[kb], b.times[kb]
    if ha.size == 0 or hb.size == 0:
        return 0.0
    if ha.size > hb.size:  # walk the shorter list
        ha, ta, hb, tb = hb, tb, ha, ta
    d = hamming_matrix(ha, hb)
    close = d <= max_hamming
    if not close.any():
        return 0.0
    # The trim offset: the most common time shift among close pairs (a coarse
    # histogram is robust to a few false matches, unlike the mean).
    shifts = (tb[None, :] - ta[:, None])[close]
    width = max(time_tolerance, 1e-3)
    bins = np.round(shifts / width).astype(np.int64)
    values, counts = np.unique(bins, return_counts=True)
    offset = float(np.median(shifts[bins == values[np.argmax(counts)]]))
    aligned = close & (np.abs(tb[None, :] - ta[:, None] - offset) <= time_tolerance)
    return float(aligned.any(axis=1).sum()) / ha.size
