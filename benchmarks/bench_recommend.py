"""Speed (and, with --quality, accuracy) of pyrec.recommend.

Speed: recommend / similar / search on a synthetic 100k-video catalogue, the
real pipeline (native core index + iALS) side by side with the same pipeline on
a pure-NumPy index and NumPy iALS; p50/p95 and ratios. Also the online update
after a play.

Quality (--quality): the MovieLens evaluation table, plus `implicit` ALS on
the same split (implicit is a bench extra, never a runtime dependency).

    python benchmarks/bench_recommend.py [--videos 100000] [--repeat 50] [--copies 0.03] [--quality]

3% of the synthetic videos have a copy by default (duplicate groups, as the
library stores them), so latencies include treating copies as one video;
--copies 0 measures the catalogue without any.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable

import numpy as np

from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.dupes import DupeGroup
from pyrec.recommend.engine import Recommender


class NumpyIndex:
    """Brute-force exact search, the obvious alternative to the core's index."""

    def __init__(self, dim: int, metric: str = "cosine", dtype: str = "f32") -> None:
        self.dim, self.metric = dim, metric
        self._ids = np.zeros(0, np.int64)
        self._vecs = np.zeros((0, dim), np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        v = np.asarray(vectors, np.float32)
        if self.metric == "cosine":
            v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        self._ids = np.concatenate([self._ids, np.asarray(ids, np.int64)])
        self._vecs = np.concatenate([self._vecs, v])

    def __len__(self) -> int:
        return int(self._ids.size)

    def search(self, queries, k, exclude=None, allow=None):
        q = np.atleast_2d(np.asarray(queries, np.float32))
        if self.metric == "cosine":
            q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        scores = q @ self._vecs.T
        mask = np.zeros(self._ids.size, bool)
        if exclude is not None:
            mask |= np.isin(self._ids, exclude)
        if allow is not None:
            mask |= ~np.isin(self._ids, allow)
        scores[:, mask] = -np.inf
        k = min(k, self._ids.size)
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        ps = np.take_along_axis(scores, part, 1)
        order = np.argsort(-ps, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, 1)
        s = np.take_along_axis(ps, order, 1)
        ids = np.where(np.isfinite(s), self._ids[idx], -1)
        return ids, s


class NumpyALS:
    """iALS (Hu, Koren, Volinsky 2008) with exact per-row solves in NumPy:
    the obvious alternative to the core's iALS, same parameter meanings."""

    def __init__(self, factors: int = 64, regularization: float = 0.01, alpha: float = 1.0, iterations: int = 15,
                 random_state: int | None = 0, num_threads: int = 0) -> None:
        self.factors, self.regularization, self.alpha = factors, regularization, alpha
        self.iterations, self.random_state = iterations, random_state
        self.user_factors = self.item_factors = None

    @staticmethod
    def _csr(m, n_cols=None):
        indptr, indices, data = m
        n_cols = int(indices.max()) + 1 if n_cols is None else n_cols
        return np.asarray(indptr, np.int64), np.asarray(indices, np.int64), np.asarray(data, np.float64), n_cols

    def _solve_rows(self, indptr, indices, data, other):
        gram = other.T @ other
        out = np.zeros((indptr.size - 1, self.factors))
        reg = self.regularization * np.eye(self.factors)
        for r in range(indptr.size - 1):
            lo, hi = indptr[r], indptr[r + 1]
            if lo == hi:
                continue
            y = other[indices[lo:hi]]
            c = self.alpha * data[lo:hi]
            a = gram + (y.T * (c - 1.0)) @ y + reg
            out[r] = np.linalg.solve(a, y.T @ c)
        return out

    def fit(self, user_items, n_items=None) -> NumpyALS:
        indptr, indices, data, n_items = self._csr(user_items, n_items)
        n_users = indptr.size - 1
        rng = np.random.default_rng(self.random_state)
        x = rng.random((n_users, self.factors)) * 0.01
        y = rng.random((n_items, self.factors)) * 0.01
        rows = np.repeat(np.arange(n_users), np.diff(indptr))
        order = np.lexsort((rows, indices))
        t_indptr = np.zeros(n_items + 1, np.int64)
        np.cumsum(np.bincount(indices, minlength=n_items), out=t_indptr[1:])
        t_indices, t_data = rows[order], data[order]
        for _ in range(self.iterations):
            x = self._solve_rows(indptr, indices, data, y)
            y = self._solve_rows(t_indptr, t_indices, t_data, x)
        self.user_factors, self.item_factors = x.astype(np.float32), y.astype(np.float32)
        return self

    def recalculate_user(self, userid, user_items):
        indptr, indices, data, _ = self._csr(user_items)
        out = self._solve_rows(indptr, indices, data, self.item_factors.astype(np.float64)).astype(np.float32)
        return out[0] if np.ndim(userid) == 0 else out

    def partial_fit_users(self, userids, user_items):
        new = self.recalculate_user(np.asarray(userids), user_items)
        ids = np.asarray(userids, np.int64)
        if ids.max() >= self.user_factors.shape[0]:
            grown = np.zeros((ids.max() + 1, self.factors), np.float32)
            grown[: self.user_factors.shape[0]] = self.user_factors
            self.user_factors = grown
        self.user_factors[ids] = new

    def recommend(self, userid, user_items, N=10, filter_already_liked_items=True, recalculate_user=False):
        x = self.recalculate_user(userid, user_items) if recalculate_user else self.user_factors[userid]
        scores = self.item_factors @ x
        if filter_already_liked_items:
            scores[np.asarray(user_items[1], np.int64)] = -np.inf
        n = min(N, scores.size)
        part = np.argpartition(-scores, n - 1)[:n]
        order = part[np.argsort(-scores[part], kind="stable")]
        return order.astype(np.int64), scores[order]


# -- synthetic catalogue ----------------------------------------------------

def synthetic_library(n_videos: int, *, profiles: int = 5, plays_per_profile: int = 3000, seed: int = 0,
                      visual_dim: int = 1280, text_dim: int = 384, copies: float = 0.0) -> tuple[Catalog, History, np.ndarray]:
    """A library shaped like a real one: clustered visual and text embeddings
    (EfficientNet-Lite0 and MiniLM sizes), genres, a long tail of people and
    tags, series with episodes, visual labels; profiles that play, like, skip.
    With `copies`, that share of the videos get a copy (ids after n_videos,
    titled "video ORIGINAL (copy)", same entities and labels, embeddings
    within noise; some plays land on copies): `copy_groups` lists them.
    Returns (catalogue, history, label vectors); with copies=0 the library is
    the one earlier runs measured."""
    rng = np.random.default_rng(seed)
    crng = np.random.default_rng(seed + 1)  # copies draw apart, leaving the rest as it was
    n_copies = round(copies * n_videos)
    copy_of = np.sort(crng.choice(n_videos, n_copies, replace=False)) if n_copies else np.zeros(0, np.int64)
    edges: dict[int, list[tuple[str, str, str]]] = {}
    video_labels: dict[int, list[tuple[str, float]]] = {}
    durations: dict[int, float] = {}
    wanted = set(copy_of.tolist())
    b = CatalogBuilder()
    n_clusters = 300
    cluster = rng.integers(0, n_clusters, n_videos)
    genres = [f"genre {i}" for i in range(24)]
    people = rng.zipf(1.6, size=(n_videos, 4)) % 20000
    tags = rng.zipf(1.4, size=(n_videos, 3)) % 5000
    labels = [f"label {i}" for i in range(1000)]
    now = 1.75e9
    series_of = np.where(rng.random(n_videos) < 0.2, rng.integers(0, 2000, n_videos), -1)
    episode_no: dict[int, int] = {}
    for v in range(n_videos):
        vid = v + 1
        s = int(series_of[v])
        ep = None
        if s >= 0:
            ep = episode_no[s] = episode_no.get(s, 0) + 1
        duration = float(rng.integers(300, 8000))
        b.add_video(vid, f"video {vid}", duration=duration, added_at=now - float(rng.integers(0, 800)) * 86400,
                    season=1 if s >= 0 else None, episode=ep)
        c = int(cluster[v])
        mine = [("genre", genres[c % 24], ""), ("genre", genres[(c * 7 + 3) % 24], ""),
                ("person", f"director {people[v, 0]}", "director")]
        mine += [("person", f"actor {a}", "actor") for a in people[v, 1:]]
        mine += [("tag", f"tag {t}", "") for t in tags[v]]
        for kind, name, role in mine:
            b.add_entity(vid, kind, name, role)
        if s >= 0:
            b.add_entity(vid, "series", f"series {s}")
        mine_labels = [(labels[lab], float(rng.random())) for lab in rng.choice(1000, 3, replace=False)]
        for name, score in mine_labels:
            b.add_label(vid, name, score)
        if v in wanted:
            edges[v], video_labels[v], durations[v] = mine, mine_labels, duration
    for k, v in enumerate(copy_of.tolist()):  # a re-encode in Downloads: same film, no series
        vid = n_videos + 1 + k
        b.add_video(vid, f"video {v + 1} (copy)", duration=durations[v], added_at=now - float(crng.integers(0, 800)) * 86400)
        for kind, name, role in edges[v]:
            b.add_entity(vid, kind, name, role)
        for name, score in video_labels[v]:
            b.add_label(vid, name, score)
    ids = np.arange(1, n_videos + n_copies + 1)
    vc = rng.standard_normal((n_clusters, visual_dim)).astype(np.float32)
    visual = vc[cluster] + 0.8 * rng.standard_normal((n_videos, visual_dim)).astype(np.float32)
    tc = rng.standard_normal((n_clusters, text_dim)).astype(np.float32)
    text = tc[cluster] + 0.8 * rng.standard_normal((n_videos, text_dim)).astype(np.float32)
    for name, m in (("efficientnet-lite0/pool", visual), ("minilm-l6-v2/text", text)):
        twin = m[copy_of] + 0.05 * crng.standard_normal((n_copies, m.shape[1])).astype(np.float32)
        b.add_embeddings(name, ids, np.concatenate([m, twin]))
    catalog = b.build()

    rows = []
    for p in range(1, profiles + 1):
        taste = rng.choice(n_clusters, 6, replace=False)
        pool = np.flatnonzero(np.isin(cluster, taste))
        t = now - 400 * 86400
        for _ in range(plays_per_profile):
            v = int(rng.choice(pool)) if rng.random() < 0.8 else int(rng.integers(0, n_videos))
            t += float(rng.exponential(3 * 3600))
            kind = "play" if rng.random() < 0.9 else ("like" if rng.random() < 0.7 else "dislike")
            if n_copies and crng.random() < 0.05:  # now and then the copy is the one played
                v = catalog.pos(n_videos + 1 + int(crng.integers(0, n_copies)))
            rows.append((p, v, kind, None, float(rng.random()) if kind == "play" else None, None, min(t, now)))
    label_vectors = normalise_rows(rng.standard_normal((len(catalog.label_names), text_dim)).astype(np.float32))
    return catalog, History.from_events(rows), label_vectors


def copy_groups(catalog: Catalog) -> list[DupeGroup]:
    """The duplicate groups of a `synthetic_library(copies=...)`: each copy
    with its original (the original is the better copy)."""
    groups: dict[int, list[int]] = {}
    for vid, title in zip(catalog.ids.tolist(), catalog.titles):
        if title.endswith(" (copy)"):
            groups.setdefault(int(title.split()[1]), []).append(int(vid))
    return [DupeGroup(sorted([orig, *more]), orig) for orig, more in sorted(groups.items())]


# -- timing -------------------------------------------------------------------

def timed(fn: Callable[[int], object], repeat: int) -> list[float]:
    fn(0)  # warm caches
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append(1000 * (time.perf_counter() - t0))
    return out


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q))


def bench_speed(n_videos: int, repeat: int, copies: float = 0.03) -> None:
    t0 = time.perf_counter()
    catalog, history, label_vecs = synthetic_library(n_videos, copies=copies)
    groups = copy_groups(catalog)
    print(f"synthetic library: {catalog.n} videos ({len(groups)} with a copy), {catalog.graph.by_video.nnz} edges, "
          f"{len(history)} events ({time.perf_counter() - t0:.1f}s to generate)")

    t0 = time.perf_counter()
    core = Recommender(catalog, history, label_vectors=label_vecs)
    core_start = time.perf_counter() - t0
    t0 = time.perf_counter()
    core.set_duplicates(groups)  # as from_library does with the groups stored in the library
    print(f"duplicate groups in: {1000 * (time.perf_counter() - t0):.1f} ms")
    collab = core.blender.scorer("collaborative")
    # The NumPy path gets the core's fitted factors (fitting iALS in NumPy on
    # 100k items takes minutes and is not what is being compared here).
    t0 = time.perf_counter()
    ref = NumpyALS(factors=collab.params["factors"], regularization=collab.params["regularization"], alpha=collab.params["alpha"])
    ref.user_factors = collab.model.user_factors.copy()
    ref.item_factors = collab.model.item_factors.copy()

    class PrefitALS(NumpyALS):
        def fit(self, user_items, n_items=None):
            self.user_factors, self.item_factors = ref.user_factors.copy(), ref.item_factors.copy()
            return self

    def prefit(**params: object) -> NumpyALS:
        return PrefitALS(factors=ref.factors, regularization=ref.regularization, alpha=ref.alpha)

    numpy_rec = Recommender(catalog, history, label_vectors=label_vecs, index_factory=NumpyIndex, als_factory=prefit)
    numpy_rec.set_duplicates(groups)
    numpy_start = time.perf_counter() - t0
    print(f"start-up: core {core_start:.1f}s, numpy {numpy_start:.1f}s (indexes, iALS fit (core only), graph)")

    rng = np.random.default_rng(1)
    videos = catalog.ids[rng.integers(0, catalog.n, repeat + 1)]
    text_emb = catalog.embeddings["minilm-l6-v2/text"]
    queries = [text_emb.matrix[rng.integers(0, catalog.n)] + 0.3 * label_vecs[rng.integers(0, len(label_vecs))] for _ in range(repeat + 1)]
    fts = [list(catalog.ids[rng.integers(0, catalog.n, 50)]) for _ in range(repeat + 1)]
    profiles = [1, 2, 3, 4, 5]
    now = float(history.timestamp.max()) + 3600

    rows = []
    for name, fn_of in [
        ("recommend (n=20)", lambda r: (lambda i: r.recommend(profiles[i % 5], 20, now=now))),
        ("shelves", lambda r: (lambda i: r.shelves(profiles[i % 5], now=now))),
        ("similar (n=20)", lambda r: (lambda i: r.similar(int(videos[i]), 20))),
        ("search (n=20)", lambda r: (lambda i: r.search("query", query_vector=queries[i], fts=fts[i], n=20))),
    ]:
        c = timed(fn_of(core), repeat)
        n = timed(fn_of(numpy_rec), repeat)
        rows.append((name, c, n))
        gc.collect()

    # Online update after a play: history append + exact single-user re-solve.
    def update(r: Recommender) -> Callable[[int], object]:
        def go(i: int) -> None:
            r.record(profiles[i % 5], int(videos[i]), "play", fraction=0.95, timestamp=now + i)
        return go

    rows.append(("online update after a play", timed(update(core), repeat), timed(update(numpy_rec), repeat)))

    print(f"\nload average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock numbers below)")
    print(f"{'operation':<28} {'core p50':>9} {'core p95':>9} {'numpy p50':>10} {'numpy p95':>10} {'speed-up p50':>13}")
    for name, c, n in rows:
        print(f"{name:<28} {pct(c, 50):>7.2f}ms {pct(c, 95):>7.2f}ms {pct(n, 50):>8.2f}ms {pct(n, 95):>8.2f}ms {pct(n, 50) / pct(c, 50):>12.2f}x")
    targets = {"recommend (n=20)": 50.0, "similar (n=20)": 50.0, "search (n=20)": 50.0, "online update after a play": 5.0}
    for name, c, _ in rows:
        if name in targets:
            verdict = "ok" if pct(c, 50) < targets[name] else "OVER"
            print(f"target {name}: p50 {pct(c, 50):.2f}ms < {targets[name]:.0f}ms: {verdict}")


# -- quality --------------------------------------------------------------------

def bench_quality(directory: str) -> None:
    from pyrec.recommend.evaluate import evaluate_movielens, format_table
    from pyrec.recommend.implicit_baseline import OUR_PARAMS, ImplicitALSScorer

    extra = [ImplicitALSScorer("implicit-als (defaults)"), ImplicitALSScorer("implicit-als (our params)", **OUR_PARAMS)]
    t0 = time.perf_counter()
    rows = evaluate_movielens(directory, k=10, seed=0, extra_scorers=extra)
    print(format_table(rows))
    for r in rows:
        if "weights" in r:
            print(f"{r['split']}: hybrid weights {r['weights']}")
    print(f"({time.perf_counter() - t0:.0f}s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--videos", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--copies", type=float, default=0.03, help="share of videos that have a copy (a duplicate group)")
    ap.add_argument("--quality", action="store_true", help="also run the MovieLens evaluation with implicit")
    ap.add_argument("--no-speed", action="store_true", help="skip the latency part")
    ap.add_argument("--movielens", default="../shared/data/ml-latest-small")
    args = ap.parse_args()
    if not args.no_speed:
        bench_speed(args.videos, args.repeat, args.copies)
    if args.quality:
        print()
        bench_quality(args.movielens)


if __name__ == "__main__":
    main()
