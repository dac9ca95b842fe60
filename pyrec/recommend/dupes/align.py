"""Same recording? Two dense frame-grid sequences aligned in time.

Each video brings a 16x16 grey grid every `step` seconds (pyrec.features.
framegrid), normalised per frame (mean 0, spread 1: brightness and contrast
changes of a re-encode drop out). A cell differs when it moved by more than
0.75 of the frame's spread (codec noise never does, a hand does).

1. Every time offset on the grid is tried (all at once: one gather and one
   sort over an offsets x frames matrix); at each, every frame of one video
   is compared with the frame of the other at that time (and its neighbour,
   for an offset between grid points). The offset whose overlap covers
   nearly all of the shorter video (a trim or an added intro leaves it
   whole; durations must agree with the alignment) with the fewest
   differing cells wins.
2. Around it (a quarter step at a time, the other video interpolated) the
   motion of the two is compared: what moves and how it moves, correlated.
   A copy moves as its original did; look-alikes (one signer, one room,
   different signs; episodes of one set) share a look, not the motion.
3. When that fails: at the playback rate the frames' best matches vote for
   (a sped-up copy), then with one side centre-cropped (views.py). Each is
   judged by the same tests, so it can find a copy, never loosen them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from pyrec.core import grid_differing
from pyrec.recommend.dupes.items import DupeItem
from pyrec.recommend.dupes.views import CROPS, centre_crop, estimated_rate

CELL = 0.75  # a cell differs when it moved by more than this share of the frame's spread
MAX_DIFFERING = 0.05  # share of differing cells a frame may have (90% of frames)
STILL_DIFFERING = 0.01  # ... when the video barely moves (nothing else to tell them apart)
# Motion agreement (see _motion). On the benchmark (benchmarks/bench_dupes.py)
# copies score 0.79+ (a 2.6 s sign re-timed to 25 fps behind a title card)
# and the closest look-alikes ("no" and "yes" by one signer) 0.77: the margin
# is thin, so the other tests (cover, differing cells) stay.
MIN_MOTION = 0.79
LAG = 0.3  # seconds
PARTS = 4  # the overlap is judged in this many parts, each must agree ...
PART_SECONDS = 1.0  # ... each at least this long (a short clip's last tenths of a second are no part)
MOTION_FLOOR = 0.05  # rms change per cell (in spreads) below which a video counts as still
MIN_COVER = 0.7  # share of the shorter video the overlap must cover (two trims of one clip overlap this much)
MIN_FRAMES = 5  # aligned frames needed to say anything
WHOLE = 0.95  # cover from which the shorter video is wholly inside the longer
MIN_LENGTH_RATIO = 0.4  # a short excerpt of a long video is not a copy of it (a 3 s intro on a 2.6 s clip is) ...
MAX_EXTRA = 5.0  # ... nor is one whose other part is longer than this (seconds: a title card, an outro)
CROP_LENGTH = 0.03  # a cropped copy is looked for among videos of one length (within 3%)
FLAT = 2.0  # grey levels: a frame with less spread (black, one colour) is no evidence


@dataclass(frozen=True)
class Alignment:
    offset: float  # seconds: b's time = a's time + offset
    differing: float  # 90th percentile of the share of differing cells per aligned frame
    cover: float  # share of the shorter video inside the overlap
    motion: float | None  # motion agreement (-1..1); None when both are still (or the frames differ)
    frames: int  # informative aligned frames
    rate: float = 1.0  # b's seconds per a's second (a sped-up copy, 24 -> 25 fps)
    crop: tuple[str, float, float] | None = None  # (side, width kept, height kept) of a centre crop


def normalised(grids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(z-scored float32 grids, informative mask): flat frames carry no picture."""
    g = np.asarray(grids, np.float32)
    mean = g.mean(axis=1, keepdims=True)
    spread = g.std(axis=1, keepdims=True)
    return (g - mean) / np.maximum(spread, 1e-3), spread[:, 0] >= FLAT


def differing(za: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """Share of differing cells between every frame of a (rows) and of b (columns)."""
    return grid_differing(za, zb, CELL)


def differing_numpy(za: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """`differing` in NumPy (the benchmark's side-by-side)."""
    out = np.empty((len(za), len(zb)), np.float32)
    for start in range(0, len(za), 32):  # bounded memory: 32 x n x 256 at a time
        block = za[start:start + 32]
        out[start:start + 32] = (np.abs(block[:, None, :] - zb[None, :, :]) > CELL).mean(axis=2)
    return out


def _p90(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Per row, the 90th percentile (linear, as np.percentile) of the valid
    values; +inf for a row without any. One sort for all rows at once."""
    v = np.where(valid, values, np.inf)
    v.sort(axis=1)
    n = valid.sum(axis=1)
    rank = 0.9 * np.maximum(n - 1, 0)
    lo = np.floor(rank).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    rows = np.arange(len(v))
    vlo, vhi = v[rows, lo], v[rows, hi]
    out = vlo + (rank - lo) * np.where(np.isfinite(vhi), vhi - vlo, 0.0)
    return np.where(n > 0, out, np.inf)


def _coarse(a: DupeItem, b: DupeItem, d: np.ndarray, ok: np.ndarray,
            rate: float = 1.0) -> tuple[float, float, float, int] | None:
    """(offset, differing p90, cover, frames) of the best offset at `rate`
    (b's time = rate x a's time + offset), every offset of the grid at once."""
    na, nb = d.shape
    la, lb = na * a.step, nb * b.step
    shorter = min(la, lb / rate)  # in a's time
    fine = min(a.step, b.step)
    offsets = np.arange(-rate * la, lb + fine, fine)
    mapped = rate * np.arange(na) * a.step
    pos = (mapped[None, :] + offsets[:, None]) / b.step  # [offsets, na]
    inside = (pos >= -0.5) & (pos <= nb - 0.5)
    keep = inside.sum(axis=1) * a.step >= MIN_COVER * shorter
    if not keep.any():
        return None
    offsets, pos, inside = offsets[keep], pos[keep], inside[keep]
    lo = np.clip(np.floor(pos).astype(np.int64), 0, nb - 1)
    hi = np.minimum(lo + 1, nb - 1)
    rows = np.arange(na)[None, :]
    dist = np.minimum(d[rows, lo], d[rows, hi])
    useful = inside & ok[rows, lo] & ok[rows, hi]
    frames = useful.sum(axis=1)
    p90 = np.where(frames >= MIN_FRAMES, _p90(dist, useful), np.inf)
    mean = np.where(useful, dist, 0.0).sum(axis=1) / np.maximum(frames, 1)
    cover = np.minimum(1.0, inside.sum(axis=1) * a.step / shorter)
    # fewest differing cells (most frames, then all of them: a still start
    # leaves several offsets at p90 0), then most cover
    best = int(np.lexsort((-cover, mean, p90))[0])
    if not np.isfinite(p90[best]):
        return None
    return float(offsets[best]), float(p90[best]), float(cover[best]), int(frames[best])


def _corr(x: np.ndarray, y: np.ndarray) -> float | None:
    ex, ey = float(np.sum(x * x)), float(np.sum(y * y))
    if max(ex, ey) / max(x.size, 1) < MOTION_FLOOR ** 2:
        return None  # still: nothing moves, nothing to compare
    return float(np.sum(x * y)) / float(np.sqrt(ex * ey) + 1e-9)


def _motion(a: DupeItem, b: DupeItem, za: np.ndarray, zb: np.ndarray, offset: float,
            rate: float = 1.0) -> float | None:
    """Best motion agreement near `offset` (b interpolated between its grid
    points), the mean of two correlations: of what moves (each frame minus
    the overlap's mean frame: the room drops out, the hands stay) and of how
    it moves (change over LAG seconds, long enough that two copies sampled at
    different instants of their frames still agree). None when both are still."""
    ta = rate * np.arange(len(za)) * a.step  # in b's time
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
        parts_here = min(PARTS, max(1, int(len(dx) * a.step / PART_SECONDS)), max(1, len(dx) // MIN_FRAMES))
        for cut in np.array_split(np.arange(len(dx)), parts_here):
            what, how = _corr(rx[cut], ry[cut]), _corr(dx[cut], dy[cut])
            if what is not None and how is not None:
                parts.append((what + how) / 2)
        if parts:
            best = min(parts) if best is None else max(best, min(parts))
    return best


def _rates(a: DupeItem, b: DupeItem, za: np.ndarray, zb: np.ndarray, ok: np.ndarray, vote: bool) -> Iterator[float]:
    """1, then (lazily: only when 1 did not settle it) the voted rate."""
    yield 1.0
    rate = estimated_rate(za, zb, ok, a.step, b.step) if vote else None
    if rate is not None:
        yield rate


def _at_rates(a: DupeItem, b: DupeItem, za: np.ndarray, zb: np.ndarray, ok: np.ndarray,
              crop: tuple[str, float, float] | None) -> Iterator[Alignment]:
    """The best alignment at rate 1, then (nothing cropped) at the rate the
    frames' matches vote for."""
    d = differing(za, zb)
    for r in _rates(a, b, za, zb, ok, crop is None):
        found = _coarse(a, b, d, ok, r)
        if found is not None:
            offset, p90, cover, frames = found
            # motion only where the frames agree: it decides nothing elsewhere (and costs)
            motion = _motion(a, b, za, zb, offset, r) if p90 <= MAX_DIFFERING else None
            yield Alignment(offset, p90, cover, motion, frames, r, crop)


def alignments(a: DupeItem, b: DupeItem) -> Iterator[Alignment]:
    """Candidate alignments of a's frame grids on b's, plainest first: as they
    are (at rate 1, then at an estimated rate), then one side centre-cropped
    (views.CROPS). Nothing when either has no grids."""
    if a.frames is None or b.frames is None or len(a.frames) == 0 or len(b.frames) == 0 or a.step <= 0 or b.step <= 0:
        return
    za, oka = normalised(a.frames)
    zb, okb = normalised(b.frames)
    ok = oka[:, None] & okb[None, :]  # flat frames say nothing, cropped or not
    plain = None
    for found in _at_rates(a, b, za, zb, ok, None):
        plain = found if plain is None else plain
        yield found
    if plain is not None and plain.differing <= MAX_DIFFERING:
        return  # the frames agree as they are: a crop would only make them differ
    la, lb = len(za) * a.step, len(zb) * b.step
    if abs(la - lb) > max(2 * max(a.step, b.step), CROP_LENGTH * max(la, lb)):
        return  # crops are tried on copies of one length only (each costs a full comparison)
    for kx, ky in CROPS:
        yield from _at_rates(a, b, normalised(centre_crop(a.frames, kx, ky))[0], zb, ok, ("a", kx, ky))
        yield from _at_rates(a, b, za, normalised(centre_crop(b.frames, kx, ky))[0], ok, ("b", kx, ky))


def align(a: DupeItem, b: DupeItem) -> Alignment | None:
    """The plain alignment (rate 1, nothing cropped) of a's grids on b's, or None."""
    return next(alignments(a, b), None)


@dataclass(frozen=True)
class Verdict:
    evidence: float  # 0..1, 0 = not one recording
    a_in_b: bool = False  # a is wholly inside b (b holds all of a: a trim of it, or b has an intro)
    b_in_a: bool = False
    offset: float = 0.0  # b's time = rate x a's time + offset
    rate: float = 1.0
    still: bool = False  # told by near-identical still frames alone (no motion to compare)


NOT_SHOWN = Verdict(0.0)


def _evidence(found: Alignment) -> float:
    """0 unless the frames agree over the overlap and move alike part by part."""
    if found.cover < MIN_COVER:
        return 0.0
    if found.motion is None:  # a still picture: only near-identical frames tell
        return 1.0 - found.differing if found.differing <= STILL_DIFFERING else 0.0
    if found.differing > MAX_DIFFERING or found.motion < MIN_MOTION:
        return 0.0
    return found.motion


def verdict(a: DupeItem, b: DupeItem) -> Verdict | None:
    """Are a and b one recording, and is one wholly inside the other? None
    when frame grids are missing on either side (then keyframes must decide)."""
    if a.frames is None or b.frames is None:
        return None
    la, lb = len(a.frames) * a.step, len(b.frames) * b.step
    if min(la, lb) < 0.2 * max(la, lb) and abs(la - lb) > 20.0:
        return NOT_SHOWN  # too unequal at any rate in views.MIN_RATE..MAX_RATE: spare the alignment
    for found in alignments(a, b):
        lb_a = lb / found.rate  # b's length in a's time
        if min(la, lb_a) < MIN_LENGTH_RATIO * max(la, lb_a) and abs(la - lb_a) > MAX_EXTRA:
            continue
        evidence = _evidence(found)
        if evidence > 0:
            inside = found.cover >= WHOLE  # the shorter one is wholly in the overlap
            return Verdict(evidence, inside and la <= lb_a, inside and lb_a <= la, found.offset, found.rate,
                           still=found.motion is None)
    return NOT_SHOWN


def same_recording(a: DupeItem, b: DupeItem) -> float | None:
    """Evidence 0..1 that a and b are one recording (0 = not), None when
    frame grids are missing on either side."""
    found = verdict(a, b)
    return None if found is None else found.evidence
