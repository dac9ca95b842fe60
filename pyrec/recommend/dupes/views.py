"""Other ways one recording can be laid over another: a different playback
rate (a sped-up copy, 24 -> 25 fps) and a centre crop (a zoomed or
aspect-cut copy). Each only proposes an alignment; align.py judges it the
same way as a plain one (differing cells, cover, motion part by part)."""

from __future__ import annotations

import numpy as np

SIDE = 16
# Centre crops tried when the plain alignment fails: (share of width kept,
# share of height kept). 0.9/0.8: a zoomed re-encode; 0.75 x 1: 16:9 cut to
# 4:3; 1 x 0.75: 4:3 cut to 16:9. Letterbox bars are cut off before gridding.
CROPS: tuple[tuple[float, float], ...] = ((0.9, 0.9), (0.8, 0.8), (0.75, 1.0), (1.0, 0.75))
MIN_RATE, MAX_RATE = 0.6, 1.7  # playback rates a copy may have (b's time per a's second)
RATE_MATCH = 0.6  # a frame's best match must correlate this well (what moves) to vote
RATE_BIN = 0.01  # log-rate resolution of the vote
MIN_VOTES = 0.2  # share of the voting pairs the winning rate needs


def _area_weights(keep: float) -> np.ndarray:
    """[SIDE, SIDE]: output cell k averages the source over the central `keep` share."""
    edges = SIDE / 2 + (np.arange(SIDE + 1) - SIDE / 2) * keep  # output cell edges in source cells
    lo, hi = edges[:-1, None], edges[1:, None]
    cells = np.arange(SIDE)[None, :]
    overlap = np.clip(np.minimum(hi, cells + 1) - np.maximum(lo, cells), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def centre_crop(grids: np.ndarray, keep_x: float, keep_y: float) -> np.ndarray:
    """float32 [n, 256]: 16x16 grids of the central keep_x x keep_y of each picture,
    area-averaged from the 16x16 grids (what a cropped copy would grid to, softened)."""
    g = np.asarray(grids, np.float32).reshape(-1, SIDE, SIDE)
    wy, wx = _area_weights(keep_y).astype(np.float32), _area_weights(keep_x).astype(np.float32)
    return np.matmul(np.matmul(wy, g), wx.T).reshape(len(g), SIDE * SIDE)


def estimated_rate(za: np.ndarray, zb: np.ndarray, ok: np.ndarray, a_step: float, b_step: float) -> float | None:
    """The playback rate (b's seconds per a's second) under the frames' best
    matches, by vote over pairs of matched frames; None when there is no clear
    one or it is 1 (always tried anyway). Frames are matched on what moves
    (each minus its video's mean frame), so a still background that matches
    everywhere does not vote."""
    ra, rb = za - za.mean(axis=0), zb - zb.mean(axis=0)
    na, nb = np.linalg.norm(ra, axis=1), np.linalg.norm(rb, axis=1)
    corr = (ra @ rb.T) / (np.maximum(na, 1e-6)[:, None] * np.maximum(nb, 1e-6)[None, :])
    corr = np.where(ok, corr, -1.0)
    j = np.argmax(corr, axis=1)
    rows = np.flatnonzero(corr[np.arange(len(corr)), j] >= RATE_MATCH)
    if rows.size < 8:
        return None
    rows = rows[np.linspace(0, rows.size - 1, min(rows.size, 80)).astype(np.int64)]
    ta, tb = rows * a_step, j[rows] * b_step
    p, q = np.triu_indices(rows.size, 1)
    span = ta[q] - ta[p]
    far = span >= max(1.0, 0.2 * (ta[-1] - ta[0]))
    if far.sum() < 8:
        return None
    r = (tb[q] - tb[p])[far] / span[far]
    r = r[(r >= MIN_RATE) & (r <= MAX_RATE)]
    if r.size == 0:
        return None
    bins = np.round(np.log(r) / RATE_BIN).astype(np.int64)
    values, counts = np.unique(bins, return_counts=True)
    top = values[np.argmax(counts)]
    near = np.abs(bins - top) <= 1
    if near.sum() < MIN_VOTES * far.sum():
        return None
    rate = float(np.median(r[near]))
    return None if abs(np.log(rate)) < RATE_BIN else rate
