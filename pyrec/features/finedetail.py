"""Does a larger copy hold detail its smaller copy lacks? (Or is it an upscale.)

A single-video detail measure cannot tell a 1.5x upscale from an honest
larger copy: both keep most of their contrast in the top octave of their own
size. Two copies side by side can: the larger frame, taken down to the
smaller's size and back up, loses only what lies above the smaller copy's
Nyquist band (measured just above it, see `_band`). An upscale has nothing there beyond what the interpolation
itself puts there; an honest copy has real detail. So the larger copy's
energy above that band is compared with the same energy of the smaller
frame enlarged to the larger size (an upscale made here): about 1 for an
upscale, well above for real detail.

A few aligned frames per pair (seek and decode each), only for copies of
different sizes: cheap beside detection itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import cv2
import numpy as np

from pyrec.features.frames import frame_at
from pyrec.features.framegrid import without_bars


def _grey(image: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return without_bars(grey).astype(np.float32)


def _through(grey: np.ndarray, width: int, height: int) -> np.ndarray:
    """grey taken down to width x height and back: what that size can hold."""
    h, w = grey.shape[:2]
    down = cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)
    return cv2.resize(down, (w, h), interpolation=cv2.INTER_LINEAR)


def _band(grey: np.ndarray, width: int, height: int) -> float:
    """Mean energy just above the Nyquist band of width x height: between
    that size and the geometric mean of it and grey's own size. The top of
    grey's own band is left out: codec noise of the larger encode lives
    there (on a 1.5x upscale it is a third of all energy above the band)."""
    h, w = grey.shape[:2]
    k = (w / width) ** 0.5
    mid = _through(grey, max(width + 1, round(width * k)), max(height + 1, round(height * k)))
    return float(np.mean(np.abs(mid - _through(grey, width, height))))


def frame_excess(larger: np.ndarray, smaller: np.ndarray) -> tuple[float, float] | None:
    """(the larger frame's energy above the smaller's band, the same of the
    smaller frame enlarged to the larger's size); None unless larger is larger."""
    big, small = _grey(larger), _grey(smaller)
    (hb, wb), (hs, ws) = big.shape[:2], small.shape[:2]
    if hb <= hs or wb <= ws or hs < 8 or ws < 8:
        return None
    enlarged = cv2.resize(small, (wb, hb), interpolation=cv2.INTER_CUBIC)
    return _band(big, ws, hs), _band(enlarged, ws, hs)


def detail_beyond(larger: str | os.PathLike[str], smaller: str | os.PathLike[str],
                  times: Sequence[tuple[float, float]]) -> float | None:
    """The larger copy's detail above the smaller copy's band, relative to an
    upscale of the smaller (~1: an upscale; well above: real detail), over
    frames at aligned `times` (larger's second, smaller's second). None when
    no pair of frames could be read."""
    own = made = 0.0
    for t_large, t_small in times:
        a, b = frame_at(larger, t_large), frame_at(smaller, t_small)
        if a is None or b is None:
            continue
        found = frame_excess(a, b)
        if found is not None:
            own, made = own + found[0], made + found[1]
    if made <= 0.0:
        return None
    return own / made


AGREEMENT_WIDTH = 320  # frames are compared at most this wide (the smaller copy's size below it)


def _edges(image: np.ndarray, width: int, height: int) -> np.ndarray:
    grey = cv2.resize(_grey(image), (width, height), interpolation=cv2.INTER_AREA)
    edges = cv2.Laplacian(cv2.GaussianBlur(grey, (3, 3), 0), cv2.CV_32F)
    return edges - edges.mean()


def detail_agreement(a: str | os.PathLike[str], b: str | os.PathLike[str],
                     times: Sequence[tuple[float, float]]) -> float | None:
    """How alike two videos' fine structure is at aligned `times` (a's
    second, b's second): the correlation of their edges (Laplacian) at the
    smaller one's size, at most AGREEMENT_WIDTH wide. A re-encode, resize or
    upscale of one recording keeps its edges where they were (0.9-0.99 on
    the demo's snow clip); two recordings of one still scene do not (0.00-0.02
    for two snowfalls over one landscape, which their 16x16 grids cannot tell
    apart). None when no pair of frames could be read."""
    found: list[float] = []
    for ta, tb in times:
        fa, fb = frame_at(a, ta), frame_at(b, tb)
        if fa is None or fb is None:
            continue
        (ha, wa), (hb, wb) = fa.shape[:2], fb.shape[:2]
        w, h = (wa, ha) if wa * ha <= wb * hb else (wb, hb)
        if w > AGREEMENT_WIDTH:
            w, h = AGREEMENT_WIDTH, max(8, round(h * AGREEMENT_WIDTH / w))
        ea, eb = _edges(fa, w, h), _edges(fb, w, h)
        norm = float(np.sqrt((ea * ea).sum() * (eb * eb).sum()))
        found.append(float((ea * eb).sum()) / norm if norm > 0 else 1.0)  # two flat frames: nothing differs
    return float(np.mean(found)) if found else None
