"""f16 and i8 storage: exact encodings, closeness to f32 and recall@10."""

from __future__ import annotations

import numpy as np
import pytest

from pyrec.core import VectorIndex

from .test_vector_index_reference import LEVELS, assert_valid_topk, forced_level, normalized


def random_unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    return normalized(rng.standard_normal((n, dim)).astype(np.float32))


def clustered_unit(rng: np.random.Generator, n: int, dim: int, centres: int = 50) -> np.ndarray:
    """Embedding-like: each vector mixes three of a few shared centres, plus noise."""
    c = rng.standard_normal((centres, dim)).astype(np.float32)
    pick = rng.integers(0, centres, size=(n, 3))
    weights = rng.random((n, 3)).astype(np.float32)
    x = (c[pick] * weights[..., None]).sum(axis=1) + 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
    return normalized(x)


def recall_at_k(got: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(g) & set(t)) / len(t) for g, t in zip(got.tolist(), truth.tolist())]))


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = queries @ vectors.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def test_f16_storage_is_numpy_half_rounding_at_every_level() -> None:
    rng = np.random.default_rng(0)
    # Normal, subnormal, halfway-rounding and near-limit values.
    vectors = np.concatenate(
        [
            rng.standard_normal((20, 37)).astype(np.float32) * 1000,
            rng.standard_normal((20, 37)).astype(np.float32) * 1e-6,
            (np.arange(20 * 37, dtype=np.float32).reshape(20, 37) + 0.5) * np.float32(2.0**-10),
            np.full((1, 37), 65504.0, np.float32),
            np.full((1, 37), 65519.0, np.float32),  # rounds down to 65504
        ]
    )
    want = vectors.astype(np.float16).astype(np.float32)
    for level in LEVELS:
        with forced_level(level):
            index = VectorIndex(37, metric="dot", dtype="f16")
            index.add(np.arange(len(vectors)), vectors)
            np.testing.assert_array_equal(index.get(np.arange(len(vectors))), want, err_msg=level)


def test_f16_rejects_values_beyond_half_range() -> None:
    index = VectorIndex(2, metric="dot", dtype="f16")
    with pytest.raises(ValueError, match="f16 range"):
        index.add([1], [[1.0, 70000.0]])
    assert len(index) == 0


@pytest.mark.parametrize("metric", ["cosine", "dot"])
def test_f16_scores_are_close_to_f32(metric: str) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((3000, 129)).astype(np.float32)
    queries = rng.standard_normal((20, 129)).astype(np.float32)
    ids = np.arange(3000, dtype=np.int64)
    index = VectorIndex(129, metric=metric, dtype="f16")
    index.add(ids, vectors)
    stored = normalized(vectors) if metric == "cosine" else vectors
    q = normalized(queries) if metric == "cosine" else queries
    # Relative error of half precision is 2^-11 per element.
    tol = 2e-3 if metric == "cosine" else 2e-3 * np.sqrt(129) * 4
    for level in LEVELS:
        with forced_level(level):
            got = index.search(queries, 10)
        assert_valid_topk(*got, stored, ids, q, 10, tol)


@pytest.mark.parametrize("kind", ["random", "clustered"])
def test_i8_recall_at_10_is_at_least_099(kind: str) -> None:
    rng = np.random.default_rng(2)
    make = random_unit if kind == "random" else clustered_unit
    vectors = make(rng, 30_000, 256)
    queries = make(rng, 200, 256)
    index = VectorIndex(256, metric="cosine", dtype="i8")
    index.add(np.arange(len(vectors)), vectors)
    truth = exact_top(vectors, queries, 10)
    results = {}
    for level in LEVELS:
        with forced_level(level):
            results[level] = index.search(queries, 10)
    recall = recall_at_k(results[LEVELS[0]][0], truth)
    assert recall >= 0.99, f"{kind}: recall@10 {recall:.4f}"
    # Integer scan + scalar re-ranking: identical at every level.
    for level, (ids, scores) in results.items():
        np.testing.assert_array_equal(ids, results[LEVELS[0]][0], err_msg=level)
        np.testing.assert_array_equal(scores, results[LEVELS[0]][1], err_msg=level)


def test_i8_scores_are_close_to_exact_scores() -> None:
    rng = np.random.default_rng(3)
    vectors = random_unit(rng, 2000, 96)
    queries = random_unit(rng, 10, 96)
    index = VectorIndex(96, dtype="i8")
    index.add(np.arange(2000), vectors)
    ids, scores = index.search(queries, 10)
    exact = np.take_along_axis(queries @ vectors.T, ids, axis=1)
    np.testing.assert_allclose(scores, exact, rtol=0, atol=2e-3)


def test_i8_dequantised_vectors_are_within_a_sixteenth_step() -> None:
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((300, 51)).astype(np.float32) * rng.uniform(0.01, 100, size=(300, 1)).astype(
        np.float32
    )
    index = VectorIndex(51, metric="dot", dtype="i8")
    index.add(np.arange(300), vectors)
    got = index.get(np.arange(300))
    step = np.abs(vectors).max(axis=1, keepdims=True) / 127  # int8 code step
    assert (np.abs(got - vectors) <= step / 16 * 1.0001).all()
    # Plain int8 rounding errs by step / 4 on average; the residual by step / 64.
    assert np.abs(got - vectors).mean() < (step / 32).mean()


@pytest.mark.parametrize("dtype", ["f16", "i8"])
def test_zero_vectors_score_zero_in_quantised_storage(dtype: str) -> None:
    index = VectorIndex(5, dtype=dtype)
    index.add([3, 1, 2], [[0, 0, 0, 0, 0], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0]])
    ids, scores = index.search([-1, -2, -3, -4, -5], 3)
    assert ids.tolist() == [2, 3, 1]
    assert scores[:2].tolist() == [0.0, 0.0] and scores[2] == pytest.approx(-1.0, abs=1e-3)
    ids, scores = index.search([0, 0, 0, 0, 0], 3)
    assert ids.tolist() == [1, 2, 3] and scores.tolist() == [0.0, 0.0, 0.0]
