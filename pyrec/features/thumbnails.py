"""JPEG thumbnails in a cache folder, named by the sha1 of their bytes.

Same picture → same bytes → same file: writing twice is a no-op, two videos
sharing a frame share a file, and a half-written file can never carry a
valid name (it is written under a temporary name and renamed).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from pyrec.features.video import downscale

THUMB_SIDE = 320  # long side in pixels
JPEG_QUALITY = 82


def encode_jpeg(image: np.ndarray, *, max_side: int = THUMB_SIDE, quality: int = JPEG_QUALITY) -> bytes:
    small = downscale(image, short_side=max_side, max_side=max_side)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"could not encode a {image.shape} image as JPEG")
    return data.tobytes()


def write_thumbnail(image: np.ndarray, cache_dir: str | os.PathLike[str], *, max_side: int = THUMB_SIDE,
                    quality: int = JPEG_QUALITY) -> Path:
    """Write ``image`` (BGR) as ``<cache_dir>/<ab>/<sha1>.jpg`` unless present; return the path."""
    data = encode_jpeg(image, max_side=max_side, quality=quality)
    digest = hashlib.sha1(data).hexdigest()
    folder = Path(cache_dir) / digest[:2]  # fan out: one folder of 100k files is slow to list
    path = folder / f"{digest}.jpg"
    if path.is_file() and path.stat().st_size == len(data):
        return path
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".thumb-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # atomic: readers see the old file or the whole new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
