"""VectorIndex contents, argument checking, input conversion and threads."""

from __future__ import annotations

import threading
import time
import tracemalloc

import numpy as np
import pytest

from pyrec.core import VectorIndex

from .test_vector_index_reference import forced_level, reference_topk


def filled(dtype: str = "f32", metric: str = "dot", n: int = 10, dim: int = 6) -> tuple[VectorIndex, np.ndarray]:
    vectors = np.arange(n * dim, dtype=np.float32).reshape(n, dim) % 7 - 3
    index = VectorIndex(dim, metric=metric, dtype=dtype)
    index.add(np.arange(n) * 10, vectors)
    return index, vectors


# -- construction ------------------------------------------------------------


def test_properties_describe_the_index() -> None:
    index = VectorIndex(12, metric="dot", dtype="f16", num_threads=3)
    assert (index.dim, index.metric, index.dtype, index.num_threads, len(index)) == (12, "dot", "f16", 3, 0)
    index.num_threads = 1
    assert index.num_threads == 1
    assert "dim=12" in repr(index)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"dim": 0}, ValueError),
        ({"dim": -3}, ValueError),
        ({"dim": 70_000}, ValueError),
        ({"dim": 4.0}, TypeError),
        ({"dim": True}, TypeError),
        ({"dim": 4, "metric": "l2"}, ValueError),
        ({"dim": 4, "dtype": "f64"}, ValueError),
        ({"dim": 4, "num_threads": -1}, ValueError),
    ],
)
def test_bad_constructor_arguments_raise(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        VectorIndex(**kwargs)


# -- add / replace / remove ------------------------------------------------


def test_readding_an_id_replaces_its_vector() -> None:
    index, vectors = filled()
    index.add([30, 999], [[9, 9, 9, 9, 9, 9], [1, 0, 0, 0, 0, 0]])
    assert len(index) == 11
    np.testing.assert_array_equal(index.get([30]), [[9] * 6])
    np.testing.assert_array_equal(index.get([20, 999]), [vectors[2], [1, 0, 0, 0, 0, 0]])
    ids, scores = index.search(np.ones(6), 1)
    assert ids.tolist() == [30] and scores.tolist() == [54.0]


@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_remove_keeps_every_other_vector_and_search_correct(dtype: str) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.integers(-3, 4, size=(50, 9)).astype(np.float32)
    ids = np.arange(50, dtype=np.int64) * 2 + 1
    index = VectorIndex(9, metric="dot", dtype=dtype)
    index.add(ids, vectors)
    before = {int(i): v for i, v in zip(ids, index.get(ids))}
    gone = np.array([1, 99, 51, 7])  # first, last, middle rows
    index.remove(gone)
    keep = ~np.isin(ids, gone)
    assert len(index) == 46
    assert sorted(index.ids().tolist()) == ids[keep].tolist()
    assert all(int(i) not in index for i in gone) and 3 in index
    for i in ids[keep]:
        np.testing.assert_array_equal(index.get([i])[0], before[int(i)])
    if dtype == "f32":
        query = rng.integers(-3, 4, size=9).astype(np.float32)
        want_ids, want_scores = reference_topk(vectors[keep], ids[keep], query[None], 60)
        got_ids, got_scores = index.search(query, 60)
        np.testing.assert_array_equal(got_ids, want_ids[0])
        np.testing.assert_array_equal(got_scores, want_scores[0].astype(np.float32))


def test_remove_unknown_id_raises_keyerror_and_removes_nothing() -> None:
    index, _ = filled()
    with pytest.raises(KeyError) as err:
        index.remove([10, 20, 12345])
    assert err.value.args == (12345,)
    assert len(index) == 10 and 10 in index and 20 in index


def test_duplicate_ids_in_one_call_raise_and_change_nothing() -> None:
    index, vectors = filled()
    with pytest.raises(ValueError, match="duplicate id 77"):
        index.add([5, 77, 77], np.zeros((3, 6)))
    with pytest.raises(ValueError, match="duplicate id 10"):
        index.remove([10, 10])
    assert len(index) == 10 and 5 not in index
    np.testing.assert_array_equal(index.get([10]), vectors[1:2])


@pytest.mark.parametrize(
    "ids, vectors, error, match",
    [
        ([1, 2], np.zeros((2, 5)), ValueError, "shape"),  # wrong dim
        ([1, 2], np.zeros(6), ValueError, "shape"),  # 1-D vectors
        ([1, 2, 3], np.zeros((2, 6)), ValueError, "3 ids but 2 vectors"),
        ([-1], np.zeros((1, 6)), ValueError, ">= 0"),
        ([1, 2], [[0.0] * 6, [np.nan] + [0.0] * 5], ValueError, "NaN or infinity"),
        ([1], [[np.inf] * 6], ValueError, "NaN or infinity"),
        ([1], [[1e300] * 6], ValueError, "NaN or infinity"),  # float64 beyond float32
        ([1], np.array([["a"] * 6]), TypeError, "real numbers"),
        ([1], np.zeros((1, 6), dtype=complex), TypeError, "real numbers"),
        ([1.5], np.zeros((1, 6)), TypeError, "integers"),
        ([[1]], np.zeros((1, 6)), ValueError, "1-D"),
    ],
)
def test_bad_add_arguments_raise_and_add_nothing(ids: object, vectors: object, error: type, match: str) -> None:
    index, _ = filled()
    with pytest.raises(error, match=match):
        index.add(ids, vectors)
    assert len(index) == 10 and 1 not in index and 2 not in index


def test_get_unknown_id_raises_keyerror() -> None:
    index, _ = filled()
    with pytest.raises(KeyError):
        index.get([10, 11])


def test_contains_accepts_only_integers() -> None:
    index, _ = filled()
    assert 10 in index and np.int32(20) in index
    assert 11 not in index and "10" not in index and 10.0 not in index and 2**70 not in index


def test_other_dtypes_and_layouts_are_converted() -> None:
    rng = np.random.default_rng(1)
    base = rng.standard_normal((8, 12))  # float64
    as_f32 = VectorIndex(6, metric="dot")
    as_f32.add(np.arange(8, dtype=np.uint16), np.ascontiguousarray(base[:, ::2], dtype=np.float32))
    strided = VectorIndex(6, metric="dot")
    strided.add(list(range(8)), base[:, ::2])  # float64, non-contiguous
    np.testing.assert_array_equal(strided.get(np.arange(8)), as_f32.get(np.arange(8)))
    ints = VectorIndex(6, metric="dot")
    ints.add(np.arange(8), np.arange(48, dtype=np.int16).reshape(8, 6))
    np.testing.assert_array_equal(ints.get([7]), [np.arange(42, 48, dtype=np.float32)])
    q = base[0, ::2]
    np.testing.assert_array_equal(strided.search(q, 3)[0], as_f32.search(q.astype(np.float32), 3)[0])


def test_float32_queries_reach_the_core_without_a_copy() -> None:
    index, _ = filled(dim=256, n=4)
    queries = np.ones((4096, 256), dtype=np.float32)  # 4 MiB
    index.search(queries[:1], 1)  # warm up lazy allocations
    tracemalloc.start()
    try:
        index.search(queries, 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < queries.nbytes // 4, f"search allocated {peak} bytes of numpy memory"


# -- search arguments ----------------------------------------------------------


@pytest.mark.parametrize(
    "query, k, error",
    [
        (np.ones(5), 3, ValueError),  # wrong dim
        (np.ones((2, 7)), 3, ValueError),
        (np.ones((1, 2, 6)), 3, ValueError),
        (np.ones(6), 0, ValueError),
        (np.ones(6), -2, ValueError),
        (np.ones(6), 2.0, TypeError),
        (np.full(6, np.nan), 2, ValueError),
        (np.array(["x"] * 6), 2, TypeError),
    ],
)
def test_bad_search_arguments_raise(query: np.ndarray, k: object, error: type) -> None:
    index, _ = filled()
    with pytest.raises(error):
        index.search(query, k)


def test_filters_ignore_unknown_ids_and_accept_sets_and_lists() -> None:
    index, _ = filled()
    q = np.ones(6)
    ids, _ = index.search(q, 10, exclude={10, 20, 123456}, allow=[10, 20, 30, 40, -5, 2**63 - 1])
    assert sorted(ids[:2].tolist()) == [30, 40] and ids[2:].tolist() == [-1] * 8
    ids, scores = index.search(q, 3, allow=[])
    assert ids.tolist() == [-1, -1, -1] and np.isneginf(scores).all()
    ids, _ = index.search(q, 3, exclude=np.array([], dtype=np.int64))
    assert (ids >= 0).all()


def test_empty_index_and_empty_batch() -> None:
    index = VectorIndex(4)
    ids, scores = index.search(np.ones(4), 3)
    assert ids.tolist() == [-1, -1, -1] and np.isneginf(scores).all()
    ids, scores = index.search(np.ones((0, 4)), 3)
    assert ids.shape == scores.shape == (0, 3)


@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_cosine_zero_vectors_give_zero_scores_not_nan(dtype: str) -> None:
    index = VectorIndex(3, metric="cosine", dtype=dtype)
    index.add([5, 6], [[0, 0, 0], [0, 3, 4]])
    np.testing.assert_array_equal(index.get([5]), [[0, 0, 0]])
    ids, scores = index.search([0, 1, 0], 2)
    assert ids.tolist() == [6, 5]
    np.testing.assert_allclose(scores, [0.6, 0.0], atol=2e-3)
    ids, scores = index.search([0, 0, 0], 2)
    assert ids.tolist() == [5, 6] and scores.tolist() == [0.0, 0.0]


# -- threads -----------------------------------------------------------------


def test_search_releases_the_gil() -> None:
    """While a long search runs in one thread, Python keeps running in another."""
    rng = np.random.default_rng(2)
    index = VectorIndex(64, metric="dot", num_threads=1)
    index.add(np.arange(20_000), rng.standard_normal((20_000, 64)).astype(np.float32))
    queries = rng.standard_normal((400, 64)).astype(np.float32)
    with forced_level("scalar"):  # slowest path: a long native call
        start = time.perf_counter()
        index.search(queries, 5)
        duration = time.perf_counter() - start
        worker = threading.Thread(target=index.search, args=(queries, 5))
        worker.start()
        last = time.perf_counter()
        longest_gap = 0.0
        while worker.is_alive():
            now = time.perf_counter()
            longest_gap = max(longest_gap, now - last)
            last = now
        worker.join()
    assert duration > 0.1, "search too fast for this test to mean anything"
    assert longest_gap < duration / 2, f"main thread stalled {longest_gap:.3f}s of a {duration:.3f}s search"


def test_concurrent_searches_and_updates_stay_consistent() -> None:
    rng = np.random.default_rng(3)
    dim = 32
    fixed = rng.standard_normal((2000, dim)).astype(np.float32)
    index = VectorIndex(dim, metric="dot", num_threads=2)
    index.add(np.arange(2000), fixed)
    errors: list[BaseException] = []

    def churn(offset: int) -> None:
        try:
            for step in range(40):
                ids = np.arange(100) + 10_000 * (offset + 1) + step * 100
                index.add(ids, rng.standard_normal((100, dim)).astype(np.float32) * 0.01)
                index.remove(ids)
        except BaseException as e:  # noqa: BLE001 - surfaced by the assert below
            errors.append(e)

    def query() -> None:
        try:
            q = fixed[:8] * 10  # the fixed rows always win against tiny churn vectors
            for _ in range(40):
                ids, _ = index.search(q, 1)
                assert ids[:, 0].tolist() == list(range(8))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(2)]
    threads += [threading.Thread(target=query) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(index) == 2000
