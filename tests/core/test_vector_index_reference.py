"""NumPy reference for VectorIndex.search, shared by the vector-index tests,
plus tests that pin the reference's own conventions (order, padding)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from pyrec.core import available_simd_levels, force_simd_level, simd_level

LEVELS = available_simd_levels()


@contextmanager
def forced_level(level: str) -> Iterator[None]:
    """Run the body with one SIMD level; always restore detection after."""
    force_simd_level(level)
    try:
        yield
    finally:
        force_simd_level(None)


def normalized(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (norm in float64, like the core); zero rows stay zero."""
    x64 = np.asarray(x, dtype=np.float64)
    norms = np.sqrt((x64 * x64).sum(axis=-1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(norms > 0, x64 / norms, 0.0)
    return out.astype(np.float32)


def candidate_mask(ids: np.ndarray, exclude: np.ndarray | None, allow: np.ndarray | None) -> np.ndarray:
    mask = np.ones(len(ids), dtype=bool)
    if allow is not None:
        mask &= np.isin(ids, allow)
    if exclude is not None:
        mask &= ~np.isin(ids, exclude)
    return mask


def reference_scores(stored: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """All scores [m, n] in float64 (exact for small-integer data)."""
    return np.atleast_2d(np.asarray(queries, np.float64)) @ np.asarray(stored, np.float64).T


def reference_topk(
    stored: np.ndarray,
    ids: np.ndarray,
    queries: np.ndarray,
    k: int,
    exclude: np.ndarray | None = None,
    allow: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k ([m, k] ids and float64 scores): score descending, ties to the
    smaller id, padded with -1 / -inf."""
    scores = reference_scores(stored, queries)
    mask = candidate_mask(ids, exclude, allow)
    m = scores.shape[0]
    out_ids = np.full((m, k), -1, dtype=np.int64)
    out_scores = np.full((m, k), -np.inf)
    cand_ids = ids[mask]
    for q in range(m):
        s = scores[q, mask]
        order = np.lexsort((cand_ids, -s))[:k]
        out_ids[q, : len(order)] = cand_ids[order]
        out_scores[q, : len(order)] = s[order]
    return out_ids, out_scores


def assert_valid_topk(
    got_ids: np.ndarray,
    got_scores: np.ndarray,
    stored: np.ndarray,
    ids: np.ndarray,
    queries: np.ndarray,
    k: int,
    tol: float,
    exclude: np.ndarray | None = None,
    allow: np.ndarray | None = None,
) -> None:
    """For float data, where summation order moves scores by rounding: each
    returned score is within tol of the reference score of its id, results are
    ordered, and no candidate left out beats the worst one kept by more than tol."""
    scores = reference_scores(stored, queries)
    mask = candidate_mask(ids, exclude, allow)
    row_of = {int(i): r for r, i in enumerate(ids)}
    got_ids, got_scores = np.atleast_2d(got_ids), np.atleast_2d(got_scores)
    n_valid = min(k, int(mask.sum()))
    for q in range(scores.shape[0]):
        gi, gs = got_ids[q], got_scores[q]
        assert np.all(gi[n_valid:] == -1) and np.all(np.isneginf(gs[n_valid:]))
        kept = gi[:n_valid]
        assert len(set(kept.tolist())) == n_valid
        rows = np.array([row_of[int(i)] for i in kept], dtype=np.int64)
        assert mask[rows].all(), "returned an excluded or disallowed id"
        np.testing.assert_allclose(gs[:n_valid], scores[q, rows], rtol=0, atol=tol)
        # Descending, ties broken by the smaller id.
        for a in range(n_valid - 1):
            assert gs[a] > gs[a + 1] or (gs[a] == gs[a + 1] and kept[a] < kept[a + 1])
        if n_valid:
            left_out = mask.copy()
            left_out[rows] = False
            if left_out.any():
                assert scores[q, left_out].max() <= scores[q, rows].min() + tol


# -- the reference's own conventions -----------------------------------------


def test_reference_orders_by_score_then_smaller_id_and_pads() -> None:
    stored = np.array([[1.0], [3.0], [3.0], [2.0]])
    ids = np.array([40, 30, 10, 20])
    got_ids, got_scores = reference_topk(stored, ids, np.array([[1.0]]), k=6, exclude=np.array([20]))
    assert got_ids.tolist() == [[10, 30, 40, -1, -1, -1]]
    assert got_scores[0, :3].tolist() == [3.0, 3.0, 1.0]
    assert np.isneginf(got_scores[0, 3:]).all()


def test_valid_topk_check_rejects_a_wrong_answer() -> None:
    stored = np.array([[1.0], [2.0], [3.0]])
    ids = np.array([1, 2, 3])
    q = np.array([[1.0]])
    assert_valid_topk(np.array([3, 2]), np.array([3.0, 2.0]), stored, ids, q, k=2, tol=1e-6)
    with pytest.raises(AssertionError):
        assert_valid_topk(np.array([3, 1]), np.array([3.0, 1.0]), stored, ids, q, k=2, tol=1e-6)


def test_forced_level_restores_detection() -> None:
    detected = simd_level()
    with forced_level("scalar"):
        assert simd_level() == "scalar"
    assert simd_level() == detected
