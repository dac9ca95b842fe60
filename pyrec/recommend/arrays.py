"""Array helpers shared by the recommender: small NumPy kernels with no
knowledge of catalogues, scorers or the library. Everything in
pyrec/recommend may import this module; it imports nothing of pyrec."""

from __future__ import annotations

import numpy as np


def small_matmul_t(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T for small operands without BLAS: a multi-threaded BLAS wakes
    its threads for a 200 x 1280 x 4 product and, on a busy machine, spends
    milliseconds doing so; numpy's own einsum loop takes a fraction of one."""
    return np.einsum("ij,kj->ik", a, b)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise rows; all-zero rows stay zero (absent embeddings)."""
    m = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def popcount64(x: np.ndarray) -> np.ndarray:
    """Bits set per uint64 (SWAR), vectorised."""
    x = np.asarray(x, dtype=np.uint64)
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy 2.3+ dedupes int arrays by hashing, several
    times slower than a sort for millions of keys)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if a.size else a


def top_positive(total: np.ndarray, n: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """Positions of the (at most) n best strictly positive scores, best first,
    ties in position order; ``allowed`` masks positions out."""
    if allowed is not None:
        total = np.where(allowed, total, 0.0)
    k = min(n, int((total > 0).sum()))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    best = np.argpartition(-total, k - 1)[:k]
    return best[np.argsort(-total[best], kind="stable")]
