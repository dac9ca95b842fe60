"""Collaborative scorer: implicit ALS (the native core's) over profiles and
viewing sessions.

Profiles alone are too few in a household to learn from, so each viewing
session (plays with no long pause between them) is added as a pseudo-user:
videos watched close together co-occur. After each play the profile's factor
is re-solved exactly from its current confidences (one small linear solve in
the core), so recommendations react at once; item factors wait for the next
retrain, which `stale` asks for once enough has changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.cooccur import Interactions, best_cowatched, build_interactions
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.signals import Preferences, SignalConfig, decay

ModelFactory = Callable[..., Any]


def core_als(**params: Any) -> Any:
    from pyrec.core import ImplicitALS

    return ImplicitALS(**params)


class CollaborativeScorer:
    def __init__(
        self,
        *,
        name: str = "collaborative",
        factors: int = 32,  # factors/regularization/alpha tuned on MovieLens validation
        regularization: float | None = None,  # None: scaled to the data, see fit()
        regularization_scale: float = 1.0,
        alpha: float = 1.0,
        iterations: int = 15,
        random_state: int = 0,
        num_threads: int = 0,
        sessions: bool = True,
        session_gap_hours: float = 3.0,
        session_weight: float = 0.5,
        query_half_life_days: float | None = None,  # extra recency weighting of the profile's row at request time
        candidates: int = 1000,  # top items asked of the core per request; 0 = all
        retrain_after_events: int = 50,  # online updates before item factors are refreshed
        retrain_after_days: float = 7.0,
        cfg: SignalConfig = SignalConfig(),
        model_factory: ModelFactory | None = None,
    ) -> None:
        self.name = name
        self.params: dict[str, Any] = dict(factors=factors, alpha=alpha, iterations=iterations,
                           random_state=random_state, num_threads=num_threads)
        self.regularization = regularization
        self.regularization_scale = regularization_scale
        self.sessions = sessions
        self.session_gap_hours = session_gap_hours
        self.session_weight = session_weight
        self.candidates = candidates
        self.query_half_life_days = query_half_life_days
        self.retrain_after_events = retrain_after_events
        self.retrain_after_days = retrain_after_days
        self.cfg = cfg
        self.model_factory = model_factory or core_als
        self.model: Any = None
        self.inter: Interactions | None = None
        self.n_items = 0
        self.fitted_at = 0.0
        self.updates_since_fit = 0
        self._new_rows: dict[int, int] = {}

    # -- training ----------------------------------------------------------
    def fit(self, catalog: Catalog, history: History) -> CollaborativeScorer:
        self.inter = build_interactions(
            history, catalog.n, catalog.durations, self.cfg,
            session_gap_hours=self.session_gap_hours if self.sessions else None,
            session_weight=self.session_weight,
        )
        m = self.inter.matrix
        if self.regularization is None:
            # The best lambda on MovieLens was ~1x the confidence mass of an
            # average item (15); a household library has a hundred times less
            # data per video, so a fixed lambda would flatten every factor.
            active = max(int(np.count_nonzero(np.bincount(m.indices, minlength=m.shape[1]))), 1)
            self.params["regularization"] = max(self.regularization_scale * float(m.data.sum()) / active, 0.01)
        else:
            self.params["regularization"] = self.regularization
        self.model = self.model_factory(**self.params)
        if m.nnz:
            self.model.fit((m.indptr, m.indices, m.data), n_items=m.shape[1])
        self.n_items = catalog.n
        self.fitted_at = time.time()
        self.updates_since_fit = 0
        self._new_rows = {}
        return self

    def stale(self, catalog: Catalog | None = None, now: float | None = None) -> bool:
        """True when a full retrain is due: new videos have no factors yet,
        many plays were only folded in online, or the model is old."""
        if self.model is None or (self.inter is not None and self.inter.matrix.nnz == 0 and self.updates_since_fit):
            return True
        if catalog is not None and catalog.n != self.n_items:
            return True
        if self.updates_since_fit >= self.retrain_after_events:
            return True
        return ((now or time.time()) - self.fitted_at) > self.retrain_after_days * 86400.0

    # -- serving -----------------------------------------------------------
    def _row(self, prefs: Preferences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The profile's current confidences as a one-row CSR triple."""
        pos = prefs.positives()
        conf = prefs.confidence[pos].astype(np.float64)
        if self.query_half_life_days is not None and pos.size:
            # Short-term taste: what was watched lately, on the same item factors.
            last = np.nan_to_num(prefs.positive_time[pos], nan=-np.inf)
            conf = conf * decay(last, float(last.max()), self.query_half_life_days)
        return np.array([0, pos.size], dtype=np.int64), pos.astype(np.int32), conf.astype(np.float32)

    def _userid(self, profile: int) -> int:
        assert self.inter is not None
        row = self.inter.profile_row.get(profile)
        if row is None:
            row = self._new_rows.setdefault(profile, self.inter.matrix.shape[0] + len(self._new_rows))
        return row

    def update(self, req: Request) -> np.ndarray | None:
        """Online update after a play/like: the exact single-user re-solve,
        stored for the profile. Returns the new factor (None before the first
        fit with data: then only a retrain helps, and `stale` says so)."""
        if self.model is None or self.inter is None or self.inter.matrix.nnz == 0:
            self.updates_since_fit += 1
            return None
        userid = self._userid(req.profile)
        self.model.partial_fit_users(np.array([userid]), self._row(req.prefs))
        self.updates_since_fit += 1
        return np.asarray(self.model.user_factors[userid])

    def user_vector(self, req: Request) -> np.ndarray:
        assert self.model is not None
        return np.asarray(self.model.recalculate_user(self._userid(req.profile), self._row(req.prefs)))

    def score(self, req: Request) -> Scores:
        if self.model is None or self.inter is None or self.inter.matrix.nnz == 0:
            return Scores.empty(self.name)
        row = self._row(req.prefs)
        if row[1].size == 0:
            return Scores.empty(self.name)
        n = self.n_items if self.candidates <= 0 else min(self.candidates, self.n_items)
        ids, scores = self.model.recommend(self._userid(req.profile), row, N=n,
                                           filter_already_liked_items=not req.score_seen, recalculate_user=True)
        ids, scores = np.asarray(ids, np.int64), np.asarray(scores, np.float32)
        keep = (ids >= 0) & np.isfinite(scores)
        keep[keep] &= ~req.unscored[ids[keep]]
        return Scores(self.name, ids[keep], scores[keep], self._explainer(req, row[1], row[2]))

    def _explainer(self, req: Request, liked: np.ndarray, weights: np.ndarray) -> Callable[[int], list[Reason]]:
        inter, catalog = self.inter, req.catalog
        assert inter is not None
        own_row = inter.profile_row.get(req.profile)
        profile_rows = np.flatnonzero(~inter.is_session)
        others = profile_rows[profile_rows != own_row] if own_row is not None else profile_rows
        liked64 = liked.astype(np.int64)

        def explain(p: int) -> list[Reason]:
            out: list[Reason] = []
            rows, _ = inter.by_item.row(p)
            fans = int(np.isin(rows, others).sum())
            if 0 < len(others) <= 20 and fans:  # a household: name it
                out.append(reason("other_profiles", fans / len(others), profiles=fans))
            j, cos = best_cowatched(inter, p, liked64, weights)
            if j >= 0:
                out.append(reason("co_watched", cos, video_id=int(catalog.ids[j]), title=catalog.titles[j]))
            return out

        return explain
