"""Baselines: popularity (also "popular with your other profiles") and
item-kNN (cosine between videos over who watched them)."""

from __future__ import annotations

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.cooccur import Interactions, best_cowatched, build_interactions
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.signals import SignalConfig


class PopularityScorer:
    """How many profiles (other than the asking one) like a video, log-scaled.

    With a half-life, each profile's vote fades with the time between its
    last interaction and the request: what is popular *lately*."""

    def __init__(self, *, name: str = "popularity", cfg: SignalConfig = SignalConfig(), half_life_days: float | None = 365.0, weighted: bool = True) -> None:
        self.name = name
        self.weighted = weighted  # sum confidences (a liked or well-rated video counts more) instead of counting
        self.cfg = cfg
        self.half_life_days = half_life_days
        self.inter: Interactions | None = None
        self.counts = np.zeros(0, np.float32)

    def fit(self, catalog: Catalog, history: History) -> PopularityScorer:
        self.inter = build_interactions(history, catalog.n, catalog.durations, self.cfg, session_gap_hours=None)
        m = self.inter.matrix
        self.counts = np.bincount(m.indices, minlength=catalog.n).astype(np.float32)
        # Last interaction time of every (profile, video) pair, for the decay.
        key = history.profile * catalog.n + history.video
        order = np.lexsort((history.timestamp, key))
        last = np.r_[key[order][1:] != key[order][:-1], True] if key.size else np.zeros(0, dtype=bool)
        self.pair_item = history.video[order][last]
        self.pair_time = history.timestamp[order][last]
        self.pair_profile = history.profile[order][last]
        positive = np.zeros(self.pair_item.size, dtype=bool)
        for p, row in self.inter.profile_row.items():  # keep the pairs the matrix keeps
            cols, _ = m.row(row)
            sel = self.pair_profile == p
            positive[sel] = np.isin(self.pair_item[sel], cols)
        self.pair_item, self.pair_time, self.pair_profile = self.pair_item[positive], self.pair_time[positive], self.pair_profile[positive]
        conf = {p: dict(zip(*(a.tolist() for a in m.row(r)))) for p, r in self.inter.profile_row.items()}
        self.pair_weight = np.array([conf[p][v] for p, v in zip(self.pair_profile.tolist(), self.pair_item.tolist())], dtype=np.float64) \
            if self.weighted else np.ones(self.pair_item.size)
        self.counts = np.bincount(self.pair_item, weights=self.pair_weight, minlength=catalog.n).astype(np.float32)
        return self

    def _counts(self, req: Request) -> np.ndarray:
        if self.half_life_days is None:
            return self.counts.copy()
        w = self.pair_weight * np.power(0.5, np.abs(req.now - self.pair_time) / (self.half_life_days * 86400.0))
        return np.bincount(self.pair_item, weights=w, minlength=self.counts.size).astype(np.float32)

    def score(self, req: Request) -> Scores:
        assert self.inter is not None
        counts = self._counts(req)
        # One's own plays are all on seen videos, so this leaves the others' votes.
        counts[req.unscored] = 0.0
        n_profiles = max(len(self.inter.profile_row) - (req.profile in self.inter.profile_row), 1)
        values = np.log1p(np.maximum(counts, 0.0)).astype(np.float32)
        several = len(self.inter.profile_row) <= 20  # a household, not a dataset

        def explain(p: int) -> list[Reason]:
            if several and counts[p] > 0:
                return [reason("other_profiles", float(counts[p] / n_profiles), profiles=int(counts[p]))]
            return [reason("popular", float(counts[p] / n_profiles), profiles=int(counts[p]))]

        return Scores.from_dense(self.name, values, explain)


class ItemKNNScorer:
    """Sum of cosine similarities to the liked videos, computed as two sparse
    products (X^T (X q)) / |i| instead of materialising an item-item matrix."""

    def __init__(self, *, name: str = "itemknn", cfg: SignalConfig = SignalConfig(), shrink: float = 10.0) -> None:
        self.name = name
        self.cfg = cfg
        self.shrink = shrink
        self.inter: Interactions | None = None

    def fit(self, catalog: Catalog, history: History) -> ItemKNNScorer:
        self.inter = build_interactions(history, catalog.n, catalog.durations, self.cfg, session_gap_hours=None)
        m = self.inter.matrix
        self.binary = type(m)(m.indptr, m.indices, np.ones_like(m.data), m.shape)
        return self

    def score(self, req: Request) -> Scores:
        assert self.inter is not None
        liked = req.prefs.positives()
        if liked.size == 0:
            return Scores.empty(self.name)
        norms = self.inter.item_norms
        q = np.zeros(self.binary.shape[1], dtype=np.float32)
        q[liked] = req.prefs.confidence[liked] / np.maximum(norms[liked], 1e-12)
        per_row = self.binary.dot(q)
        row = self.inter.profile_row.get(req.profile)
        if row is not None:
            per_row[row] = 0.0  # one's own row says nothing about unseen videos
        values = self.binary.rdot(per_row) / (norms + self.shrink)
        values[req.unscored] = 0.0
        inter, catalog, weights = self.inter, req.catalog, req.prefs.confidence[liked]

        def explain(p: int) -> list[Reason]:
            j, cos = best_cowatched(inter, p, liked, weights)
            if j < 0:
                return []
            return [reason("co_watched", cos, video_id=int(catalog.ids[j]), title=catalog.titles[j])]

        return Scores.from_dense(self.name, values.astype(np.float32), explain)
