"""Still pictures need a closer look before they are called copies.

When neither video moves (a title card, a static shot, snow falling in dots
too small for a 16x16 grid), the frame grids can only say the pictures look
the same at that size: two different recordings of one still scene pass.
Such a pair is a copy only if the decoded frames agree in their fine
structure too (features.finedetail.detail_agreement, handed in by the
service as a callable: the recommender does not decode). Trashing "the
other copy" of a different video is the one mistake this page must not make.
"""

from __future__ import annotations

from collections.abc import Callable

from pyrec.recommend.dupes.align import Verdict
from pyrec.recommend.dupes.items import DupeItem

# (a, b, aligned (a's second, b's second) pairs) -> agreement of their fine structure, or None (unreadable)
SameDetail = Callable[[DupeItem, DupeItem, list[tuple[float, float]]], float | None]
# Edge correlation at the smaller size, measured on the demo's snow clip: a re-encode 0.94,
# a 2x upscale 0.99, a downscale 0.91, another snowfall over the same landscape 0.00-0.02.
SAME_DETAIL = 0.5
AT = (0.2, 0.5, 0.8)  # where in the shorter video the frames are compared


def aligned_pairs(a: DupeItem, v: Verdict) -> list[tuple[float, float]]:
    """Times in a and where they fall in b, by the verdict's alignment."""
    length = a.duration or (len(a.frames) * a.step if a.frames is not None else 0.0)
    return [(t, v.rate * t + v.offset) for t in (x * length for x in AT) if v.rate * t + v.offset >= 0]


def still_copies(a: DupeItem, b: DupeItem, v: Verdict, same_detail: SameDetail | None) -> bool:
    """False when a still pair's decoded frames show two different pictures;
    True otherwise (a moving pair is judged by its motion; no callable or no
    readable frame: the grids' word stands)."""
    if not v.still or same_detail is None:
        return True
    agreement = same_detail(a, b, aligned_pairs(a, v))
    return agreement is None or agreement >= SAME_DETAIL
