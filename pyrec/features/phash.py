"""64-bit DCT perceptual hash of an image, stored as a signed int64."""

from __future__ import annotations

import cv2
import numpy as np

_MASK = (1 << 64) - 1


def phash(image: np.ndarray) -> int:
    """32×32 grey → 2-D DCT → top-left 8×8 → bit = coefficient > median.

    The median is taken over the 63 AC coefficients: the DC term is the mean
    brightness, far larger than the rest, and would drag the threshold. The
    first coefficient is the most significant bit. Returned as a signed
    int64 so it fits an SQLite INTEGER.
    """
    if image.ndim == 3:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.shape[2] == 3 else image[:, :, 0]
    elif image.ndim == 2:
        grey = image
    else:
        raise ValueError(f"expected a 2-D or 3-D image, got shape {image.shape}")
    small = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    block = cv2.dct(small)[:8, :8].ravel()
    bits = block > np.median(block[1:])
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two hashes (0 … 64)."""
    return ((a ^ b) & _MASK).bit_count()
