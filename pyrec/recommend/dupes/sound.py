"""Does the sound agree where the pictures align? Two copies of one
recording carry the same sound; the same footage with another soundtrack,
narration or mix is another edit (kept, not a copy to clean up).

The audio fingerprints (pyrec.features.audioprint) are compared at the
offset the frame grids found, searched a little around it (the grids are
0.1 s or coarser), as the share of differing bits over the frames where
both have sound: a re-encode differs in a few percent, unrelated sound in
about half."""

from __future__ import annotations

import numpy as np

from pyrec.features.audioprint import bit_errors
from pyrec.recommend.dupes.items import DupeItem

SAME = 0.30  # bit error rate up to which the sound is the same
DIFFERENT = 0.40  # ... from which it is different (between: no verdict)
SEARCH = 0.4  # seconds searched around the video's offset
MIN_CODES = 30  # frames with sound on both sides (about a second) needed to say anything
MAX_RATE_SKEW = 0.005  # sped-up sound shifts in pitch: only near-1 rates compare


def bit_error_rate(a: DupeItem, b: DupeItem, offset: float, rate: float = 1.0) -> float | None:
    """Lowest bit error rate of a's sound on b's near b's time = a's time +
    offset; None when either has no sound, too little of it overlaps, or the
    rate is not 1 (b's time = rate x a's time + offset)."""
    if a.audio is None or b.audio is None or a.audio_step <= 0 or abs(a.audio_step - b.audio_step) > 1e-6:
        return None
    if abs(rate - 1.0) > MAX_RATE_SKEW:
        return None
    ca, cb, step = np.asarray(a.audio, np.uint32), np.asarray(b.audio, np.uint32), a.audio_step
    centre, reach = int(round(offset / step)), int(np.ceil(SEARCH / step))
    best: float | None = None
    for shift in range(centre - reach, centre + reach + 1):  # b index = a index + shift
        i0, i1 = max(0, -shift), min(len(ca), len(cb) - shift)
        if i1 - i0 < MIN_CODES:
            continue
        x, y = ca[i0:i1], cb[i0 + shift:i1 + shift]
        both = (x != 0) & (y != 0)
        if both.sum() < MIN_CODES:
            continue
        ber = float(bit_errors(x[both], y[both]).mean())
        best = ber if best is None else min(best, ber)
    return best


def sound_differs(a: DupeItem, b: DupeItem, offset: float, rate: float = 1.0) -> bool:
    """True when both have sound over the aligned span and it is not the same."""
    ber = bit_error_rate(a, b, offset, rate)
    return ber is not None and ber >= DIFFERENT
