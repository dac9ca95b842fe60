"""Dense frame grids: a 16x16 grey picture every fraction of a second.

Sixteen keyframes picked by seeking cannot tell whether two videos are the
same recording: a 2-second clip has one or two, and two copies get
different frames picked. Here the video is decoded straight through (cheap
for the short and medium videos where copies of one clip are common) and a
16x16 area-averaged grey grid (256 bytes) is kept every `step` seconds from
the start, so two copies line up frame by frame at a time offset (a trim,
an added intro), and their motion can be compared, not just their look:
one signer's 20 signs in one room differ in a handful of cells per frame,
which no 64-bit pHash sees (they sit within 4-6 bits of each other).

The sound of the same span gets an audio fingerprint (pyrec.features.
audioprint; decoded through pyrec.features.audio, the shared decoder): two
videos whose pictures align but whose sound differs are one footage in two
edits, not copies.

The same pass measures `detail`: the share of the picture's contrast in its
top octave (what a half-size copy cannot hold). An upscale has almost none,
so a bigger copy is not taken for a better one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import av
import cv2
import numpy as np

from pyrec.errors import MediaError
from pyrec.features.audio import decode_audio, has_audio
from pyrec.features.audioprint import AudioPrint, audio_print
from pyrec.features.cuts import STEP as CUT_STEP
from pyrec.features.cuts import TINY, CutFinder
from pyrec.features.mediafile import MediaFile
from pyrec.features.video import ROTATE, PathLike
from pyrec.records import FrameGrids, MediaProbe, MediaText

MIN_STEP = 0.1  # seconds: finer is no more telling and costs storage
MAX_GRIDS = 480  # per video (120 KB); a longer video gets a coarser step
# Decoding whole is for short and medium videos (where copies of one clip are
# common): longer or heavier ones keep to their keyframes, so a scan of films
# never decodes a film end to end.
MAX_SECONDS = 180.0
MAX_WORK = 2_500_000_000  # frames x pixels: ~90 s of 720p30, ~40 s of 1080p30, 3 min of 480p30
DETAIL_FRAMES = 8  # frames the detail is measured on, spread over the video
SIDE = 16
CUT_WIDTH = TINY[0] * 2  # px: the frames shot cuts are measured on (as cuts.shots_of decodes them)


BAR = 24  # grey level: edge rows/columns darker than this everywhere are letterbox bars
MAX_BAR = 0.25  # share of a side that may be cut as a bar


def without_bars(grey: np.ndarray) -> np.ndarray:
    """The picture inside black letterbox/pillarbox bars (a letterboxed copy
    then grids like its original; what a dark scene loses, its copy loses too)."""
    h, w = grey.shape[:2]
    rows = np.flatnonzero(grey.max(axis=1) >= BAR)
    cols = np.flatnonzero(grey.max(axis=0) >= BAR)
    if rows.size == 0 or cols.size == 0:
        return grey
    top, bottom = min(int(rows[0]), int(h * MAX_BAR)), max(int(rows[-1]) + 1, h - int(h * MAX_BAR))
    left, right = min(int(cols[0]), int(w * MAX_BAR)), max(int(cols[-1]) + 1, w - int(w * MAX_BAR))
    return grey[top:bottom, left:right]


def frame_grid(grey: np.ndarray) -> np.ndarray:
    """256 bytes: the picture (bars cut off) shrunk to 16x16 by area averaging."""
    return cv2.resize(without_bars(grey), (SIDE, SIDE), interpolation=cv2.INTER_AREA).ravel()


def top_octave_share(grey: np.ndarray) -> float:
    """Mean |frame - (frame halved and enlarged back)| over mean |frame - its mean|."""
    h, w = grey.shape[:2]
    if h < 4 or w < 4:
        return 0.0
    g = grey.astype(np.float32)
    half = cv2.resize(g, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    back = cv2.resize(half, (w, h), interpolation=cv2.INTER_LINEAR)
    contrast = float(np.mean(np.abs(g - g.mean())))
    return float(np.mean(np.abs(g - back))) / contrast if contrast > 1.0 else 0.0


def step_for(duration: float) -> float:
    return max(MIN_STEP, duration / MAX_GRIDS)


def can_grid(duration: float, fps: float, pixels: int) -> bool:
    """Whether a video is short and light enough to be decoded whole for its grids."""
    return 0 < duration <= MAX_SECONDS and fps > 0 and duration * fps * pixels <= MAX_WORK


def dense_grids(path: PathLike | MediaFile, duration: float, fps: float, *, pixels: int = 0,
                decode_threads: int = 1, cuts: CutFinder | None = None, rotation: int = 0,
                tap: Callable[[int, Any], None] | None = None) -> tuple[FrameGrids | None, float | None]:
    """(grids, detail); (None, None) for a video too long or heavy to decode whole, or without a frame rate.
    Decoded with PyAV (in the scan's shared open when given one). The same
    pass serves others, so a short video is decoded once: ``cuts`` is handed
    a small frame every cut step, ``tap`` every (index, frame) (the keyframe
    picker's :class:`~pyrec.features.keyframes.FrameCapture`)."""
    if not can_grid(duration, fps, pixels):
        return None, None
    if not isinstance(path, MediaFile):
        with MediaFile(path, threads=decode_threads) as media:
            return dense_grids(media, duration, fps, pixels=pixels, cuts=cuts, rotation=rotation, tap=tap)
    media = path
    step = step_for(duration)
    every = max(1, int(round(duration * fps / DETAIL_FRAMES)))
    grids: list[np.ndarray] = []
    details: list[float] = []
    stream = media.video
    stream.codec_context.skip_frame = "DEFAULT"
    _rewind(media)
    cut_width = CUT_WIDTH
    turn = ROTATE.get(rotation % 360)
    index = 0
    next_time = 0.0
    next_cut = 0.0
    limit = int(duration * fps * 1.2) + 30  # a header lying about its length is not read forever
    frames = media.decode_video()
    while index < limit:
        try:
            frame = next(frames)
        except StopIteration:
            break
        except av.FFmpegError as exc:
            if not index:
                raise MediaError(f"no frame decodes: {exc}", media.path) from None
            break  # a damaged tail: what decoded before it counts
        t = index / fps
        want_grid = t + 1e-6 >= next_time
        want_detail = index % every == every // 2
        if want_grid or want_detail:
            grey = frame.to_ndarray(format="gray")
            if turn is not None:  # as the picture plays (OpenCV, which read these before, turns it too)
                grey = cv2.rotate(grey, turn)
            if want_grid:
                # grid i belongs at i * step: a frame rate below 1/step repeats the picture
                while next_time <= t + 1e-6:
                    grids.append(frame_grid(grey))
                    next_time += step
            if want_detail:
                details.append(top_octave_share(grey))
        if cuts is not None and frame.time is not None and frame.time + 1e-6 >= next_cut:
            next_cut = frame.time + CUT_STEP
            h = max(2, round(frame.height * cut_width / max(1, frame.width) / 2) * 2)
            cuts.add(float(frame.time), frame.reformat(width=cut_width, height=h, format="bgr24").to_ndarray())
        if tap is not None:
            tap(index, frame)
        index += 1
    if not grids:
        return None, None
    detail = float(np.median(details)) if details else None
    return FrameGrids(step, np.stack(grids).astype(np.uint8)), detail


def _rewind(media: MediaFile) -> None:
    """Back to the start: other stages have sought about in the shared open."""
    stream = media.video
    if stream.time_base is None:
        return
    try:
        media.container.seek(0, stream=stream, backward=True)
    except av.FFmpegError:
        pass


def sound_print(path: PathLike | MediaFile, seconds: float, warnings: list[str]) -> AudioPrint | None:
    """The audio fingerprint of the first `seconds` of the file's sound (None
    when it has none; a warning when it cannot be decoded)."""
    try:
        if not isinstance(path, MediaFile):
            with MediaFile(path) as media:
                return sound_print(media, seconds, warnings)
        if not has_audio(path.container):
            return None
        clip = decode_audio(path.container, path.path, duration=seconds)
    except MediaError as exc:
        warnings.append(f"no audio fingerprint for duplicates: {exc.reason}")
        return None
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        warnings.append(f"no audio fingerprint for duplicates: {exc}")
        return None
    return audio_print(clip.samples, clip.rate)


def grids_for(path: PathLike | MediaFile, probe: MediaProbe, stats: dict[str, float], warnings: list[str],
              media: MediaText | None = None, *, cuts: CutFinder | None = None,
              tap: Callable[[int, Any], None] | None = None) -> FrameGrids | None:
    """Dense grids of a probed file (only the part that plays) with the
    audio fingerprint of that part; its detail, bit depth and HDR added to
    `stats` (what the best copy is chosen on). A file that fails here loses
    duplicate evidence, never its place in the library (a warning says so)."""
    video = media.container.of_kind("video") if media is not None else []
    if video:
        stats["bit_depth"] = float(video[0].bit_depth or 8)
        stats["hdr"] = float(video[0].hdr)
    seconds = probe.playable or probe.duration or 0.0
    try:
        grids, detail = dense_grids(path, seconds, probe.fps, pixels=(probe.width or 0) * (probe.height or 0),
                                    cuts=cuts, rotation=probe.rotation, tap=tap)
    except MediaError as exc:
        warnings.append(f"no frame grids for duplicates: {exc.reason}")
        return None
    if detail is not None:
        stats["detail"] = detail
    if grids is None:
        return None
    sound = sound_print(path, seconds, warnings)
    if sound is None or sound.codes.size == 0:
        return grids
    return replace(grids, audio_step=sound.step, audio=sound.codes)
