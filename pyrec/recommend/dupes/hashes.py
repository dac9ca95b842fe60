"""Keyframe perceptual hashes (64-bit DCT pHash, as int64): which are worth
comparing, and how far apart two sets of them are."""

from __future__ import annotations

import numpy as np

from pyrec.recommend.arrays import popcount64


def informative(hashes: np.ndarray) -> np.ndarray:
    """Flat frames (black, white, one colour) hash to near-constant bit
    patterns and would match everything: keep hashes with 12..52 bits set."""
    bits = popcount64(np.asarray(hashes, np.int64).view(np.uint64))
    return (bits >= 12) & (bits <= 52)


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x = np.bitwise_xor(np.asarray(a, np.int64).view(np.uint64)[:, None], np.asarray(b, np.int64).view(np.uint64)[None, :])
    return popcount64(x)
