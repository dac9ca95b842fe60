"""The native ALS kernels (pyrec._core.als_*) against NumPy float64 references,
on every SIMD level this CPU runs, plus the core's input validation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from pyrec import _core

LEVELS = _core.available_simd_levels()
# Factor counts that hit masked tails, the register-resident kernels and the generic >128 path.
WIDTHS = [1, 7, 16, 33, 100, 130]


@pytest.fixture(params=LEVELS)
def simd(request: pytest.FixtureRequest) -> Iterator[str]:
    _core.force_simd_level(request.param)
    try:
        yield request.param
    finally:
        _core.force_simd_level("")


def random_csr(rows: int, cols: int, density: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical CSR arrays with values in [0.5, 5) and some empty rows."""
    rng = np.random.default_rng(seed)
    mask = rng.random((rows, cols)) < density
    mask[::7] = False  # every 7th row empty
    indptr = np.concatenate([[0], np.cumsum(mask.sum(1))]).astype(np.int64)
    indices = np.nonzero(mask)[1].astype(np.int32)
    data = rng.uniform(0.5, 5.0, size=indices.size).astype(np.float32)
    return indptr, indices, data


def dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, cols: int) -> np.ndarray:
    out = np.zeros((len(indptr) - 1, cols))
    for r in range(len(indptr) - 1):
        out[r, indices[indptr[r] : indptr[r + 1]]] = data[indptr[r] : indptr[r + 1]]
    return out


def exact_reference(values: np.ndarray, Y: np.ndarray, reg: float, alpha: float) -> np.ndarray:
    """Hu et al. normal equations solved densely in float64."""
    Y = Y.astype(np.float64)
    out = np.zeros((values.shape[0], Y.shape[1]))
    for u, row in enumerate(values):
        if not row.any():
            continue
        c = np.where(row > 0, alpha * row, 1.0)
        p = (row > 0).astype(np.float64)
        A = (Y.T * c) @ Y + reg * np.eye(Y.shape[1])
        out[u] = np.linalg.solve(A, (Y.T * c) @ p)
    return out


def normal_matvec(G: np.ndarray, Yu: np.ndarray, c: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(YᵀY + reg I + Yᵤᵀ(Cᵤ - I)Yᵤ) v, with G = YᵀY + reg I."""
    return G @ v + Yu.T @ ((c - 1) * (Yu @ v))


def cg_reference(values: np.ndarray, X0: np.ndarray, Y: np.ndarray, reg: float, alpha: float, steps: int) -> np.ndarray:
    """implicit's CG update (Takács et al.) with identical stopping rules, in float64."""
    Y = Y.astype(np.float64)
    G = Y.T @ Y + reg * np.eye(Y.shape[1])
    X = X0.astype(np.float64).copy()
    for u, row in enumerate(values):
        if not row.any():
            X[u] = 0
            continue
        items = np.flatnonzero(row)
        c = alpha * row[items]
        Yu = Y[items]
        x = X[u]
        r = Yu.T @ c - normal_matvec(G, Yu, c, x)
        p = r.copy()
        rsold = r @ r
        if rsold < 1e-20:
            continue
        for _ in range(steps):
            ap = normal_matvec(G, Yu, c, p)
            step = rsold / (p @ ap)
            x = x + step * p
            r = r - step * ap
            rsnew = r @ r
            if rsnew < 1e-20:
                break
            p = r + (rsnew / rsold) * p
            rsold = rsnew
        X[u] = x
    return X


@pytest.mark.parametrize("n", WIDTHS)
def test_gram_matches_numpy(simd: str, n: int) -> None:
    Y = np.random.default_rng(n).standard_normal((301, n)).astype(np.float32)
    expected = Y.astype(np.float64).T @ Y.astype(np.float64)
    np.testing.assert_allclose(_core.als_gram(Y, 2), expected, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("n", WIDTHS)
def test_exact_solve_matches_dense_reference(simd: str, n: int) -> None:
    indptr, indices, data = random_csr(40, 60, 0.15, seed=n)
    Y = np.random.default_rng(1).standard_normal((60, n)).astype(np.float32) * 0.3
    csr = _core.AlsCsr(indptr, indices, data, 60)
    X = np.full((40, n), 7.0, dtype=np.float32)  # overwritten, not warm-started
    _core.als_solve_exact(csr, X, Y, _core.als_gram(Y, 1), 0.1, 2.0, 2)
    expected = exact_reference(dense(indptr, indices, data, 60), Y, 0.1, 2.0)
    np.testing.assert_allclose(X, expected, rtol=0, atol=2e-5 * np.abs(expected).max())
    assert not X[::7].any()  # empty rows get zero factors, as in implicit


@pytest.mark.parametrize("n", WIDTHS)
def test_cg_step_matches_reference_cg(simd: str, n: int) -> None:
    indptr, indices, data = random_csr(30, 50, 0.2, seed=n + 1)
    rng = np.random.default_rng(2)
    Y = rng.standard_normal((50, n)).astype(np.float32) * 0.3
    X = rng.standard_normal((30, n)).astype(np.float32) * 0.1
    expected = cg_reference(dense(indptr, indices, data, 50), X, Y, 0.05, 3.0, steps=3)
    _core.als_solve_cg(_core.AlsCsr(indptr, indices, data, 50), X, Y, _core.als_gram(Y, 1), 0.05, 3.0, 3, 2)
    np.testing.assert_allclose(X, expected, rtol=0, atol=1e-4 * np.abs(expected).max())


@pytest.mark.parametrize("n", [8, 33])
def test_cg_converges_to_the_exact_solution(simd: str, n: int) -> None:
    indptr, indices, data = random_csr(25, 40, 0.25, seed=3)
    Y = np.random.default_rng(4).standard_normal((40, n)).astype(np.float32) * 0.3
    csr, gram = _core.AlsCsr(indptr, indices, data, 40), _core.als_gram(Y, 1)
    exact = np.zeros((25, n), dtype=np.float32)
    _core.als_solve_exact(csr, exact, Y, gram, 0.5, 1.5, 1)
    few, many = np.zeros_like(exact), np.zeros_like(exact)
    _core.als_solve_cg(csr, few, Y, gram, 0.5, 1.5, 2, 1)
    _core.als_solve_cg(csr, many, Y, gram, 0.5, 1.5, 4 * n, 1)
    scale = np.abs(exact).max()
    np.testing.assert_allclose(many, exact, rtol=0, atol=2e-4 * scale)
    assert np.abs(few - exact).max() > 10 * np.abs(many - exact).max()  # the steps did the converging


def test_loss_matches_dense_formula(simd: str) -> None:
    indptr, indices, data = random_csr(35, 45, 0.2, seed=5)
    rng = np.random.default_rng(6)
    X = rng.standard_normal((35, 12)).astype(np.float32)
    Y = rng.standard_normal((45, 12)).astype(np.float32)
    values = dense(indptr, indices, data, 45)
    conf = np.where(values > 0, 2.5 * values, 1.0)
    err = (values > 0) - X.astype(np.float64) @ Y.T
    reg = 0.3
    expected = (
        (conf * err**2).sum() + reg * ((X.astype(float) ** 2).sum() + (Y.astype(float) ** 2).sum())
    ) / conf.sum()
    got = _core.als_loss(_core.AlsCsr(indptr, indices, data, 45), X, Y, reg, 2.5, 2)
    assert got == pytest.approx(expected, rel=1e-5)


def test_results_do_not_depend_on_thread_count() -> None:
    indptr, indices, data = random_csr(500, 300, 0.05, seed=7)
    rng = np.random.default_rng(8)
    Y = rng.standard_normal((300, 40)).astype(np.float32)
    X0 = rng.standard_normal((500, 40)).astype(np.float32)
    csr, gram = _core.AlsCsr(indptr, indices, data, 300), _core.als_gram(Y, 1)
    outs = []
    for threads in (1, 2, 3):
        X = X0.copy()
        _core.als_solve_cg(csr, X, Y, gram, 0.1, 1.0, 3, threads)
        E = np.empty_like(X0)
        _core.als_solve_exact(csr, E, Y, gram, 0.1, 1.0, threads)
        outs.append((X, E))
    for X, E in outs[1:]:
        assert np.array_equal(X, outs[0][0]) and np.array_equal(E, outs[0][1])


def test_transpose_swaps_rows_and_columns() -> None:
    indptr, indices, data = random_csr(20, 30, 0.2, seed=9)
    t = _core.AlsCsr(indptr, indices, data, 30).transpose()
    assert (t.n_rows, t.n_cols, t.nnz) == (30, 20, len(data))
    rebuilt = np.zeros((30, 20))
    for r in range(30):
        cols, vals = t.row(r)
        assert np.all(np.diff(cols) > 0)
        rebuilt[r, cols] = vals
    np.testing.assert_array_equal(rebuilt, dense(indptr, indices, data, 30).T)


def test_topk_matches_numpy_ranking(simd: str) -> None:
    rng = np.random.default_rng(10)
    Q = rng.standard_normal((37, 21)).astype(np.float32)
    Y = rng.standard_normal((500, 21)).astype(np.float32)
    indptr, indices, data = random_csr(37, 500, 0.05, seed=11)
    banned = np.array([3, 17, 250], dtype=np.int64)
    ids, scores = _core.als_topk(Q, Y, 12, _core.AlsCsr(indptr, indices, data, 500), banned, None, 2)
    full = Q.astype(np.float64) @ Y.T.astype(np.float64)
    for q in range(37):
        full[q, indices[indptr[q] : indptr[q + 1]]] = -np.inf
    full[:, banned] = -np.inf
    expected = np.argsort(-full, axis=1, kind="stable")[:, :12]
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(scores, np.take_along_axis(full, expected, 1), rtol=1e-5, atol=1e-5)


def test_topk_cosine_ties_and_padding() -> None:
    Y = np.array([[1, 0], [2, 0], [0, 1], [0, 0.5]], dtype=np.float32)
    norms = np.linalg.norm(Y, axis=1).astype(np.float32)
    ids, scores = _core.als_topk(np.array([[1, 0]], np.float32), Y, 6, None, np.array([2], np.int64), norms, 1)
    # items 0 and 1 tie on cosine 1: the lower id first; item 2 is banned; 3 scores 0; then padding
    assert ids.tolist() == [[0, 1, 3, -1, -1, -1]]
    assert scores[0, :3].tolist() == [1.0, 1.0, 0.0] and np.isneginf(scores[0, 3:]).all()


def test_core_releases_the_gil_while_solving() -> None:
    indptr, indices, data = random_csr(4000, 3000, 0.05, seed=12)
    csr = _core.AlsCsr(indptr, indices, data, 3000)
    Y = np.random.default_rng(13).standard_normal((3000, 64)).astype(np.float32)
    X = np.empty((4000, 64), dtype=np.float32)
    gram = _core.als_gram(Y, 1)
    inside, done = threading.Event(), threading.Event()
    elapsed: list[float] = []

    def solve() -> None:
        inside.set()
        start = time.perf_counter()
        _core.als_solve_exact(csr, X, Y, gram, 0.1, 1.0, 1)
        elapsed.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=solve)
    ticks = 0
    worker.start()
    inside.wait()
    while not done.is_set():
        ticks += 1
    worker.join()
    # Holding the GIL would freeze this loop for the whole native call (~0.1 s or more).
    assert elapsed[0] > 0.02
    assert ticks > 1000


# ------------------------------------------------------------------ validation
GOOD = (np.array([0, 2, 3]), np.array([0, 4, 1], np.int32), np.array([1.0, 2.0, 3.0], np.float32))


@pytest.mark.parametrize(
    ("indptr", "indices", "data", "message"),
    [
        ([1, 2, 3], [0, 4, 1], [1, 1, 1], "indptr\\[0\\]"),
        ([0, 2, 1], [0, 4], [1, 1], "indptr\\[-1\\]"),
        ([0, 3, 2, 3], [0, 1, 4], [1, 1, 1], "non-decreasing"),
        ([0, 2, 4], [0, 4, 1], [1, 1, 1], "indptr\\[-1\\]"),
        ([0, 2, 3], [0, 5, 1], [1, 1, 1], "outside"),
        ([0, 2, 3], [0, -1, 1], [1, 1, 1], "outside"),
        ([0, 2, 3], [4, 0, 1], [1, 1, 1], "sorted"),
        ([0, 2, 3], [1, 1, 1], [1, 1, 1], "sorted"),
        ([0, 2, 3], [0, 4, 1], [1, -1, 1], "confidence"),
        ([0, 2, 3], [0, 4, 1], [1, np.nan, 1], "confidence"),
        ([0, 2, 3], [0, 4, 1], [1, np.inf, 1], "confidence"),
        ([0, 2, 3], [0, 4, 1], [1, 1], "differ in length"),
        ([], [], [], "n_rows \\+ 1"),
    ],
)
def test_invalid_csr_is_a_value_error(indptr: list, indices: list, data: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _core.AlsCsr(np.array(indptr, np.int64), np.array(indices, np.int32), np.array(data, np.float64), 5)


def test_csr_dtypes_are_checked() -> None:
    indptr, indices, data = GOOD
    with pytest.raises(TypeError, match="indptr"):
        _core.AlsCsr(indptr.astype(np.float64), indices, data, 5)
    with pytest.raises(TypeError, match="indices"):
        _core.AlsCsr(indptr, indices.astype(np.uint8), data, 5)
    with pytest.raises(TypeError, match="data"):
        _core.AlsCsr(indptr, indices, data.astype(np.int32), 5)
    with pytest.raises(ValueError, match="1-D"):
        _core.AlsCsr(indptr.reshape(1, 3), indices, data, 5)
    with pytest.raises(ValueError, match="n_cols"):
        _core.AlsCsr(indptr, indices, data, -1)
    for ip in (np.int32, np.int64):  # every supported combination builds the same matrix
        for ix in (np.int32, np.int64):
            for dv in (np.float32, np.float64):
                csr = _core.AlsCsr(indptr.astype(ip), indices.astype(ix), data.astype(dv), 5)
                assert csr.row(0)[0].tolist() == [0, 4] and csr.row(1)[1].tolist() == [3.0]


def test_solver_arguments_are_checked() -> None:
    csr = _core.AlsCsr(*GOOD, 5)
    Y = np.ones((5, 4), np.float32)
    X = np.zeros((2, 4), np.float32)
    gram = _core.als_gram(Y, 1)
    with pytest.raises(TypeError, match="float32"):
        _core.als_solve_cg(csr, X.astype(np.float64), Y, gram, 0.1, 1.0, 3)
    with pytest.raises(TypeError, match="float64"):
        _core.als_solve_exact(csr, X, Y, gram.astype(np.float32), 0.1, 1.0)
    with pytest.raises(ValueError, match="rows"):
        _core.als_solve_cg(csr, np.zeros((3, 4), np.float32), Y, gram, 0.1, 1.0, 3)
    with pytest.raises(ValueError, match="columns"):
        _core.als_solve_cg(csr, X, np.ones((6, 4), np.float32), gram, 0.1, 1.0, 3)
    with pytest.raises(ValueError, match="factor counts"):
        _core.als_solve_cg(csr, np.zeros((2, 3), np.float32), Y, gram, 0.1, 1.0, 3)
    with pytest.raises(ValueError, match="gram"):
        _core.als_solve_exact(csr, X, Y, np.eye(3), 0.1, 1.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        _core.als_solve_cg(csr, np.zeros((4, 2), np.float32).T, Y, gram, 0.1, 1.0, 3)
    readonly = X.copy()
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        _core.als_solve_exact(csr, readonly, Y, gram, 0.1, 1.0)
    with pytest.raises(ValueError, match="alpha"):
        _core.als_solve_cg(csr, X, Y, gram, 0.1, 0.0, 3)
    with pytest.raises(ValueError, match="regularization"):
        _core.als_solve_exact(csr, X, Y, gram, float("nan"), 1.0)
    with pytest.raises(ValueError, match="num_threads"):
        _core.als_solve_exact(csr, X, Y, gram, 0.1, 1.0, -1)
    with pytest.raises(IndexError, match="filter_items"):
        _core.als_topk(X, Y, 2, None, np.array([5], np.int64), None, 1)
    with pytest.raises(ValueError, match="rows"):
        _core.als_topk(np.zeros((3, 4), np.float32), Y, 2, csr, None, None, 1)


def test_singular_system_is_an_error_not_nan() -> None:
    # Zero regularization and a rank-deficient Y: the normal equations are singular.
    csr = _core.AlsCsr(*GOOD, 5)
    Y = np.zeros((5, 3), np.float32)
    with pytest.raises(ValueError, match="positive definite"):
        _core.als_solve_exact(csr, np.zeros((2, 3), np.float32), Y, _core.als_gram(Y, 1), 0.0, 1.0)
