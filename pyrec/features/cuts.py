"""Shot cuts: where the picture changes at once, from a low-resolution stream.

Frames are taken every ``step`` seconds (PyAV decodes and scales them down in
one go; only reference frames are decoded, which skips most B-frames). Two
neighbours differ by a mix of colour-histogram distance (robust to motion
inside a shot) and tiny-grey difference (catches cuts between shots of
similar colours). A cut is a difference that is large in absolute terms
*and* several times the typical difference around it: an adaptive threshold,
so a shaky hand-held shot (every step differs a lot) does not read as a cut
every step, while a static interview makes even a modest cut stand out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pyrec.features.mediafile import MediaFile
from pyrec.features.stream import frames_from

PathLike = str | os.PathLike[str]

STEP = 0.5  # seconds between compared frames: a cut's time is known to ±1 step
TINY = (64, 36)  # w, h of the grey thumbnail compared pixel by pixel
MARGIN = 8  # px of TINY cropped before comparing: room for the alignment shift
HIST_BINS = (8, 4, 4)  # H, S, V
MIN_JUMP = 0.3  # a cut changes at least this much (0..1) whatever the neighbourhood
RATIO = 2.0  # ... and this many times the median change of its neighbours
NEIGHBOURS = 6  # steps each side that set the local level
FLAT = 0.02  # local level floor: in a still shot (changes ~0) any jump over MIN_JUMP is a cut


# The fast pass reads the whole stream only when it is cheap (frames x pixels
# of ~2 minutes of 640x360); a longer film is sampled in SAMPLES stretches of
# SAMPLE_SECONDS spread over it (cut rate and scene count then are estimates).
FULL_STREAM_PIXELS = 3000 * 640 * 360
SAMPLES = 4
SAMPLE_SECONDS = 4.0
# ... of a picture up to 720p; a larger picture gets shorter stretches, so the
# sample costs about the decoded pixels of a 720p one (decoding dominates:
# 1080p H.264/HEVC cost ~2.2x per frame), never below MIN_SAMPLE_SECONDS.
SAMPLE_PIXELS = 1280 * 720
MIN_SAMPLE_SECONDS = 2.0


@dataclass(frozen=True)
class Shots:
    cuts: list[float]  # seconds, the first frame of each new shot
    seconds: float  # span of the video that was compared
    frames: int  # frames compared
    duration: float = 0.0  # of the whole video, when only parts were compared (0: all of it)

    @property
    def cuts_per_minute(self) -> float:
        return len(self.cuts) * 60.0 / self.seconds if self.seconds > 0 else 0.0

    @property
    def scenes(self) -> int:
        """Shots: cuts + 1 (0 when nothing was compared); estimated from the
        cut rate when only parts of a longer video were compared."""
        if not self.frames:
            return 0
        if self.duration > self.seconds > 0:
            return round(self.cuts_per_minute * self.duration / 60.0) + 1
        return len(self.cuts) + 1

    def stats(self) -> dict[str, float]:
        return {"cuts_per_minute": self.cuts_per_minute, "scenes": float(self.scenes)}


def signature(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tiny grey float32 0..1, HSV histogram summing to 1) of one frame."""
    small = cv2.resize(bgr, (TINY[0] * 2, TINY[1] * 2), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(HIST_BINS), [0, 180, 0, 256, 0, 256]).ravel()
    grey = cv2.resize(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), TINY, interpolation=cv2.INTER_AREA)
    return grey.astype(np.float32) / 255.0, hist / max(float(hist.sum()), 1.0)


def aligned_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean abs difference of two tiny greys after undoing the global shift
    between them (phase correlation): a camera pan is not a change of shot."""
    (dx, dy), _ = cv2.phaseCorrelate(a, b)
    dx, dy = float(np.clip(dx, -MARGIN, MARGIN)), float(np.clip(dy, -MARGIN, MARGIN))
    moved = cv2.warpAffine(b, np.array([[1, 0, -dx], [0, 1, -dy]], np.float32), (b.shape[1], b.shape[0]),
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    m = MARGIN
    return float(np.abs(a[m:-m, m:-m] - moved[m:-m, m:-m]).mean())


def changes(signatures: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """[n-1] change between neighbours, 0..1: the geometric mean of histogram
    distance (half the L1, 0..1) and a scaled, shift-aligned mean abs grey
    difference. A cut changes both; a car crossing an empty road changes
    the pixels but hardly the colours, a fade the colours but little else."""
    if len(signatures) < 2:
        return np.zeros(0, np.float32)
    out = np.empty(len(signatures) - 1, np.float32)
    for i in range(len(out)):
        (ga, ha), (gb, hb) = signatures[i], signatures[i + 1]
        hist_d = 0.5 * float(np.abs(ha - hb).sum())
        grey_d = min(1.0, 3.0 * aligned_difference(ga, gb))
        out[i] = np.sqrt(hist_d * grey_d)
    return out


def cut_indices(change: np.ndarray, *, min_jump: float = MIN_JUMP, ratio: float = RATIO,
                neighbours: int = NEIGHBOURS) -> list[int]:
    """Indices i where the step from frame i to i+1 is a cut: a change that
    is large, and ``ratio`` times both the local median and each adjacent
    step. The adjacent steps rule out a car driving through an empty
    street (it changes the picture at several steps in a row); a cut is
    one isolated jump between two steady stretches."""
    out: list[int] = []
    for i in range(len(change)):
        if change[i] < min_jump:
            continue
        around = np.concatenate([change[max(0, i - neighbours):i], change[i + 1:i + 1 + neighbours]])
        adjacent = change[max(0, i - 1):i].tolist() + change[i + 1:i + 2].tolist()
        level = max([FLAT, float(np.median(around)) if len(around) else 0.0, *adjacent])
        if change[i] >= ratio * level:
            out.append(i)
    return out


def detect_cuts(times: Sequence[float], signatures: Sequence[tuple[np.ndarray, np.ndarray]]) -> Shots:
    """Cuts among frames at ``times`` (ascending seconds)."""
    if len(times) != len(signatures):
        raise ValueError("one time per signature")
    change = changes(signatures)
    cuts = [float(times[i + 1]) for i in cut_indices(change)]
    span = float(times[-1] - times[0]) if len(times) > 1 else 0.0
    return Shots(cuts, span, len(times))


def shots_of(path: PathLike, *, step: float = STEP, threads: int = 1, start: float = 0.0,
             span: float | None = None) -> Shots:
    """Cuts from a low-resolution stream: the whole file, or ``span`` seconds
    from the key frame at or before ``start``."""
    with MediaFile(path, threads=threads) as media:
        return shots_in(media, step=step, start=start, span=span)


def shots_in(media: MediaFile, *, step: float = STEP, start: float = 0.0, span: float | None = None) -> Shots:
    """As :func:`shots_of`, on a file already open."""
    cutter = CutFinder()
    for t, small in frames_from(media, step=step, width=TINY[0] * 2, start=start, span=span):
        cutter.add(t, small)
    return cutter.shots()


class CutFinder:
    """Signatures of frames as they come (from any decoding pass), and the cuts among them."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.signatures: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, t: float, bgr: np.ndarray) -> None:
        self.times.append(t)
        self.signatures.append(signature(bgr))

    def shots(self) -> Shots:
        return detect_cuts(self.times, self.signatures)


def sample_seconds(width: int, height: int) -> float:
    """Seconds of each sampled stretch: SAMPLE_SECONDS up to 720p, less for larger pictures."""
    pixels = max(1, width * height)
    return max(MIN_SAMPLE_SECONDS, SAMPLE_SECONDS * min(1.0, SAMPLE_PIXELS / pixels))


def whole_stream(duration: float, fps: float, width: int, height: int) -> bool:
    """Whether the fast pass reads this video's whole low-res stream (else it samples)."""
    return duration * fps * width * height <= FULL_STREAM_PIXELS or duration <= SAMPLES * SAMPLE_SECONDS * 2


def fast_shots(path: PathLike | MediaFile, *, duration: float, fps: float, width: int, height: int,
               step: float = STEP) -> Shots:
    """What the fast pass can afford: the whole stream of a short or small
    video, else SAMPLES stretches of :func:`sample_seconds` spread over it (each read
    from the key frame before it, all in one open of the file), the cut rate
    measured on those and the scene count extrapolated."""
    if not isinstance(path, MediaFile):
        with MediaFile(path) as media:
            return fast_shots(media, duration=duration, fps=fps, width=width, height=height, step=step)
    media = path
    if whole_stream(duration, fps, width, height):
        return shots_in(media, step=step)
    cuts: list[float] = []
    seconds = 0.0
    frames = 0
    span = sample_seconds(width, height)
    for k in range(SAMPLES):
        part = shots_in(media, step=step, start=duration * (k + 0.5) / SAMPLES, span=span)
        cuts += part.cuts
        seconds += part.seconds
        frames += part.frames
    return Shots(cuts, seconds, frames, duration)
