"""Frames at a steady pace and a small size, decoded with PyAV: the input of
the readers that look at a whole video rather than at a few keyframes
(shot cuts, on-screen text).

The decoder does the scaling (swscale straight to the small size), only
reference frames are decoded (most B-frames are skipped: a frame every
``step`` seconds never needs them), and with ``keyframes_only`` only the
intra frames are decoded, which is what a two-hour film can afford.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import av
import numpy as np

from pyrec.errors import MediaError

if TYPE_CHECKING:
    from pyrec.features.mediafile import MediaFile

PathLike = str | os.PathLike[str]


def _size(stream: av.video.stream.VideoStream, width: int) -> tuple[int, int]:
    w, h = stream.codec_context.width or width, stream.codec_context.height or width
    width = min(width, w)
    return width, max(2, round(h * width / max(1, w) / 2) * 2)


def low_res_frames(path: PathLike, *, step: float, width: int, start: float = 0.0, end: float | None = None,
                   span: float | None = None, keyframes_only: bool = False,
                   threads: int = 1) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds, BGR frame ``width`` px wide) about every ``step`` seconds
    from ``start`` to ``end``; with ``span``, ``span`` seconds from the key
    frame at or before ``start`` instead (nothing decoded is thrown away).
    Raises MediaError naming the file when it cannot be opened or not one
    frame decodes; a damaged tail ends the frames early."""
    from pyrec.features.mediafile import MediaFile

    with MediaFile(path, threads=threads) as media:
        yield from frames_from(media, step=step, width=width, start=start, end=end, span=span,
                               keyframes_only=keyframes_only)


def frames_from(media: MediaFile, *, step: float, width: int, start: float = 0.0, end: float | None = None,
                span: float | None = None, keyframes_only: bool = False) -> Iterator[tuple[float, np.ndarray]]:
    """As :func:`low_res_frames`, on a file already open (it seeks; it does not close it)."""
    container, name = media.container, media.path
    stream = media.video
    stream.codec_context.skip_frame = "NONKEY" if keyframes_only else "NONREF"
    size = _size(stream, width)
    if stream.time_base is not None:
        try:  # also to 0: another stage may have read the file before
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        except av.FFmpegError:
            if start > 0:
                raise MediaError("cannot seek in it", name) from None
    next_at = start if span is None else 0.0
    produced = 0
    try:
        for frame in media.decode_video():
            t = frame.time
            if t is None:
                continue
            if end is not None and t > end:
                break
            if span is not None and end is None:
                end = t + span
            if t + 1e-6 < next_at:
                continue
            next_at = t + step
            produced += 1
            yield float(t), frame.reformat(width=size[0], height=size[1], format="bgr24").to_ndarray()
    except av.FFmpegError as exc:
        if not produced:
            raise MediaError(f"no frame decodes: {exc}", name) from None
