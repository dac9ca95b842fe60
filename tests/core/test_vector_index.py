"""VectorIndex.search equals a NumPy reference, at every SIMD level.

Small-integer vectors make every dot product exact in float32 whatever the
summation order, so f32 and f16 ("dot" metric) results must match the
reference bit for bit, ties and padding included. Float data (cosine) is
checked with a tolerance that only absorbs rounding.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrec.core import VectorIndex

from .test_vector_index_reference import LEVELS, assert_valid_topk, forced_level, normalized, reference_topk

DIMS = [1, 2, 3, 7, 16, 17, 31, 64, 65, 257, 512]


@st.composite
def integer_case(draw: st.DrawFn) -> dict:
    """Random small-integer index + queries, with duplicate rows and filters."""
    n = draw(st.integers(0, 70))
    dim = draw(st.sampled_from(DIMS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    span = draw(st.sampled_from([1, 3, 8]))  # small spans force many exact ties
    vectors = rng.integers(-span, span + 1, size=(n, dim)).astype(np.float32)
    if n > 1 and draw(st.booleans()):
        dup = rng.integers(0, n, size=n // 2)
        vectors[rng.integers(0, n, size=n // 2)] = vectors[dup]
    ids = rng.choice(10 * n + 10, size=n, replace=False).astype(np.int64)
    m = draw(st.integers(1, 5))
    queries = rng.integers(-span, span + 1, size=(m, dim)).astype(np.float32)
    k = draw(st.integers(1, n + 5))
    unknown = np.array([10 * n + 11, 10 * n + 12], dtype=np.int64)  # never stored
    exclude = allow = None
    if draw(st.booleans()):
        exclude = np.concatenate([rng.choice(ids, size=rng.integers(0, n + 1), replace=False), unknown]) if n else unknown
    if draw(st.booleans()):
        allow = np.concatenate([rng.choice(ids, size=rng.integers(0, n + 1), replace=False), unknown]) if n else unknown
    return {"ids": ids, "vectors": vectors, "queries": queries, "k": k, "exclude": exclude, "allow": allow}


@pytest.mark.parametrize("dtype", ["f32", "f16"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=integer_case())
def test_integer_data_matches_reference_exactly_at_every_level(dtype: str, case: dict) -> None:
    index = VectorIndex(case["vectors"].shape[1], metric="dot", dtype=dtype)
    index.add(case["ids"], case["vectors"])
    want_ids, want_scores = reference_topk(
        case["vectors"], case["ids"], case["queries"], case["k"], case["exclude"], case["allow"]
    )
    for level in LEVELS:
        with forced_level(level):
            got_ids, got_scores = index.search(case["queries"], case["k"], exclude=case["exclude"], allow=case["allow"])
        np.testing.assert_array_equal(got_ids, want_ids, err_msg=level)
        np.testing.assert_array_equal(got_scores, want_scores.astype(np.float32), err_msg=level)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=integer_case())
def test_i8_is_identical_at_every_level_and_within_quantisation_error(case: dict) -> None:
    """The int8 scan is exact integer arithmetic and the re-ranking is scalar,
    so every level must agree bit for bit; against the dequantised vectors the
    scores are exact and the ranking can only be off by the scan's error."""
    vectors, queries, k = case["vectors"], case["queries"], case["k"]
    index = VectorIndex(vectors.shape[1], metric="dot", dtype="i8")
    index.add(case["ids"], vectors)
    stored = index.get(case["ids"])
    results = {}
    for level in LEVELS:
        with forced_level(level):
            results[level] = index.search(queries, k, exclude=case["exclude"], allow=case["allow"])
    got_ids, got_scores = results[LEVELS[0]]
    for level, (ids, scores) in results.items():
        np.testing.assert_array_equal(ids, got_ids, err_msg=level)
        np.testing.assert_array_equal(scores, got_scores, err_msg=level)
    # |int8 scan score - exact score| <= sqrt(dim)/254 * (max|q| |x| + max|x| |q|)
    # (half a code step per element, Cauchy-Schwarz); a row left out of the
    # scan's candidates can beat a returned one by at most twice that.
    dim = vectors.shape[1]
    norms = np.linalg.norm(stored, axis=1).max(initial=0.0)
    peak = np.abs(stored).max(initial=0.0)
    q_norms, q_peak = np.linalg.norm(queries, axis=1), np.abs(queries).max(axis=1)
    scan_error = np.sqrt(dim) / 254 * (q_peak * norms + peak * q_norms).max() * 1.01
    assert_valid_topk(got_ids, got_scores, stored, case["ids"], queries, k, 2 * scan_error + 1e-3,
                      case["exclude"], case["allow"])
    row_of = {int(i): r for r, i in enumerate(case["ids"])}
    for q in range(len(queries)):
        valid = got_ids[q] >= 0
        rows = [row_of[int(i)] for i in got_ids[q][valid]]
        exact = stored[rows].astype(np.float64) @ queries[q].astype(np.float64)
        # get() rounds each dequantised value to float32; the core scores in double.
        magnitude = np.abs(stored[rows]).astype(np.float64) @ np.abs(queries[q]).astype(np.float64)
        assert (np.abs(got_scores[q][valid] - exact) <= 1e-6 * magnitude + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 80),
    dim=st.sampled_from(DIMS),
    k=st.integers(1, 90),
    seed=st.integers(0, 2**32 - 1),
)
def test_cosine_float_data_matches_reference_at_every_level(n: int, dim: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    queries = rng.standard_normal((3, dim)).astype(np.float32)
    ids = rng.permutation(n).astype(np.int64) * 3
    index = VectorIndex(dim, metric="cosine", dtype="f32")
    index.add(ids, vectors)
    stored = normalized(vectors)
    np.testing.assert_allclose(index.get(ids), stored, rtol=0, atol=1e-7)
    results = {}
    for level in LEVELS:
        with forced_level(level):
            results[level] = index.search(queries, k)
        assert_valid_topk(*results[level], stored, ids, normalized(queries), k, tol=1e-5)
    # Levels differ only in float rounding.
    base_scores = results[LEVELS[0]][1]
    for level, (_, got_scores) in results.items():
        np.testing.assert_allclose(got_scores, base_scores, rtol=0, atol=1e-5, err_msg=level)


def test_duplicate_vectors_tie_and_order_by_id_at_every_level() -> None:
    rng = np.random.default_rng(7)
    base = rng.standard_normal((4, 257)).astype(np.float32)
    vectors = np.repeat(base, 25, axis=0)  # 25 copies of each: exact ties
    ids = rng.permutation(100).astype(np.int64) + 1000
    index = VectorIndex(257, metric="cosine")
    index.add(ids, vectors)
    query = base[2] + 0.01 * rng.standard_normal(257).astype(np.float32)
    for level in LEVELS:
        with forced_level(level):
            got_ids, got_scores = index.search(query, 30)
        twins = np.sort(ids[np.repeat(np.arange(4), 25) == 2])
        assert got_ids[:25].tolist() == twins.tolist(), level
        assert len(set(got_scores[:25].tolist())) == 1, level
        assert got_scores[25] < got_scores[24]


@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_single_query_equals_the_matching_batch_row(dtype: str) -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((500, 48)).astype(np.float32)
    queries = rng.standard_normal((7, 48)).astype(np.float32)
    index = VectorIndex(48, dtype=dtype)
    index.add(np.arange(500), vectors)
    batch_ids, batch_scores = index.search(queries, 12)
    assert batch_ids.shape == batch_scores.shape == (7, 12)
    for q in range(7):
        ids, scores = index.search(queries[q], 12)
        assert ids.shape == scores.shape == (12,)
        np.testing.assert_array_equal(ids, batch_ids[q])
        np.testing.assert_array_equal(scores, batch_scores[q])


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
@pytest.mark.parametrize("dim", [5, 16, 48, 130])
def test_batch_rows_equal_single_queries_bit_for_bit_at_every_level(level: str, dtype: str, dim: int) -> None:
    """Batch search tiles queries (a few queries stream rows against four at
    a time, larger batches use 4 x 4 register tiles, 32-query blocks); every
    (query, row) pair must still score exactly as it does alone. Float data
    and odd sizes: any change in summation order or a tail mix-up shows."""
    rng = np.random.default_rng(dim)
    n = 2_003  # not a multiple of any tile, several scan blocks
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    queries = rng.standard_normal((70, dim)).astype(np.float32)
    ids = rng.permutation(n).astype(np.int64)
    exclude = ids[:40]
    allow = rng.choice(ids, 300, replace=False)  # gather scan
    index = VectorIndex(dim, metric="cosine", dtype=dtype, num_threads=2)
    index.add(ids, vectors)
    with forced_level(level):
        singles = [index.search(q, 15, exclude=exclude) for q in queries]
        singles_allowed = [index.search(q, 15, exclude=exclude, allow=allow) for q in queries[:9]]
        for m in (2, 3, 4, 5, 7, 8, 9, 13, 33, 70):
            got_ids, got_scores = index.search(queries[:m], 15, exclude=exclude)
            for q in range(m):
                np.testing.assert_array_equal(got_ids[q], singles[q][0], err_msg=f"{level} m={m} q={q}")
                np.testing.assert_array_equal(got_scores[q], singles[q][1], err_msg=f"{level} m={m} q={q}")
        got_ids, got_scores = index.search(queries[:9], 15, exclude=exclude, allow=allow)
        for q in range(9):
            np.testing.assert_array_equal(got_ids[q], singles_allowed[q][0], err_msg=f"{level} allow q={q}")
            np.testing.assert_array_equal(got_scores[q], singles_allowed[q][1], err_msg=f"{level} allow q={q}")


@pytest.mark.parametrize("n, m", [(12_000, 9), (12_000, 60), (1_500, 60)])
@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_threaded_scan_and_filters_match_reference(dtype: str, n: int, m: int) -> None:
    """Sizes that make two threads split the rows (many rows), the queries
    (few rows, many queries) or both; allow lists of both sizes exercise the
    gather scan (few allowed) and the masked scan (most allowed)."""
    rng = np.random.default_rng(3)
    dim = 40
    vectors = rng.integers(-3, 4, size=(n, dim)).astype(np.float32)
    queries = rng.integers(-3, 4, size=(m, dim)).astype(np.float32)
    ids = rng.permutation(n).astype(np.int64) + 5
    exclude = rng.choice(ids, n // 4, replace=False)
    few = rng.choice(ids, n // 30, replace=False)
    most = rng.choice(ids, n * 5 // 6, replace=False)
    one = VectorIndex(dim, metric="dot", dtype=dtype, num_threads=1)
    two = VectorIndex(dim, metric="dot", dtype=dtype, num_threads=2)
    for index in (one, two):
        index.add(ids, vectors)
    for allow in (None, few, most):
        got_one = one.search(queries, 25, exclude=exclude, allow=allow)
        got_two = two.search(queries, 25, exclude=exclude, allow=allow)
        np.testing.assert_array_equal(got_one[0], got_two[0])
        np.testing.assert_array_equal(got_one[1], got_two[1])
        if dtype != "i8":  # integer data is exact in f32 and f16
            want_ids, want_scores = reference_topk(vectors, ids, queries, 25, exclude, allow)
            np.testing.assert_array_equal(got_two[0], want_ids)
            np.testing.assert_array_equal(got_two[1], want_scores.astype(np.float32))
        else:
            # Exact scores are integers; i8 moves them by < 0.1 here, so no
            # left-out row may beat a returned one by a whole point.
            assert_valid_topk(*got_two, vectors, ids, queries, 25, 0.5, exclude, allow)


@pytest.mark.parametrize("level", LEVELS)
def test_large_k_returns_every_candidate_in_order(level: str) -> None:
    rng = np.random.default_rng(5)
    vectors = rng.integers(-2, 3, size=(3000, 17)).astype(np.float32)
    ids = np.arange(3000, dtype=np.int64) * 7
    index = VectorIndex(17, metric="dot")
    index.add(ids, vectors)
    query = rng.integers(-2, 3, size=17).astype(np.float32)
    with forced_level(level):
        got_ids, got_scores = index.search(query, 3100, exclude=ids[:50])
    want_ids, want_scores = reference_topk(vectors, ids, query[None], 3100, exclude=ids[:50])
    np.testing.assert_array_equal(got_ids, want_ids[0])
    np.testing.assert_array_equal(got_scores, want_scores[0].astype(np.float32))
    assert (got_ids[2950:] == -1).all()
