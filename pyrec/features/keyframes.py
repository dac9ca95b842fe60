"""Pick up to N representative frames without decoding the whole video.

The video is cut into N equal segments. In the middle of each we seek and
decode a short window (5 frames ~0.1 s apart), measure each frame
(brightness, contrast, sharpness) and look for shot cuts between
neighbours. The window's best usable frame wins, frames touching a cut are
penalised (they are often mid-transition). A window with nothing usable
(black, flat, blurred) gets one second try elsewhere in its segment; if
still nothing, the segment is skipped. Only if *every* window is unusable
are the least bad frames kept, with a warning.

Cost: about N × (window × stride) decoded frames (~9 at 30 fps), whatever
the length, plus the decoder's own work to reach each seek point (from the
previous key frame: cheap for short GOPs, ~0.2 s per seek for 720p H.264
with 250-frame GOPs). Small files (see SEQUENTIAL_PIXELS) are read straight
through instead, which is cheaper than 16 seeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import cv2
import numpy as np

from pyrec.errors import MediaError
from pyrec.features.mediafile import MediaFile
from pyrec.features.phash import hamming, phash
from pyrec.features.probe import probe_open
from pyrec.features.quality import FrameQuality, measure, to_grey
from pyrec.features.video import ROTATE, KeyframeSeeker, PathLike, VideoReader, downscale, downscale_size, small_bgr
from pyrec.records import Keyframe, MediaProbe

WINDOW = 5  # frames decoded and compared per seek point
SAMPLE_RATE = 10.0  # Hz: frames of a window are ~0.1 s apart at any fps
FORWARD_LIMIT = 48  # read on instead of seeking when the next window is this close
# A seek decodes from the previous key frame, often 100+ frames back. A file
# this small (frames × pixels, ~1200 frames of 640×360) is cheaper to read
# straight through than to seek in 16 times.
SEQUENTIAL_PIXELS = 1200 * 640 * 360
CUT = 0.16  # mean abs difference (0..1) of 64×64 greys that marks a shot cut
NEAR_CUT_PENALTY = 1.0  # score penalty for frames next to a cut
DUPLICATE_BITS = 3  # consecutive picks this close in phash are the same picture


@dataclass
class PickedFrame:
    keyframe: Keyframe
    image: np.ndarray  # BGR uint8, short side <= 256 px
    quality: FrameQuality


@dataclass
class KeyframeSet:
    frames: list[PickedFrame]
    motion: float | None = None  # mean abs change per 0.1 s inside shots, 0..1
    cuts_per_minute: float | None = None  # shot cuts seen inside the sampled windows
    frames_decoded: int = 0
    seeks: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def keyframes(self) -> list[Keyframe]:
        return [f.keyframe for f in self.frames]

    @property
    def images(self) -> list[np.ndarray]:
        return [f.image for f in self.frames]


@dataclass
class _Sample:
    index: int
    image: np.ndarray  # the decoded frame until chosen, then the downscaled copy
    quality: FrameQuality
    tiny: np.ndarray  # 64×64 float32 grey, for cut and motion tests

    def shrink(self) -> _Sample:
        """Keep a properly downscaled copy instead of the full frame."""
        self.image = downscale(self.image)
        return self


@dataclass(frozen=True)
class _Plan:
    segments: int
    segment_len: float  # frames
    window: int
    stride: int

    @property
    def span(self) -> int:
        return (self.window - 1) * self.stride + 1


def plan(frame_count: int, fps: float, max_keyframes: int) -> _Plan:
    """How many windows, how long, and how far apart their frames are."""
    segments = max(1, min(max_keyframes, frame_count))
    segment_len = frame_count / segments
    stride = max(1, round(fps / SAMPLE_RATE))
    window = WINDOW
    if (window - 1) * stride + 1 > segment_len:  # short clip: shrink to fit the segment
        stride = max(1, int((segment_len - 1) // max(1, window - 1)))
        window = max(1, min(window, int((segment_len - 1) // stride) + 1))
    return _Plan(segments, segment_len, window, stride)


def pick_keyframes(path: PathLike, max_keyframes: int = 16, *, probe: MediaProbe | None = None,
                   decode_threads: int = 1) -> KeyframeSet:
    """Choose up to ``max_keyframes`` usable frames of the video at ``path``."""
    if max_keyframes < 1:
        raise ValueError("max_keyframes must be at least 1")
    with VideoReader(path, decode_threads=decode_threads) as video:
        info = probe if probe is not None else probe_open(video)
        return pick_from(video, info, max_keyframes)


def _read_window(video: VideoReader | KeyframeSeeker | _Replay, start: int, p: _Plan, forward_limit: int,
                 earliest: int = 0) -> list[_Sample]:
    gap = start - video.position
    if 0 <= gap <= forward_limit:
        for _ in range(gap):  # cheaper than a seek, which decodes from the last key frame
            if not video.grab():
                return []
    else:
        video.seek(start, earliest=earliest)
    samples: list[_Sample] = []
    for j in range(p.window):
        if j:
            for _ in range(p.stride - 1):
                if not video.grab():
                    return samples
        index = video.position
        frame = video.read()
        if frame is None:
            break
        # Measure on a quick bilinear shrink; only the frame a window keeps
        # gets the careful (slower) downscale.
        h, w = downscale_size(frame.shape[0], frame.shape[1])
        quick = cv2.resize(frame, (w, h), interpolation=cv2.INTER_LINEAR) if (h, w) != frame.shape[:2] else frame
        grey = to_grey(quick)
        tiny = cv2.resize(grey, (64, 64), interpolation=cv2.INTER_LINEAR).astype(np.float32) / 255.0
        samples.append(_Sample(index, frame, measure(grey), tiny))
    return samples


def _choose(samples: list[_Sample]) -> tuple[_Sample | None, _Sample | None, list[float], int]:
    """(best usable, best of any, within-shot diffs, cuts) for one window."""
    diffs = [float(np.mean(np.abs(a.tiny - b.tiny))) for a, b in pairwise(samples)]
    cut_after = [d > CUT for d in diffs]
    best: _Sample | None = None
    best_score = -np.inf
    fallback: _Sample | None = None
    fallback_score = -np.inf
    for j, s in enumerate(samples):
        score = s.quality.score
        if (j > 0 and cut_after[j - 1]) or (j < len(cut_after) and cut_after[j]):
            score -= NEAR_CUT_PENALTY
        if score > fallback_score:
            fallback, fallback_score = s, score
        if s.quality.usable and score > best_score:
            best, best_score = s, score
    within = [d for d, cut in zip(diffs, cut_after, strict=True) if not cut]
    return best, fallback, within, sum(cut_after)


def pick_from(video: VideoReader, info: MediaProbe, max_keyframes: int = 16, *,
              keyframe_seeks: bool = True, media: MediaFile | None = None) -> KeyframeSet:
    """As :func:`pick_keyframes`, on a reader already open (e.g. just probed).
    ``keyframe_seeks=False``: OpenCV's exact seeks (the slower way, kept for
    the benchmark's side-by-side). ``media``: the scan's shared PyAV open,
    sought in instead of opening the file again."""
    if max_keyframes < 1:
        raise ValueError("max_keyframes must be at least 1")
    fps = info.fps
    p = plan(info.frame_count, fps, max_keyframes)
    sequential = info.frame_count * info.width * info.height <= SEQUENTIAL_PIXELS
    forward_limit = info.frame_count if sequential else FORWARD_LIMIT
    # Seeking: to the key frame before each window (PyAV) rather than to the
    # exact frame (OpenCV decodes a whole GOP per seek: 16 seeks of a 10-min
    # 720p H.264 file took 11 s, key-frame seeks 0.6 s; benchmarks/bench_media.py).
    seeker: KeyframeSeeker | None = None
    if keyframe_seeks and not sequential:
        try:
            seeker = KeyframeSeeker(video.path, fps, rotation=info.rotation, media=media)
        except MediaError:
            seeker = None  # OpenCV's exact seeks still work
    try:
        return _pick(seeker or video, video, info, p, forward_limit, max_keyframes)
    finally:
        if seeker is not None:
            seeker.close()


def _window_starts(info: MediaProbe, p: _Plan) -> list[tuple[int, list[int]]]:
    """Per segment: (its first frame, the frames its window tries start at)."""
    last_start = max(0, info.frame_count - p.span)
    out: list[tuple[int, list[int]]] = []
    for i in range(p.segments):
        seg_start = i * p.segment_len
        centre = seg_start + p.segment_len / 2
        starts = [int(min(max(centre - p.span / 2, 0), last_start))]
        if p.segment_len >= 3 * p.span:  # room for a second, non-overlapping try
            starts.append(int(min(seg_start + p.segment_len * 5 / 6 - p.span / 2, last_start)))
        out.append((int(seg_start), starts))
    return out


class FrameCapture:
    """The frames the picker's windows read, kept while a pass that decodes
    the whole file anyway (the frame grids) goes by: a short video's
    keyframes then cost no decoding of their own. Call it with (index, PyAV frame)."""

    def __init__(self, info: MediaProbe, max_keyframes: int) -> None:
        self.info = info
        self.max_keyframes = max_keyframes
        self.plan = plan(info.frame_count, info.fps, max_keyframes)
        p = self.plan
        self.wanted = {start + j * p.stride for _, starts in _window_starts(info, p) for start in starts
                       for j in range(p.window)}
        self.frames: dict[int, np.ndarray] = {}
        self.seen = 0
        self._rotate = ROTATE.get(info.rotation % 360)

    def __call__(self, index: int, frame: Any) -> None:
        if index in self.wanted:
            self.frames[index] = small_bgr(frame, self._rotate)
        self.seen = max(self.seen, index + 1)

    def pick(self, video: VideoReader) -> KeyframeSet | None:
        """The keyframes from the kept frames; None when the pass ended well
        before the last window (a damaged file): the picker then reads for
        itself. (A header's frame count is often a frame or two more than
        decodes: those windows just come out short, as when read straight through.)"""
        if not self.frames or self.seen < 0.9 * max(self.wanted, default=0):
            return None
        return _pick(_Replay(self, video), video, self.info, self.plan, self.info.frame_count, self.max_keyframes)


class _Replay:
    """The reading interface the picker uses, over a capture's frames."""

    def __init__(self, capture: FrameCapture, video: VideoReader) -> None:
        self._frames = capture.frames
        self._end = capture.seen
        self.path = video.path
        self.position = 0
        self.frames_decoded = 0  # counted by the pass that decoded them
        self.seeks = 0

    def seek(self, index: int, *, earliest: int | None = None) -> None:
        self.position = index

    def grab(self) -> bool:
        if self.position >= self._end:
            return False
        self.position += 1
        return True

    def read(self) -> np.ndarray | None:
        image = self._frames.get(self.position)
        if image is not None:
            self.position += 1
        return image


def _pick(reader: VideoReader | KeyframeSeeker | _Replay, video: VideoReader, info: MediaProbe, p: _Plan,
          forward_limit: int, max_keyframes: int) -> KeyframeSet:
    fps = info.fps
    chosen: list[_Sample] = []
    fallbacks: list[_Sample] = []
    diffs: list[float] = []
    cuts = 0
    pair_count = 0
    any_frame = False
    empty_windows = 0
    for seg_start, starts in _window_starts(info, p):
        best = None
        for start in starts:
            samples = _read_window(reader, start, p, forward_limit, earliest=seg_start)
            any_frame = any_frame or bool(samples)
            empty_windows += not samples
            best, fallback, within, window_cuts = _choose(samples)
            diffs += within
            cuts += window_cuts
            pair_count += max(0, len(samples) - 1)
            if best is not None:
                break
            if fallback is not None:
                fallbacks.append(fallback.shrink())
        if best is not None:
            chosen.append(best.shrink())
    if not any_frame:
        raise MediaError("no frame could be decoded at any seek point (truncated or corrupt)", video.path)

    warnings: list[str] = []
    if empty_windows:
        warnings.append(f"{empty_windows} seek point(s) gave no frame; the file may be truncated or damaged")
    if not chosen:
        # Everything was dark/flat/blurred (a night scene, a black screen with
        # sound): keep the least bad frames rather than nothing.
        fallbacks.sort(key=lambda s: s.quality.score, reverse=True)
        chosen = sorted(fallbacks[:max_keyframes], key=lambda s: s.index)
        warnings.append("every sampled frame was dark, flat or blurred; keyframes may show little")

    frames: list[PickedFrame] = []
    for s in chosen:
        h = phash(s.image)
        if frames and hamming(h, frames[-1].keyframe.phash) <= DUPLICATE_BITS:
            continue  # a still shot: the same picture again adds nothing
        frames.append(PickedFrame(
            Keyframe(time=s.index / fps, phash=h, sharpness=s.quality.sharpness,
                     brightness=s.quality.brightness / 255.0),
            s.image, s.quality))

    # Frames of a window are stride/fps seconds apart; scale their change to 0.1 s.
    spacing = p.stride / fps
    motion = min(1.0, float(np.mean(diffs)) * (1.0 / SAMPLE_RATE) / spacing) if diffs else None
    seconds = pair_count * spacing
    cuts_per_minute = cuts * 60.0 / seconds if seconds > 0 else None
    decoded = video.frames_decoded + (reader.frames_decoded if reader is not video else 0)
    return KeyframeSet(frames, motion, cuts_per_minute, decoded, reader.seeks + (video.seeks if reader is not video else 0),
                       warnings)
