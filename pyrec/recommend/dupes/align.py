"""Same recording? Two dense frame-grid sequences aligned in time.

Each video brings a 16x16 grey grid every `step` seconds (pyrec.features.
framegrid), normalised per frame (mean 0, spread 1: brightness and contrast
changes of a re-encode drop out). A cell differs when it moved by more than
0.75 of the frame's spread (codec noise never does, a hand does).

1. Every time offset on the grid is tried; at each, every frame of one video
   is compared with the frame of the other at that time (and its neighbour,
   for an offset between grid points). The offset whose overlap covers
   nearly all of the shorter video (a trim or an added intro leaves it
   whole; durations must agree with the alignment) with the fewest
   differing cells wins.
2. Around it (a quarter step at a time, the other video interpolated) the
   motion of the two is compared: what moves and how it moves, correlated.
   A copy moves as its original did; look-alikes (one signer, one room,
   different signs; episodes of one set) share a look, not the motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.recommend.dupes.items import DupeItem

CELL = 0.75  # a cell differs when it moved by more than this share of the frame's spread
MAX_DIFFERING = 0.05  # share of differing cells a frame may have (90% of frames)
STILL_DIFFERING = 0.01  # ... when the video barely moves (nothing else to tell them apart)
# Motion agreement (see _motion). On the benchmark (benchmarks/bench_dupes.py)
# copies score 0.83+ and the closest look-alikes (two of one signer's signs)
# 0.78: the margin is thin, so the other tests (cover, differing cells) stay.
MIN_MOTION = 0.81
LAG = 0.3  # seconds
PARTS = 4  # the overlap is judged in this many parts, each must agree
MOTION_FLOOR = 0.05  # rms change per cell (in spreads) below which a video counts as still
MIN_COVER = 0.7  # share of the shorter video the overlap must cover (two trims of one clip overlap this much)
MIN_FRAMES = 5  # aligned frames needed to say anything
WHOLE = 0.95  # cover from which the shorter video is wholly inside the longer
MIN_LENGTH_RATIO = 0.4  # a short excerpt of a long video is not a copy of it (a 3 s intro on a 2.6 s clip is)
FLAT = 2.0  # grey levels: a frame with less spread (black, one colour) is no evidence


@dataclass(frozen=True)
class Alignment:
    offset: float  # seconds: b's time = a's time + offset
    differing: float  # 90th percentile of the share of differing cells per aligned frame
    cover: float  # share of the shorter video inside the overlap
    motion: float | None  # motion agreement (-1..1); None when both are still
    frames: int  # informative aligned frames


def normalised(grids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z-scored float32 grids, informative mask): flat frames carry no picture."""
    g = np.asarray(grids, np.float32)
    mean = g.mean(axis=1, keepdims=True)
    spread = g.std(axis=1, keepdims=True)
    return (g - mean) / np.maximum(spread, 1e-3), spread[:, 0] >= FLAT


def differing(za: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """Share of differing cells between every frame of a (rows) and of b (columns)."""
    out = np.empty((len(za), len(zb)), np.float32)
    for start in range(0, len(za), 32):  # bounded memory: 32 x n x 256 at a time
        block = za[start:start + 32]
        out[start:start + 32] = (np.abs(block[:, None, :] - zb[None, :, :]) > CELL).mean(axis=2)
    return out


def _coarse(a: DupeItem, b: DupeItem, d: np.ndarray, ok: np.ndarray) -> tuple[float, float, float, int] | None:
    """(offset, differing p90, cover, frames) of the best grid offset."""
    na, nb = d.shape
    ta = np.arange(na) * a.step
    shorter = min(na * a.step, nb * b.step)
    fine = min(a.step, b.step)
    best = None
    for offset in np.arange(-na * a.step, nb * b.step + fine, fine):
        pos = (ta + offset) / b.step
        inside = (pos >= -0.5) & (pos <= nb - 0.5)
        if inside.sum() * a.step < MIN_COVER * shorter:
            continue
        rows = np.flatnonzero(inside)
        lo = np.clip(np.floor(pos[rows]).astype(np.int64), 0, nb - 1)
        hi = np.minimum(lo + 1, nb - 1)
        dist = np.minimum(d[rows, lo], d[rows, hi])
        useful = ok[rows, lo] & ok[rows, hi]
        if useful.sum() < MIN_FRAMES:
            continue
        p90 = float(np.percentile(dist[useful], 90))
        cover = min(1.0, inside.sum() * a.step / shorter)
        if best is None or (p90, -cover) < (best[1], -best[2]):
            best = (float(offset), p90, cover, int(useful.sum()))
    return best


def _corr(x: np.ndarray, y: np.ndarray) -> float | None:
    ex, ey = float(np.sum(x * x)), float(np.sum(y * y))
    if max(ex, ey) / max(x.size, 1) < MOTION_FLOOR ** 2:
        return None  # still: nothing moves, nothing to compare
    return float(np.sum(x * y)) / float(np.sqrt(ex * ey) + 1e-9)


def _motion(a: DupeItem, b: DupeItem, za: np.ndarray, zb: np.ndarray, offset: float) -> float | None:
    """Best motion agreement near `offset` (b interpolated between its grid
    points), the mean of two correlations: of what moves (each frame minus
    the overlap's mean frame: the room drops out, the hands stay) and of how
    it moves (change over LAG seconds, long enough that two copies sampled at
    different instants of their frames still agree). None when both are still."""
    ta = np.arange(len(za)) * a.step
    lag = max(1, int(round(LAG / a.step)))
    best: float | None = None
    for off in offset + np.arange(-4, 5) * (min(a.step, b.step) / 4):
        pos = (ta + off) / b.step
        rows = np.flatnonzero((pos >= 0) & (pos <= len(zb) - 1))
        if rows.size < max(MIN_FRAMES, lag + 2):
            continue
        lo = np.minimum(np.floor(pos[rows]).astype(np.int64), len(zb) - 1)
        hi = np.minimum(lo + 1, len(zb) - 1)
        f = (pos[rows] - lo)[:, None].astype(np.float32)
        x, y = za[rows], (1 - f) * zb[lo] + f * zb[hi]
        rx, ry = x - x.mean(axis=0), y - y.mean(axis=0)
        dx, dy = x[lag:] - x[:-lag], y[lag:] - y[:-lag]
        # Part by part (quarters): a shared intro or title sequence must not
        # carry two different clips behind it; every part that moves must agree.
        parts = []
        for cut in np.array_split(np.arange(len(dx)), PARTS if len(dx) >= PARTS * MIN_FRAMES else 1):
            what, how = _corr(rx[cut], ry[cut]), _corr(dx[cut], dy[cut])
            if what is not None and how is not None:
                parts.append((what + how) / 2)
        if parts:
            best = min(parts) if best is None else max(best, min(parts))
    return best


def align(a: DupeItem, b: DupeItem) -> Alignment | None:
    """The best alignment of a's frame grids on b's, or None when either has none."""
    if a.frames is None or b.frames is None or len(a.frames) == 0 or len(b.frames) == 0 or a.step <= 0 or b.step <= 0:
        return None
    za, oka = normalised(a.frames)
    zb, okb = normalised(b.frames)
    found = _coarse(a, b, differing(za, zb), oka[:, None] & okb[None, :])
    if found is None:
        return None
    offset, p90, cover, frames = found
    return Alignment(offset, p90, cover, _motion(a, b, za, zb, offset), frames)


@dataclass(frozen=True)
class Verdict:
    evidence: float  # 0..1, 0 = not one recording
    a_in_b: bool = False  # a is wholly inside b (b holds all of a: a trim of it, or b has an intro)
    b_in_a: bool = False


NOT_SHOWN = Verdict(0.0)


def verdict(a: DupeItem, b: DupeItem) -> Verdict | None:
    """Are a and b one recording, and is one wholly inside the other? None
    when frame grids are missing on either side (then keyframes must decide)."""
    if a.frames is None or b.frames is None:
        return None
    la, lb = len(a.frames) * a.step, len(b.frames) * b.step
    if min(la, lb) < MIN_LENGTH_RATIO * max(la, lb):
        return NOT_SHOWN
    found = align(a, b)
    if found is None or found.cover < MIN_COVER:
        return NOT_SHOWN
    if found.motion is None:  # a still picture: only near-identical frames tell
        if found.differing > STILL_DIFFERING:
            return NOT_SHOWN
        evidence = 1.0 - found.differing
    elif found.differing > MAX_DIFFERING or found.motion < MIN_MOTION:
        return NOT_SHOWN
    else:
        evidence = found.motion
    inside = found.cover >= WHOLE  # the shorter one is wholly in the overlap
    return Verdict(evidence, inside and la <= lb, inside and lb <= la)


def same_recording(a: DupeItem, b: DupeItem) -> float | None:
    """Evidence 0..1 that a and b are one recording (0 = not), None when
    frame grids are missing on either side."""
    found = verdict(a, b)
    return None if found is None else found.evidence
