"""Weighted blend of the scorers' normalised outputs.

Each scorer's scores are normalised to 0..1 over the items it scored, then
summed with weights. Disliked or hidden videos are never returned; watched
ones optionally. The default weights were tuned by offline evaluation (see
`evaluate.tune_weights`, MovieLens validation split) for the scorers MovieLens
can exercise; the context scorers' weights are set so that a resumable video
or the next episode outranks taste-based picks, and habits stay a tiebreaker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from pyrec.recommend.base import Request, Scorer, Scores
from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.explain import Reason, top_reasons

DEFAULT_WEIGHTS: dict[str, float] = {
    # Tuned on MovieLens (ml-latest-small, two temporal validation folds; see
    # evaluate.tune_weights), for the scorers MovieLens can exercise:
    "collaborative": 0.75,
    "itemknn": 0.75,
    "sequence": 1.0,
    "popularity": 0.2,
    # MovieLens has only genres and a few tags, which iALS already captures,
    # so it tunes these to ~0. In a library they carry what iALS cannot see
    # (pixels, people, series) and are the only signal for new videos: set by hand.
    "content:text": 0.2,
    "content:visual": 0.3,
    "graph": 0.3,
    # Not exercised by MovieLens (no plays): a resumable video or the next
    # episode outranks taste; habits are a tiebreaker, never a verdict.
    "continue": 4.0,
    "next_episode": 4.0,
    "habits": 0.1,
}


LOG_EPS = 0.1  # curvature of the "log" normalisation (chosen on validation)


def normalise(scores: Scores, n: int, method: str = "log") -> np.ndarray:
    """Dense 0..1 scores; items the scorer did not score get 0.

    "log" (the default) is "max" bent by log(1 + x/eps): it separates a
    scorer's top picks from its long tail of weak matches, so a scorer that
    barely likes thousands of videos cannot outvote one that is sure of a few.
    """
    out = np.zeros(n, dtype=np.float32)
    v = scores.values.astype(np.float64)
    if v.size == 0:
        return out
    if method == "rank":
        order = np.argsort(-v, kind="stable")
        ranks = np.empty(v.size)
        ranks[order] = np.arange(v.size)
        out[scores.positions] = 1.0 - ranks / v.size
    elif method == "minmax":
        lo, hi = v.min(), v.max()
        out[scores.positions] = (v - lo) / (hi - lo) if hi > lo else 1.0
    else:  # "max": keeps ratios, negatives count as no evidence
        top = v.max()
        x = np.maximum(v, 0.0) / top if top > 0 else np.zeros_like(v)
        if method == "log":
            x = np.log1p(x / LOG_EPS) / np.log1p(1.0 / LOG_EPS)
        out[scores.positions] = x
    return out


@dataclass
class Recommendation:
    video_id: int
    position: int  # catalogue position
    score: float
    reasons: list[Reason] = field(default_factory=list)
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"video_id": self.video_id, "title": self.title, "score": round(self.score, 6),
                "reasons": [r.to_json() for r in self.reasons]}


@dataclass
class Blended:
    """One request's blend: total score per catalogue position plus what each
    scorer said, kept for explanations."""

    total: np.ndarray  # float32 [n]
    outputs: dict[str, Scores]
    parts: dict[str, np.ndarray]  # weighted normalised contribution per scorer, dense
    allowed: np.ndarray  # bool [n]: may be shown


class Blender:
    def __init__(
        self,
        scorers: Sequence[Scorer],
        weights: Mapping[str, float] | None = None,
        *,
        normalisation: str = "log",
        skip_penalty: float = 0.5,  # multiplier for videos the profile skipped
    ) -> None:
        self.scorers = list(scorers)
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        self.normalisation = normalisation
        self.skip_penalty = skip_penalty

    def fit(self, catalog: Catalog, history: History) -> Blender:
        for s in self.scorers:
            s.fit(catalog, history)
        return self

    def scorer(self, name: str) -> Scorer:
        for s in self.scorers:
            if s.name == name:
                return s
        raise KeyError(name)

    def blend(self, req: Request, *, exclude_watched: bool = True, allow: np.ndarray | None = None) -> Blended:
        n = req.catalog.n
        req = replace(req, score_seen=not exclude_watched)
        total = np.zeros(n, dtype=np.float32)
        outputs: dict[str, Scores] = {}
        parts: dict[str, np.ndarray] = {}
        for s in self.scorers:
            w = self.weights.get(s.name, 0.0)
            if w == 0.0:
                continue
            out = s.score(req)
            outputs[s.name] = out
            part = w * normalise(out, n, self.normalisation)
            parts[s.name] = part
            total += part
        prefs = req.prefs
        allowed = ~prefs.negative
        if exclude_watched:
            allowed &= ~prefs.watched
        if allow is not None:
            allowed &= allow
        total = np.where(prefs.skipped, total * self.skip_penalty, total)
        return Blended(total.astype(np.float32), outputs, parts, allowed)

    def top(self, blended: Blended, k: int) -> np.ndarray:
        """Best k allowed positions with a positive score, best first."""
        score = np.where(blended.allowed & (blended.total > 0), blended.total, -np.inf)
        k = min(k, int(np.isfinite(score).sum()))
        if k <= 0:
            return np.zeros(0, np.int64)
        part = np.argpartition(-score, k - 1)[:k]
        return part[np.argsort(-score[part], kind="stable")].astype(np.int64)

    def explain(self, blended: Blended, position: int, k: int = 3) -> list[Reason]:
        found: list[Reason] = []
        for name, part in blended.parts.items():
            contribution = float(part[position])
            if contribution <= 0:
                continue
            for i, r in enumerate(blended.outputs[name].explain(position)):
                # The scorer's own ordering, scaled to its share of the blend.
                found.append(Reason(r.kind, {**r.data, "scorer": name}, contribution * (0.9 ** i), r.text))
        return top_reasons(found, k)

    def recommend(
        self, req: Request, n: int = 20, *, exclude_watched: bool = True, allow: np.ndarray | None = None,
        reasons: int = 3,
    ) -> list[Recommendation]:
        b = self.blend(req, exclude_watched=exclude_watched, allow=allow)
        return [self.to_recommendation(req.catalog, b, int(p), reasons) for p in self.top(b, n)]

    def to_recommendation(self, catalog: Catalog, blended: Blended, p: int, reasons: int = 3) -> Recommendation:
        return Recommendation(int(catalog.ids[p]), p, float(blended.total[p]), self.explain(blended, p, reasons), catalog.titles[p])
