"""Weighted spherical k-means for a few dozen to a few hundred unit vectors:
a profile's interests. Deterministic for a given seed."""

from __future__ import annotations

import numpy as np

from pyrec.recommend.arrays import normalise_rows, small_matmul_t


def kmeans(
    x: np.ndarray, k: int, weights: np.ndarray | None = None, *, iterations: int = 10, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster unit rows of x by cosine. Returns (unit centroids [k', d],
    assignment [n]); k' <= k when there are fewer distinct points."""
    n = x.shape[0]
    if n == 0:
        return np.zeros((0, x.shape[1]), np.float32), np.zeros(0, np.int64)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    w = np.maximum(w, 1e-12)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    # k-means++ seeding on cosine distance, weighted by confidence.
    first = int(np.argmax(w))  # the strongest item seeds the first interest
    centres = [first]
    dist = np.maximum(1.0 - x @ x[first], 0.0)
    for _ in range(1, k):
        p = dist * w
        total = p.sum()
        if total <= 1e-9:
            break
        nxt = int(rng.choice(n, p=p / total))
        centres.append(nxt)
        dist = np.minimum(dist, np.maximum(1.0 - x @ x[nxt], 0.0))
    c = x[centres].astype(np.float32)
    assign = np.zeros(n, dtype=np.int64)
    for it in range(iterations):
        new_assign = np.argmax(small_matmul_t(x, c), axis=1)
        if it and np.array_equal(new_assign, assign):
            break
        assign = new_assign
        onehot = np.zeros((c.shape[0], n), dtype=np.float32)
        onehot[assign, np.arange(n)] = w
        sums = np.einsum("kn,nd->kd", onehot, x)
        empty = ~np.any(sums, axis=1)
        c = normalise_rows(np.where(empty[:, None], c, sums))
    keep = np.unique(assign)
    remap = np.full(c.shape[0], -1, dtype=np.int64)
    remap[keep] = np.arange(keep.size)
    return c[keep], remap[assign]
