"""Single frames for previews: one frame of a video at a time, a stored
thumbnail read back, and either scaled to what a screen needs (RGB out).

Pure functions from files to arrays, like the rest of pyrec.features: the
service decides which frame is wanted and caches answers; decoding is here.
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from pyrec.errors import MediaError
from pyrec.features.video import VideoReader, downscale


def frame_at(path: str | os.PathLike[str], time: float, *, fps_hint: float = 0.0) -> np.ndarray | None:
    """The full-size BGR frame at ``time`` seconds, or None if the file cannot
    give it (missing, unreadable, not a video). ``fps_hint`` (e.g. the probed
    rate) is used when the container does not state one."""
    try:
        with VideoReader(os.fspath(path)) as reader:
            fps = reader.fps or fps_hint or 0.0
            index = max(0, round(time * fps)) if fps > 0 else 0
            if reader.frame_count:
                index = min(index, reader.frame_count - 1)
            reader.seek(index)
            image = reader.read()
            if image is None and index > 0:  # a frame count that overstates: take the first frame
                reader.seek(0)
                image = reader.read()
            return image
    except MediaError:
        return None


def read_image(path: str | os.PathLike[str]) -> np.ndarray | None:
    """A still image file (a stored thumbnail) as BGR, or None if gone or unreadable."""
    image = cv2.imread(os.fspath(path), cv2.IMREAD_COLOR)
    return None if image is None else np.asarray(image)


def scaled_rgb(image: np.ndarray, width: int, height: int | None = None) -> np.ndarray:
    """Scale a BGR frame down (never up) so it still covers width × height
    pixels; RGB out, C-contiguous uint8."""
    h, w = image.shape[:2]
    scale = min(1.0, max(width / w, (height or 0) / h))
    if scale < 1.0:
        # downscale() bounds the short and long side; express "this scale" in those terms
        target = max(1, round(min(h, w) * scale))
        image = downscale(image, short_side=target, max_side=max(1, round(max(h, w) * scale)))
    return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
