"""pyrec.core.ImplicitALS side by side with implicit's CPU AlternatingLeastSquares.

    python benchmarks/bench_als.py [--quick] [--threads N] [--factors 64] [--iterations 15]

For MovieLens ml-latest-small (ratings >= 4 as plays) and a synthetic
power-law set (50k users × 20k items × ~2M plays; smaller with --quick), both
libraries get the same hyperparameters, seed, thread count and train/test
split (20% of each user's plays held out at random, users with >= 5 plays).
It prints NDCG@10 (one evaluator, written here, scores both models' factors),
seconds per ALS iteration, whole fit time and single-user fold-in latency
(recalculate_user, p50/p95), then implicit/pyrec ratios. implicit's fold-in is
also timed with num_threads=1, its best case for a single user.

implicit is a bench extra, never a runtime dependency. Its BLAS pool is held
to one thread during fits, as implicit itself recommends; both libraries
parallelise over users/items with `--threads` threads.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares  # imported first: it loads scipy's BLAS,
from threadpoolctl import threadpool_limits  # which threadpool_limits must then see

from pyrec import _core
from pyrec.core import ImplicitALS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


# ---------------------------------------------------------------------- data
def movielens(path: Path) -> sp.csr_matrix:
    ratings = np.loadtxt(path / "ratings.csv", delimiter=",", skiprows=1, usecols=(0, 1, 2))
    ratings = ratings[ratings[:, 2] >= 4.0]
    users = np.unique(ratings[:, 0], return_inverse=True)[1]
    items = np.unique(ratings[:, 1], return_inverse=True)[1]
    return to_csr(users, items, np.ones(len(users), np.float32), (users.max() + 1, items.max() + 1))


def synthetic(users: int, items: int, draws: int, seed: int = 0) -> sp.csr_matrix:
    """Power-law item popularity and user activity, plus 32 taste clusters so
    there is structure beyond popularity to learn. Values are play counts."""
    rng = np.random.default_rng(seed)
    popularity = rng.permutation(1.0 / np.arange(1, items + 1) ** 0.9)
    activity = rng.permutation(1.0 / np.arange(1, users + 1) ** 0.6)
    item_cluster = rng.integers(0, 32, items)
    user_cluster = rng.integers(0, 32, users)
    u = rng.choice(users, size=draws, p=activity / activity.sum())
    i = rng.choice(items, size=draws, p=popularity / popularity.sum())
    in_cluster = rng.random(draws) < 0.6
    for c in range(32):  # 60% of plays come from the user's own cluster, by popularity
        members = np.flatnonzero(item_cluster == c)
        cumulative = np.cumsum(popularity[members])
        pick = np.flatnonzero(in_cluster & (user_cluster[u] == c))
        i[pick] = members[np.searchsorted(cumulative, rng.random(len(pick)) * cumulative[-1])]
    return to_csr(u, i, np.ones(draws, np.float32), (users, items))


def to_csr(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    m = sp.csr_matrix((values, (rows, cols)), shape=shape)
    m.sum_duplicates()  # repeated plays add up
    return m


def split(m: sp.csr_matrix, seed: int = 0) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Hold out 20% of each user's entries (users with >= 5 entries) at random."""
    rng = np.random.default_rng(seed)
    lengths = np.diff(m.indptr)
    row = np.repeat(np.arange(m.shape[0]), lengths)
    order = np.lexsort((rng.random(m.nnz), row))  # random order within each row
    rank = np.empty(m.nnz, np.int64)
    rank[order] = np.arange(m.nnz) - np.repeat(m.indptr[:-1], lengths)
    held = (lengths[row] >= 5) & (rank < np.round(0.2 * lengths[row]))
    coo = m.tocoo()
    train = to_csr(coo.row[~held], coo.col[~held], coo.data[~held], m.shape)
    test = to_csr(coo.row[held], coo.col[held], coo.data[held], m.shape)
    return train, test


# ---------------------------------------------------------------- evaluation
def ndcg_at_10(U: np.ndarray, Y: np.ndarray, train: sp.csr_matrix, test: sp.csr_matrix, users: np.ndarray) -> float:
    """Mean NDCG@10 over `users`, ranking all items not in train by U·Yᵀ."""
    discount = 1.0 / np.log2(np.arange(2, 12))
    total = 0.0
    for start in range(0, len(users), 2048):
        block = users[start : start + 2048]
        scores = U[block] @ Y.T
        seen = train[block]
        scores[np.repeat(np.arange(len(block)), np.diff(seen.indptr)), seen.indices] = -np.inf
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, 1), axis=1), 1)
        for ids, u in zip(top, block):
            relevant = test.indices[test.indptr[u] : test.indptr[u + 1]]
            ideal = discount[: min(10, len(relevant))].sum()
            total += (np.isin(ids, relevant) * discount).sum() / ideal
    return total / len(users)


@dataclass
class Result:
    library: str
    seconds_per_iteration: float
    fit_seconds: float
    ndcg: float
    fold_in_p50_us: float
    fold_in_p95_us: float
    single_thread_fold_in: tuple[float, float] | None = None


def fold_in_latency(model: Any, train: sp.csr_matrix, users: np.ndarray) -> tuple[float, float]:
    rows = [train[int(u)] for u in users]  # sliced beforehand: only the fold-in is timed
    model.recalculate_user(int(users[0]), rows[0])  # warm caches (YᵀY) for both libraries
    times = []
    for u, r in zip(users, rows):
        start = time.perf_counter()
        model.recalculate_user(int(u), r)
        times.append(time.perf_counter() - start)
    micro = np.array(times) * 1e6
    return float(np.percentile(micro, 50)), float(np.percentile(micro, 95))


def run(
    library: str,
    params: dict[str, Any],
    train: sp.csr_matrix,
    test: sp.csr_matrix,
    eval_users: np.ndarray,
    latency_users: np.ndarray,
) -> Result:
    per_iteration: list[float] = []

    def record(_iteration: int, seconds: float, _loss: Any) -> None:
        per_iteration.append(seconds)

    with threadpool_limits(1, "blas"):
        if library == "pyrec":
            model: Any = ImplicitALS(**params)
        else:
            model = AlternatingLeastSquares(**params)
        start = time.perf_counter()
        model.fit(train, show_progress=False, callback=record)
        fit_seconds = time.perf_counter() - start
        p50, p95 = fold_in_latency(model, train, latency_users)
        single = None
        if library == "implicit" and params["num_threads"] != 1:
            # implicit opens an OpenMP region even for one user; its best case is one thread.
            model.num_threads = 1
            single = fold_in_latency(model, train, latency_users)
    ndcg = ndcg_at_10(model.user_factors, model.item_factors, train, test, eval_users)
    # The first iteration includes one-off warm-up in both libraries; report the median.
    return Result(library, float(np.median(per_iteration)), fit_seconds, ndcg, p50, p95, single)


# --------------------------------------------------------------------- table
def report(name: str, shape: tuple[int, int], nnz: int, results: list[Result]) -> None:
    print(f"\n{name}: {shape[0]} users × {shape[1]} items, {nnz} training plays")
    print(f"  {'library':<9}{'NDCG@10':>9}{'s/iter':>9}{'fit s':>8}{'fold-in p50 µs':>16}{'p95 µs':>9}")
    for r in results:
        print(
            f"  {r.library:<9}{r.ndcg:>9.4f}{r.seconds_per_iteration:>9.3f}{r.fit_seconds:>8.2f}"
            f"{r.fold_in_p50_us:>16.1f}{r.fold_in_p95_us:>9.1f}"
        )
    ours, theirs = results
    print(
        f"  implicit/pyrec: s/iter ×{theirs.seconds_per_iteration / ours.seconds_per_iteration:.2f}, "
        f"fit ×{theirs.fit_seconds / ours.fit_seconds:.2f}, "
        f"fold-in p50 ×{theirs.fold_in_p50_us / ours.fold_in_p50_us:.2f}, "
        f"p95 ×{theirs.fold_in_p95_us / ours.fold_in_p95_us:.2f}; "
        f"NDCG pyrec − implicit = {ours.ndcg - theirs.ndcg:+.4f}"
    )
    if theirs.single_thread_fold_in:
        p50, p95 = theirs.single_thread_fold_in
        print(
            f"  implicit fold-in with num_threads=1: p50 {p50:.1f} µs, p95 {p95:.1f} µs "
            f"(×{p50 / ours.fold_in_p50_us:.2f}, ×{p95 / ours.fold_in_p95_us:.2f} of pyrec's)"
        )


def bench(name: str, matrix: sp.csr_matrix, params: dict[str, Any], max_eval: int, latency: int) -> None:
    train, test = split(matrix)
    rng = np.random.default_rng(1)
    users = np.flatnonzero((np.diff(test.indptr) > 0) & (np.diff(train.indptr) > 0))
    eval_users = np.sort(rng.choice(users, size=min(max_eval, len(users)), replace=False))
    latency_users = rng.choice(users, size=min(latency, len(users)), replace=False)
    results = [run(lib, params, train, test, eval_users, latency_users) for lib in ("pyrec", "implicit")]
    report(name, train.shape, train.nnz, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller synthetic set, fewer iterations")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=None, help="default 15 (5 with --quick)")
    parser.add_argument("--data", type=Path, default=DATA / "ml-latest-small")
    args = parser.parse_args()

    params = {
        "factors": args.factors,
        "regularization": 0.05,
        "alpha": 2.0,
        "iterations": args.iterations or (5 if args.quick else 15),
        "random_state": 0,
        "num_threads": args.threads,
    }
    print(f"pyrec ALS kernels: {_core.als_kernels()}; threads: {args.threads}; params: {params}")
    if (args.data / "ratings.csv").is_file():
        bench("ml-latest-small", movielens(args.data), params, max_eval=10_000, latency=300 if args.quick else 610)
    else:
        print(f"\n(skipping MovieLens: {args.data}/ratings.csv not found)")
    # 2.65M draws leave ~2.0M distinct (user, item) plays after repeats are summed.
    users, items, draws = (10_000, 5_000, 400_000) if args.quick else (50_000, 20_000, 2_650_000)
    bench(
        "synthetic",
        synthetic(users, items, draws),
        params,
        max_eval=2_000 if args.quick else 10_000,
        latency=300 if args.quick else 1_000,
    )


if __name__ == "__main__":
    main()
