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

import av
import numpy as np

from pyrec.errors import MediaError

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
    name = os.fspath(path)
    try:
        container = av.open(name)
    except (av.FFmpegError, OSError) as exc:
        raise MediaError(f"cannot open: {exc}", name) from None
    with container:
        if not container.streams.video:
            raise MediaError("no video stream", name)
        stream = container.streams.video[0]
        ctx = stream.codec_context
        ctx.skip_frame = "NONKEY" if keyframes_only else "NONREF"
        ctx.thread_count = max(1, threads)
        size = _size(stream, width)
        if start > 0 and stream.time_base is not None:
            container.seek(int(start / stream.time_base), stream=stream, backward=True)
        next_at = start if span is None else 0.0
        produced = 0
        try:
            for frame in container.decode(stream):
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
