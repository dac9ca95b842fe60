"""Offline evaluation: hold-out splits, per-scorer and hybrid metrics, weight
tuning on a validation split, cold-start items.

Every scorer is run once per user and its normalised scores kept as a dense
[users x videos] matrix, so trying blend weights costs a matrix sum, not a
re-run; `Blender.blend` computes exactly the same sum at serving time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pyrec.recommend import metrics
from pyrec.recommend.base import Request, Scorer
from pyrec.recommend.blend import DEFAULT_WEIGHTS, normalise
from pyrec.recommend.catalog import KIND, Catalog, History
from pyrec.recommend.collaborative import ModelFactory
from pyrec.recommend.signals import SignalConfig, event_weights
from pyrec.recommend.suite import default_scorers
from pyrec.recommend.vectors import IndexFactory

Positive = Callable[[History], np.ndarray]
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0)


@dataclass
class Split:
    train: History
    test: dict[int, np.ndarray]  # profile -> held-out relevant positions


def rating_positive(threshold: float = 4.0) -> Positive:
    """MovieLens: a held-out rating at or above the threshold is relevant."""

    def positive(h: History) -> np.ndarray:
        return ((h.kind == KIND["rate"]) & (h.value >= threshold)) | (h.kind == KIND["like"])

    return positive


def engagement_positive(durations: np.ndarray, cfg: SignalConfig = SignalConfig()) -> Positive:
    """A library: a held-out video counts when it was finished, liked or rated well."""

    def positive(h: History) -> np.ndarray:
        w, watched, _ = event_weights(h, durations, cfg)
        return (watched & (w > 0)) | (h.kind == KIND["like"])

    return positive


def holdout_per_user(
    history: History, positive: Positive, *, mode: str = "temporal", test_fraction: float = 0.2, min_events: int = 5, seed: int = 0
) -> Split:
    """Per profile, hold out its last (temporal) or a random share of events;
    relevant = positive held-out videos the profile had not seen in training."""
    rng = np.random.default_rng(seed)
    test_mask = np.zeros(len(history), dtype=bool)
    for p in history.profiles.tolist():
        idx = np.flatnonzero(history.profile == p)  # already in time order
        if idx.size < min_events:
            continue
        n_test = max(1, int(round(test_fraction * idx.size)))
        chosen = idx[-n_test:] if mode == "temporal" else rng.choice(idx, n_test, replace=False)
        test_mask[chosen] = True
    train, held = history.select(~test_mask), history.select(test_mask)
    pos = positive(held)
    test: dict[int, np.ndarray] = {}
    for p in np.unique(held.profile[pos]).tolist():
        seen = np.unique(train.video[train.profile == p])
        rel = np.setdiff1d(np.unique(held.video[pos & (held.profile == p)]), seen)
        if rel.size:
            test[int(p)] = rel
    return Split(train, test)


def holdout_by_time(history: History, positive: Positive, *, test_fraction: float = 0.2) -> Split:
    """A library's history: everything after a global cut-off time is the test."""
    if len(history) == 0:
        return Split(history, {})
    cut = float(np.quantile(history.timestamp, 1.0 - test_fraction))
    train, held = history.select(history.timestamp <= cut), history.select(history.timestamp > cut)
    pos = positive(held)
    test: dict[int, np.ndarray] = {}
    for p in np.unique(held.profile[pos]).tolist():
        if not (train.profile == p).any():
            continue
        seen = np.unique(train.video[train.profile == p])
        rel = np.setdiff1d(np.unique(held.video[pos & (held.profile == p)]), seen)
        if rel.size:
            test[int(p)] = rel
    return Split(train, test)


def cold_item_split(
    history: History, n_items: int, positive: Positive, *, fraction: float = 0.1, min_interactions: int = 5, seed: int = 0
) -> tuple[Split, np.ndarray]:
    """Hold out a set of videos entirely: their interactions leave training;
    each profile's positives among them are the test. Returns (split, cold positions)."""
    counts = np.bincount(history.video, minlength=n_items)
    eligible = np.flatnonzero(counts >= min_interactions)
    rng = np.random.default_rng(seed)
    cold = np.sort(rng.choice(eligible, max(1, int(fraction * eligible.size)), replace=False))
    is_cold = np.isin(history.video, cold)
    train, held = history.select(~is_cold), history.select(is_cold)
    pos = positive(held)
    test: dict[int, np.ndarray] = {}
    trained = set(np.unique(train.profile).tolist())
    for p in np.unique(held.profile[pos]).tolist():
        if p in trained:
            test[int(p)] = np.unique(held.video[pos & (held.profile == p)])
    return Split(train, test), cold


@dataclass
class ScoreTable:
    """Normalised scores of every scorer for every test user, and what may be shown."""

    users: list[int]
    mats: dict[str, np.ndarray]  # name -> float32 [U, n]
    allowed: np.ndarray  # bool [U, n]
    seconds: dict[str, float]  # time spent per scorer
    columns: np.ndarray | None = None  # [U, n'] catalogue position of each column, when pooled

    def positions(self, lists: np.ndarray) -> np.ndarray:
        return lists if self.columns is None else np.take_along_axis(self.columns, lists, 1)


def score_table(scorers: Sequence[Scorer], catalog: Catalog, train: History, users: Sequence[int], cfg: SignalConfig = SignalConfig(), normalisation: str = "log") -> ScoreTable:
    n = catalog.n
    mats = {s.name: np.zeros((len(users), n), dtype=np.float32) for s in scorers}
    allowed = np.zeros((len(users), n), dtype=bool)
    seconds = {s.name: 0.0 for s in scorers}
    for i, u in enumerate(users):
        req = Request.build(catalog, train, u, utc_offset=0.0, cfg=cfg)
        allowed[i] = ~req.prefs.negative & ~req.prefs.watched & ~req.prefs.seen
        for s in scorers:
            t0 = time.perf_counter()
            mats[s.name][i] = normalise(s.score(req), n, normalisation)
            seconds[s.name] += time.perf_counter() - t0
    return ScoreTable(list(users), mats, allowed, seconds)


def candidate_pool(table: ScoreTable, size: int = 200) -> ScoreTable:
    """The same table restricted, per user, to the union of every scorer's
    top `size` allowed videos (columns re-packed, padding not allowed). A
    non-negative blend's top 10 essentially never comes from outside it, so
    weight tuning can run on a few hundred columns instead of the catalogue."""
    n_users, n = table.allowed.shape
    size = min(size, n)
    picks = []
    for m in table.mats.values():
        score = np.where(table.allowed, m, -np.inf)
        picks.append(np.argpartition(-score, size - 1, axis=1)[:, :size])
    cand = np.concatenate(picks, axis=1)
    cand.sort(axis=1)
    dup = np.zeros_like(cand, dtype=bool)
    dup[:, 1:] = cand[:, 1:] == cand[:, :-1]
    width = int((~dup).sum(axis=1).max())
    cols = np.zeros((n_users, width), dtype=np.int64)
    valid = np.zeros((n_users, width), dtype=bool)
    for i in range(n_users):
        u = cand[i][~dup[i]]
        cols[i, : u.size] = u
        valid[i, : u.size] = True
    rows = np.arange(n_users)[:, None]
    mats = {name: m[rows, cols] for name, m in table.mats.items()}
    allowed = table.allowed[rows, cols] & valid
    return ScoreTable(table.users, mats, allowed, table.seconds, cols)


def top_k(total: np.ndarray, allowed: np.ndarray, k: int) -> np.ndarray:
    """[U, k] best allowed positions per row (ties broken by position)."""
    score = np.where(allowed, total, -np.inf)
    part = np.argpartition(-score, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(score, part, 1)
    order = np.lexsort((part, -vals), axis=1)
    return np.take_along_axis(part, order, 1)


def combine(table: ScoreTable, weights: Mapping[str, float]) -> np.ndarray:
    total = np.zeros_like(table.allowed, dtype=np.float32)
    for name, w in weights.items():
        if w and name in table.mats:
            total += np.float32(w) * table.mats[name]
    return total


def list_metrics(
    lists: np.ndarray, users: Sequence[int], test: Mapping[int, np.ndarray], k: int,
    *, popularity: np.ndarray, n_users: int, n_items: int, vectors: Any = None,
) -> dict[str, float]:
    nd, rc, ap, hr, div, nov = [], [], [], [], [], []
    for row, u in zip(lists, users):
        ranked = [int(x) for x in row]
        rel = set(test[u].tolist())
        nd.append(metrics.ndcg_at_k(ranked, rel, k))
        rc.append(metrics.recall_at_k(ranked, rel, k))
        ap.append(metrics.average_precision_at_k(ranked, rel, k))
        hr.append(metrics.hit_rate_at_k(ranked, rel, k))
        nov.append(metrics.novelty(ranked, popularity, n_users))
        if vectors is not None:
            div.append(metrics.intra_list_diversity(ranked, vectors.matrix, vectors.present))
    return {
        f"ndcg@{k}": float(np.mean(nd)), f"recall@{k}": float(np.mean(rc)), f"map@{k}": float(np.mean(ap)),
        f"hit@{k}": float(np.mean(hr)), "coverage": metrics.coverage(lists.tolist(), n_items),
        "diversity": float(np.mean(div)) if div else float("nan"), "novelty": float(np.mean(nov)), "users": len(users),
    }


def tune_weights(
    tables: Sequence[tuple[ScoreTable, Mapping[int, np.ndarray]]], k: int = 10, *, names: Sequence[str] | None = None,
    grid: Sequence[float] = WEIGHT_GRID, rounds: int = 3, tolerance: float = 1e-4,
) -> tuple[dict[str, float], float]:
    """Coordinate ascent on mean NDCG@k over one or more validation splits
    (never the test split). Starts from the best single scorer, so the blend
    is never worse than it on validation; a change must gain `tolerance`."""
    names = list(names or tables[0][0].mats)
    tables = [(candidate_pool(t), test) for t, test in tables]
    relevant = [[set(test[u].tolist()) for u in table.users] for table, test in tables]

    def objective(weights: Mapping[str, float]) -> float:
        total = 0.0
        for (table, _), rel in zip(tables, relevant):
            lists = table.positions(top_k(combine(table, weights), table.allowed, k))
            total += float(np.mean([metrics.ndcg_at_k(row.tolist(), r, k) for row, r in zip(lists, rel)]))
        return total / len(tables)

    singles = {n: objective({n: 1.0}) for n in names}
    first = max(singles, key=lambda n: singles[n])
    w = {n: 1.0 if n == first else 0.0 for n in names}
    best = singles[first]
    for _ in range(rounds):
        improved = False
        for n in names:
            for g in grid:
                trial = {**w, n: g}
                if g == w[n] or not any(trial.values()):
                    continue
                val = objective(trial)
                if val > best + tolerance:
                    best, w, improved = val, trial, True
        if not improved:
            break
    return w, best


def _fit_all(scorers: Sequence[Scorer], catalog: Catalog, train: History) -> dict[str, float]:
    seconds = {}
    for s in scorers:
        t0 = time.perf_counter()
        s.fit(catalog, train)
        seconds[s.name] = time.perf_counter() - t0
    return seconds


def _popularity(history: History, n: int) -> tuple[np.ndarray, int]:
    pairs = np.unique(history.profile * n + history.video)
    return np.bincount(pairs % n, minlength=n).astype(np.float64), int(history.profiles.size)


def run_evaluation(
    catalog: Catalog,
    history: History,
    split: Split,
    validation: Sequence[Split] = (),
    *,
    k: int = 10,
    label: str = "",
    cfg: SignalConfig = SignalConfig(),
    extra_scorers: Sequence[Scorer] = (),
    index_factory: IndexFactory | None = None,
    als_factory: ModelFactory | None = None,
    weights: Mapping[str, float] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Rows of metrics for each single scorer, item-kNN, extras and the hybrid.
    Weights are tuned on the `validation` splits when given, else `weights`/defaults."""

    def make() -> list[Scorer]:
        return default_scorers(catalog, cfg=cfg, index_factory=index_factory, als_factory=als_factory)

    tuned = dict(weights or DEFAULT_WEIGHTS)
    tables = []
    for v in validation:
        if v.test:
            scorers = make()
            _fit_all(scorers, catalog, v.train)
            tables.append((score_table(scorers, catalog, v.train, sorted(v.test), cfg), v.test))
    if tables:
        names = [n for n, m in tables[0][0].mats.items() if m.any()]
        tuned, _ = tune_weights(tables, k, names=names)

    scorers = [*make(), *extra_scorers]
    fit_s = _fit_all(scorers, catalog, split.train)
    users = sorted(split.test)
    table = score_table(scorers, catalog, split.train, users, cfg)
    pop, n_users = _popularity(split.train, catalog.n)
    vectors = next(iter(catalog.embeddings.values()), None)
    rows = []
    for s in scorers:
        if not table.mats[s.name].any():
            continue
        lists = top_k(table.mats[s.name], table.allowed, k)
        rows.append({"split": label, "model": s.name, **list_metrics(lists, users, split.test, k, popularity=pop,
                     n_users=n_users, n_items=catalog.n, vectors=vectors),
                     "fit_s": round(fit_s[s.name], 3), "ms_per_user": round(1000 * table.seconds[s.name] / max(len(users), 1), 3)})
    lists = top_k(combine(table, tuned), table.allowed, k)
    rows.append({"split": label, "model": "hybrid", **list_metrics(lists, users, split.test, k, popularity=pop,
                 n_users=n_users, n_items=catalog.n, vectors=vectors),
                 "fit_s": round(sum(fit_s[n] for n in tuned if n in fit_s and tuned[n]), 3),
                 "ms_per_user": round(1000 * sum(table.seconds[n] for n in tuned if n in table.seconds and tuned[n]) / max(len(users), 1), 3)})
    return rows, tuned


def _cold_scorers(catalog: Catalog, cfg: SignalConfig, index_factory: IndexFactory | None) -> list[Scorer]:
    return [s for s in default_scorers(catalog, cfg=cfg, index_factory=index_factory) if s.name.startswith("content") or s.name == "graph"]


def run_cold_start(
    catalog: Catalog, history: History, positive: Positive, *, k: int = 10, seed: int = 0,
    cfg: SignalConfig = SignalConfig(), index_factory: IndexFactory | None = None, fraction: float = 0.1,
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Recommend held-out (never-interacted) videos from content and graph
    alone; candidates are the cold videos, so random is 1/|cold| per slot.
    The content/graph weights are tuned on a second cold split carved out of
    the training interactions. Returns (rows, weights)."""
    split, cold = cold_item_split(history, catalog.n, positive, fraction=fraction, seed=seed)
    vsplit, vcold = cold_item_split(split.train, catalog.n, positive, fraction=fraction, seed=seed + 1)

    def table_for(sp: Split, cold_pos: np.ndarray) -> tuple[list[Scorer], ScoreTable]:
        scorers = _cold_scorers(catalog, cfg, index_factory)
        _fit_all(scorers, catalog, sp.train)
        table = score_table(scorers, catalog, sp.train, sorted(sp.test), cfg)
        only = np.zeros(catalog.n, dtype=bool)
        only[cold_pos] = True
        table.allowed &= only[None, :]
        return scorers, table

    _, vtable = table_for(vsplit, vcold)
    weights, _ = tune_weights([(vtable, vsplit.test)], k)
    scorers, table = table_for(split, cold)
    users = table.users
    pop, n_users = _popularity(split.train, catalog.n)
    rows = []
    for name, mat in [*((s.name, table.mats[s.name]) for s in scorers), ("hybrid", combine(table, weights))]:
        lists = top_k(mat, table.allowed, k)
        m = list_metrics(lists, users, split.test, k, popularity=pop, n_users=n_users, n_items=catalog.n)
        m["coverage"] = metrics.coverage(lists.tolist(), cold.size)  # of the cold set
        rows.append({"split": "cold-start items", "model": name, **m})
    # Random ranking of the cold set, in expectation: hit@k = 1 - C(n-r, k)/C(n, k).
    n_cold = cold.size
    exp_hit = float(np.mean([1.0 - math.comb(n_cold - len(split.test[u]), k) / math.comb(n_cold, k) for u in users]))
    rows.append({"split": "cold-start items", "model": "random (expected)", f"ndcg@{k}": float("nan"),
                 f"recall@{k}": min(k / n_cold, 1.0), f"map@{k}": float("nan"), f"hit@{k}": exp_hit, "coverage": 1.0,
                 "diversity": float("nan"), "novelty": float("nan"), "users": len(users)})
    return rows, weights


def evaluate_movielens(
    directory: str | Path,
    k: int = 10,
    seed: int = 0,
    *,
    mode: str = "temporal",
    threshold: float = 4.0,
    cold_start: bool = True,
    extra_scorers: Sequence[Scorer] = (),
    index_factory: IndexFactory | None = None,
    als_factory: ModelFactory | None = None,
) -> list[dict[str, Any]]:
    """The evaluation table on a MovieLens directory (ml-latest-small layout).

    Per-user hold-out (last 20% by time, or random 20%) of positives (rating
    >= threshold); blend weights are tuned on a validation split carved the
    same way out of the training part, never on the test split. Cold-start:
    10% of the items are held out entirely. Returns a list of row dicts.
    """
    from pyrec.recommend.movielens import load_movielens

    catalog, history = load_movielens(directory)
    positive = rating_positive(threshold)
    split = holdout_per_user(history, positive, mode=mode, seed=seed)
    # Two validation folds carved out of training (for a temporal split: the
    # two periods before the test), so weights do not fit one period's quirks.
    val_a = holdout_per_user(split.train, positive, mode=mode, seed=seed + 1)
    val_b = holdout_per_user(val_a.train, positive, mode=mode, seed=seed + 2)
    rows, tuned = run_evaluation(catalog, history, split, (val_a, val_b), k=k, label=f"warm users ({mode})",
                                 extra_scorers=extra_scorers, index_factory=index_factory, als_factory=als_factory)
    for r in rows:
        if r["model"] == "hybrid":
            r["weights"] = {n: w for n, w in tuned.items() if w}
    if cold_start:
        cold_rows, cold_weights = run_cold_start(catalog, history, positive, k=k, seed=seed, index_factory=index_factory)
        for r in cold_rows:
            if r["model"] == "hybrid":
                r["weights"] = {n: w for n, w in cold_weights.items() if w}
        rows += cold_rows
    return rows


def evaluate_history(
    catalog: Catalog, history: History, k: int = 10, *, test_fraction: float = 0.2,
    weights: Mapping[str, float] | None = None, cfg: SignalConfig = SignalConfig(),
) -> list[dict[str, Any]]:
    """How well a library's own history is predicted: train on everything
    before a cut-off time, test on what was finished or liked after it."""
    positive = engagement_positive(catalog.durations, cfg)
    split = holdout_by_time(history, positive, test_fraction=test_fraction)
    if not split.test:
        return []
    rows, _ = run_evaluation(catalog, history, split, k=k, label="library (temporal)", cfg=cfg, weights=weights)
    return rows


def format_table(rows: Sequence[Mapping[str, Any]], k: int = 10) -> str:
    """Rows as a fixed-width text table (for the CLI and the benchmark)."""
    cols = ["split", "model", f"ndcg@{k}", f"recall@{k}", f"map@{k}", f"hit@{k}", "coverage", "diversity", "novelty", "users"]
    out = [" | ".join(f"{c:>10}" if i > 1 else f"{c:<24}" for i, c in enumerate(cols))]
    for r in rows:
        cells = []
        for i, c in enumerate(cols):
            v = r.get(c, "")
            s = f"{v:.4f}" if isinstance(v, float) and not math.isnan(v) else ("-" if isinstance(v, float) else str(v))
            cells.append(f"{s:>10}" if i > 1 else f"{s:<24}")
        out.append(" | ".join(cells))
    return "\n".join(out)
