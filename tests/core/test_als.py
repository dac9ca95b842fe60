"""pyrec.core.ImplicitALS: fitting quality, fold-in, online updates, persistence, API errors."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from pyrec.core import ImplicitALS


# --------------------------------------------------------------------- data
def synthetic(users: int = 200, items: int = 150, seed: int = 0) -> sp.csr_matrix:
    """Two taste groups with power-law item popularity, play counts as values."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, users)
    pop = 1.0 / np.arange(1, items + 1) ** 0.8
    rows, cols = [], []
    for u in range(users):
        half = np.arange(items) % 2 == group[u]
        p = np.where(half, pop, pop * 0.05)
        chosen = rng.choice(items, size=rng.integers(3, 25), replace=False, p=p / p.sum())
        rows += [u] * len(chosen)
        cols += list(chosen)
    counts = rng.integers(1, 6, len(rows)).astype(np.float32)
    return sp.csr_matrix((counts, (rows, cols)), shape=(users, items))


@pytest.fixture(scope="module")
def plays() -> sp.csr_matrix:
    return synthetic()


@pytest.fixture(scope="module")
def model(plays: sp.csr_matrix) -> ImplicitALS:
    return ImplicitALS(factors=16, regularization=0.05, alpha=2.0, iterations=8, random_state=1).fit(plays)


def exact_user(model: ImplicitALS, items: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The user's normal equations solved densely in float64 with NumPy."""
    Y = model.item_factors.astype(np.float64)
    c = np.ones(Y.shape[0])
    c[items] = model.alpha * values
    p = np.zeros(Y.shape[0])
    p[items] = 1.0
    A = (Y.T * c) @ Y + model.regularization * np.eye(Y.shape[1])
    return np.linalg.solve(A, (Y.T * c) @ p)


def row(matrix: sp.csr_matrix, u: int) -> sp.csr_matrix:
    return matrix[u]


# ------------------------------------------------------------------ fitting
def test_training_loss_decreases(plays: sp.csr_matrix) -> None:
    for use_cg in (False, True):
        losses: list[float] = []
        m = ImplicitALS(
            factors=12, regularization=0.1, iterations=8, calculate_training_loss=True, use_cg=use_cg, random_state=0
        )
        m.fit(plays, callback=lambda _it, _t, loss, seen=losses: seen.append(loss))
        assert len(losses) == 8 and m.loss == losses[-1]
        assert losses[-1] < 0.8 * losses[0]
        if not use_cg:  # exact ALS minimises the loss at every half step
            assert all(b <= a * (1 + 1e-6) for a, b in itertools.pairwise(losses))


def test_no_loss_unless_asked(model: ImplicitALS) -> None:
    assert model.loss is None


def test_initialisation_matches_implicits(plays: sp.csr_matrix) -> None:
    m = ImplicitALS(factors=5, iterations=0, random_state=42).fit(plays)
    rng = np.random.default_rng(42)
    users = rng.random((plays.shape[0], 5), dtype=np.float32) * np.float32(0.01)
    items = rng.random((plays.shape[1], 5), dtype=np.float32) * np.float32(0.01)
    np.testing.assert_array_equal(m.user_factors, users)
    np.testing.assert_array_equal(m.item_factors, items)


def test_same_seed_same_model_and_triple_equals_scipy(plays: sp.csr_matrix) -> None:
    a = ImplicitALS(factors=8, iterations=3, random_state=5).fit(plays)
    triple = (plays.indptr, plays.indices, plays.data)
    b = ImplicitALS(factors=8, iterations=3, random_state=5).fit(triple, n_items=plays.shape[1])
    assert a.user_factors.dtype == np.float32 and a.user_factors.flags.c_contiguous
    np.testing.assert_array_equal(a.user_factors, b.user_factors)
    np.testing.assert_array_equal(a.item_factors, b.item_factors)


def test_cg_and_exact_solvers_agree_after_enough_steps(plays: sp.csr_matrix) -> None:
    exact = ImplicitALS(factors=10, regularization=0.1, iterations=2, use_cg=False, random_state=3).fit(plays)
    cg = ImplicitALS(factors=10, regularization=0.1, iterations=2, cg_steps=30, random_state=3).fit(plays)
    few = ImplicitALS(factors=10, regularization=0.1, iterations=2, cg_steps=1, random_state=3).fit(plays)
    scale = np.abs(exact.item_factors).max()
    assert np.abs(cg.item_factors - exact.item_factors).max() < 1e-3 * scale
    assert np.abs(few.item_factors - exact.item_factors).max() > 1e-2 * scale


def test_matches_implicit_parameter_for_parameter(plays: sp.csr_matrix) -> None:
    implicit_als = pytest.importorskip("implicit.cpu.als")
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def both(iterations: int) -> tuple[ImplicitALS, object]:
        params = {
            "factors": 16,
            "regularization": 0.05,
            "alpha": 3.0,
            "iterations": iterations,
            "random_state": 11,
            "num_threads": 1,
        }
        with threadpoolctl.threadpool_limits(1, "blas"):
            theirs = implicit_als.AlternatingLeastSquares(**params)
            theirs.fit(plays, show_progress=False)
        return ImplicitALS(**params).fit(plays), theirs

    # One iteration from the same start: same algorithm, so equal up to float32 rounding.
    ours, theirs = both(1)
    for name, tol in (("user_factors", 1e-5), ("item_factors", 1e-3)):
        a, b = getattr(ours, name), getattr(theirs, name)
        assert np.abs(a - b).max() < tol * np.abs(b).max(), name
    # Rounding differences grow over CG iterations but stay small.
    ours, theirs = both(5)
    for name in ("user_factors", "item_factors"):
        a, b = getattr(ours, name), getattr(theirs, name)
        relative = np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)
        assert np.median(relative) < 1e-2 and relative.max() < 0.1, name


# ---------------------------------------------------------------- movielens
def load_movielens(path: Path) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Ratings >= 4 as plays; 20% of each user's plays held out at random (seeded)."""
    ratings = np.loadtxt(path / "ratings.csv", delimiter=",", skiprows=1, usecols=(0, 1, 2))
    ratings = ratings[ratings[:, 2] >= 4.0]
    users = np.unique(ratings[:, 0], return_inverse=True)[1]
    items = np.unique(ratings[:, 1], return_inverse=True)[1]
    shape = (users.max() + 1, items.max() + 1)
    held = np.random.default_rng(0).random(len(users)) < 0.2

    def csr(mask: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((np.ones(mask.sum(), np.float32), (users[mask], items[mask])), shape=shape)

    return csr(~held), csr(held)


def ndcg_at_10(ranked: np.ndarray, test: sp.csr_matrix, users: np.ndarray) -> float:
    discount = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    for ids, u in zip(ranked, users):
        relevant = test.indices[test.indptr[u] : test.indptr[u + 1]]
        gains = np.isin(ids[:10], relevant) * discount[: len(ids[:10])]
        total += gains.sum() / discount[: min(10, len(relevant))].sum()
    return total / len(users)


def test_movielens_ndcg_clearly_beats_popularity(movielens: Path) -> None:
    train, test = load_movielens(movielens)
    users = np.flatnonzero((test.getnnz(axis=1) > 0) & (train.getnnz(axis=1) > 0))
    model = ImplicitALS(factors=32, regularization=0.05, iterations=15, random_state=0).fit(train)
    ranked, _ = model.recommend(users, train[users], N=10)
    als = ndcg_at_10(ranked, test, users)

    popularity = np.asarray(train.sum(axis=0)).ravel()
    popular = []
    for u in users:
        scores = popularity.copy()
        scores[train.indices[train.indptr[u] : train.indptr[u + 1]]] = -1
        popular.append(np.argsort(-scores, kind="stable")[:10])
    baseline = ndcg_at_10(np.array(popular), test, users)
    assert baseline > 0.05  # the split and metric are sane
    assert als > 1.25 * baseline, (als, baseline)


# ------------------------------------------------------------ fold-in/online
def test_fold_in_equals_a_full_exact_solve(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    for u in (0, 17, 123):
        r = row(plays, u)
        got = model.recalculate_user(u, r)
        expected = exact_user(model, r.indices, r.data)
        assert got.shape == (model.factors,) and got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5 * np.abs(expected).max())
    batch = model.recalculate_user(np.array([0, 17]), plays[[0, 17]])
    np.testing.assert_array_equal(batch[1], model.recalculate_user(17, row(plays, 17)))


def test_fold_in_does_not_store(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    before = model.user_factors.copy()
    model.recalculate_user(3, row(plays, 3))
    np.testing.assert_array_equal(model.user_factors, before)


def test_partial_fit_users_grows_for_a_new_user(plays: sp.csr_matrix) -> None:
    m = ImplicitALS(factors=8, iterations=3, random_state=2).fit(plays)
    before = m.user_factors.copy()
    new_id = plays.shape[0] + 2
    history = row(plays, 5)
    m.partial_fit_users([new_id], history)
    assert m.user_factors.shape == (plays.shape[0] + 3, 8)
    np.testing.assert_array_equal(m.user_factors[: plays.shape[0]], before)
    assert not m.user_factors[plays.shape[0] : new_id].any()  # skipped ids stay zero
    np.testing.assert_array_equal(m.user_factors[new_id], m.recalculate_user(new_id, history))
    ids, _ = m.recommend(new_id, history, N=5)
    assert len(ids) == 5 and not np.isin(ids, history.indices).any()


def test_one_new_play_updates_the_user_exactly_and_fast(plays: sp.csr_matrix) -> None:
    m = ImplicitALS(factors=64, regularization=0.05, iterations=3, random_state=4).fit(plays)
    u = 9
    current = row(plays, u)
    new_item = next(i for i in range(plays.shape[1]) if i not in set(current.indices))
    score_before = m.user_factors[u] @ m.item_factors[new_item]
    updated = current.tolil()
    updated[0, new_item] = 5.0
    updated = updated.tocsr()
    m.partial_fit_users([u], updated)
    np.testing.assert_allclose(
        m.user_factors[u],
        exact_user(m, updated.indices, updated.data),
        rtol=0,
        atol=1e-5 * np.abs(m.user_factors[u]).max(),
    )
    assert m.user_factors[u] @ m.item_factors[new_item] > score_before + 0.1

    times = []  # the cached YᵀY keeps this O(m·f² + f³), far below a millisecond
    for _ in range(30):
        start = time.perf_counter()
        m.partial_fit_users([u], updated)
        times.append(time.perf_counter() - start)
    assert np.median(times) < 2e-3


def test_partial_fit_items_grows_for_a_new_item(plays: sp.csr_matrix) -> None:
    m = ImplicitALS(factors=8, iterations=3, random_state=2).fit(plays)
    item_users = plays.T.tocsr()
    new_id = plays.shape[1]
    m.partial_fit_items([new_id], item_users[7])
    assert m.item_factors.shape == (plays.shape[1] + 1, 8)
    np.testing.assert_array_equal(m.item_factors[new_id], m.recalculate_item(new_id, item_users[7]))
    # same users as item 7, so the new item's nearest neighbour by cosine is item 7 (or itself)
    similar, _ = m.similar_items(new_id, N=2)
    assert similar[0] == new_id and similar[1] == 7


# ---------------------------------------------------------------- recommend
def test_recommend_filters_liked_items(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    u = 4
    liked = row(plays, u).indices
    unfiltered, _ = model.recommend(u, row(plays, u), N=10, filter_already_liked_items=False)
    assert np.isin(unfiltered, liked).any()  # without the filter liked items do rank high
    ids, scores = model.recommend(u, row(plays, u), N=10)
    assert len(ids) == 10 and not np.isin(ids, liked).any()
    assert np.all(np.diff(scores) <= 0)
    expected = model.item_factors @ model.user_factors[u]
    expected[liked] = -np.inf
    np.testing.assert_array_equal(ids, np.argsort(-expected, kind="stable")[:10])


def test_recommend_batch_equals_single_calls(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    users = np.array([1, 50, 199])
    ids, scores = model.recommend(users, plays[users], N=7, filter_items=[0, 1])
    assert ids.shape == scores.shape == (3, 7)
    for k, u in enumerate(users):
        one, one_scores = model.recommend(int(u), row(plays, u), N=7, filter_items=[0, 1])
        np.testing.assert_array_equal(ids[k], one)
        np.testing.assert_allclose(scores[k], one_scores)
        assert not np.isin(one, [0, 1]).any()


def test_recommend_restricted_items_and_padding(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    liked = row(plays, 2).indices
    allowed = np.array([3, 8, 40, liked[0]])
    ids, _ = model.recommend(2, row(plays, 2), N=10, items=allowed)
    assert set(ids) == set(allowed) - {liked[0]}  # fewer than N: only real results for one user
    batch, batch_scores = model.recommend([2], plays[[2]], N=5, items=allowed)
    assert batch.shape == (1, 5) and (batch[0, 3:] == -1).all() and np.isneginf(batch_scores[0, 3:]).all()


def test_recommend_recalculate_user_uses_fold_in(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    history = row(plays, 30)
    ids, _ = model.recommend(10_000, history, N=5, recalculate_user=True)  # unknown user id is fine here
    expected = model.item_factors @ model.recalculate_user(0, history)
    expected[history.indices] = -np.inf
    np.testing.assert_array_equal(ids, np.argsort(-expected, kind="stable")[:5])


def test_similar_items_by_cosine(model: ImplicitALS) -> None:
    ids, scores = model.similar_items(12, N=6)
    Y = model.item_factors.astype(np.float64)
    cosine = Y @ Y[12] / (np.linalg.norm(Y, axis=1) * np.linalg.norm(Y[12]))
    np.testing.assert_array_equal(ids, np.argsort(-cosine, kind="stable")[:6])
    np.testing.assert_allclose(scores, np.sort(cosine)[::-1][:6], rtol=1e-5)
    assert ids[0] == 12 and scores[0] == pytest.approx(1.0, abs=1e-5)


# -------------------------------------------------------------- persistence
def test_persistence_round_trip(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    blob = model.to_bytes()
    copy = ImplicitALS.from_bytes(blob)
    np.testing.assert_array_equal(copy.user_factors, model.user_factors)
    np.testing.assert_array_equal(copy.item_factors, model.item_factors)
    assert (copy.factors, copy.regularization, copy.alpha, copy.cg_steps) == (16, 0.05, 2.0, 3)
    for a, b in zip(copy.recommend(5, row(plays, 5)), model.recommend(5, row(plays, 5))):
        np.testing.assert_array_equal(a, b)
    copy.partial_fit_users([0], row(plays, 1))  # loaded factors are writeable
    assert copy.to_bytes() != blob and model.to_bytes() == blob


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[:-4],
        lambda b: b + b"\0" * 4,
        lambda b: b"NOTPYREC" + b[8:],
        lambda b: b[:8] + (99).to_bytes(4, "little") + b[12:],
        lambda b: b[:16] + b"}" + b[17:],
        lambda b: b[:5],
    ],
)
def test_corrupt_bytes_are_rejected(model: ImplicitALS, mangle) -> None:
    with pytest.raises(ValueError):
        ImplicitALS.from_bytes(mangle(model.to_bytes()))


@pytest.mark.parametrize("params", [{"bogus": 1}, {"factors": "16"}, {"factors": -1}, "not a dict"])
def test_bad_header_parameters_are_rejected(model: ImplicitALS, params: object) -> None:
    blob = model.to_bytes()
    length = int.from_bytes(blob[12:16], "little")
    header = json.loads(blob[16 : 16 + length])
    header["params"] = params
    text = json.dumps(header).encode()
    forged = blob[:12] + len(text).to_bytes(4, "little") + text + blob[16 + length :]
    with pytest.raises(ValueError, match="header"):
        ImplicitALS.from_bytes(forged)


# ------------------------------------------------------------------- errors
def test_parameters_are_validated() -> None:
    for kwargs in (
        {"factors": 0},
        {"regularization": -1.0},
        {"alpha": 0.0},
        {"alpha": float("nan")},
        {"iterations": -1},
        {"cg_steps": 0},
        {"num_threads": -2},
    ):
        with pytest.raises(ValueError):
            ImplicitALS(**kwargs)
    with pytest.raises(TypeError):
        ImplicitALS(factors=2.5)


def test_bad_interactions_are_rejected(plays: sp.csr_matrix, model: ImplicitALS) -> None:
    fresh = ImplicitALS(factors=4, iterations=1)
    with pytest.raises(TypeError, match="CSR"):
        fresh.fit(plays.tocoo())
    with pytest.raises(TypeError):
        fresh.fit([[1, 0], [0, 1]])
    negative = plays.copy()
    negative.data[3] = -1.0
    with pytest.raises(ValueError, match="confidence"):
        fresh.fit(negative)
    nan = plays.copy()
    nan.data[0] = np.nan
    with pytest.raises(ValueError, match="confidence"):
        fresh.fit(nan)
    with pytest.raises(ValueError, match="sorted"):
        fresh.fit((np.array([0, 2]), np.array([3, 1]), np.ones(2, np.float32)))
    with pytest.raises(ValueError, match="indptr"):
        fresh.fit((np.array([0, 2, 1]), np.array([0, 1]), np.ones(2, np.float32)))
    with pytest.raises(ValueError, match="outside"):
        model.recalculate_user(0, (np.array([0, 1]), np.array([plays.shape[1]]), np.ones(1, np.float32)))
    huge = (np.array([0, 1]), np.array([3]), np.array([3e38], np.float32))  # alpha * value overflows
    with pytest.raises(ValueError, match="not finite|positive definite"):
        model.recalculate_user(0, huge)


def test_unsorted_scipy_input_is_canonicalised(plays: sp.csr_matrix) -> None:
    messy = sp.csr_matrix(
        (np.array([1.0, 2.0, 3.0], np.float32), np.array([4, 1, 4]), np.array([0, 3])), shape=(1, plays.shape[1])
    )
    assert not messy.has_canonical_format
    m = ImplicitALS(factors=6, iterations=2, random_state=0).fit(plays)
    tidy = sp.csr_matrix(
        (np.array([2.0, 4.0], np.float32), np.array([1, 4]), np.array([0, 2])), shape=(1, plays.shape[1])
    )
    np.testing.assert_array_equal(m.recalculate_user(0, messy), m.recalculate_user(0, tidy))


def test_ids_and_shapes_are_checked(model: ImplicitALS, plays: sp.csr_matrix) -> None:
    with pytest.raises(IndexError):
        model.recommend(plays.shape[0], row(plays, 0))
    with pytest.raises(IndexError):
        model.recommend(-1, row(plays, 0))
    with pytest.raises(IndexError):
        model.similar_items(plays.shape[1])
    with pytest.raises(IndexError):
        model.recommend(0, row(plays, 0), filter_items=[plays.shape[1] + 5])
    with pytest.raises(ValueError, match="rows"):
        model.recommend([0, 1], row(plays, 0))
    with pytest.raises(ValueError, match="columns"):
        model.recommend(0, sp.csr_matrix((1, plays.shape[1] + 1), dtype=np.float32))
    with pytest.raises(ValueError, match="required"):
        model.recommend(0)
    with pytest.raises(ValueError, match="rows"):
        model.partial_fit_users([0, 1], row(plays, 0))
    with pytest.raises(IndexError):
        model.partial_fit_users([-3], row(plays, 0))
    with pytest.raises(ValueError, match="fit"):
        ImplicitALS().recommend(0, row(plays, 0))


def test_importing_and_fitting_needs_no_scipy() -> None:
    code = (
        "import sys; sys.modules['scipy'] = None\n"  # any scipy import now fails
        "import numpy as np\n"
        "from pyrec.core import ImplicitALS\n"
        "m = ImplicitALS(factors=4, iterations=2, random_state=0)\n"
        "m.fit((np.array([0, 2, 3]), np.array([0, 2, 1]), np.ones(3, np.float32)))\n"
        "ids, _ = m.recommend(0, (np.array([0, 2]), np.array([0, 2]), np.ones(2, np.float32)), N=3)\n"
        "assert ids.tolist() == [1], ids\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
