"""Shelves for a home screen: For you, Continue watching, Next episodes,
Because you watched X, New in the library, Rediscover."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.blend import Blended, Blender, Recommendation
from pyrec.recommend.dupes.copies import DupeIndex
from pyrec.recommend.explain import Reason, reason, top_reasons
from pyrec.recommend.signals import DAY


class ShelfSource(Protocol):
    """What the shelves ask of a recommender (engine.Recommender is one):
    the shelves depend on this interface, not on the engine that uses them."""

    dupes: DupeIndex
    blender: Blender

    def blend(self, req: Request, *, exclude_watched: bool = True, allow: np.ndarray | None = None) -> Blended: ...

    def rank(self, req: Request, blended: Blended, n: int, *, diversity: float | None = None) -> list[Recommendation]: ...

    def context_scores(self, req: Request, name: str) -> Scores: ...

    def similar_positions(self, position: int, n: int = 20, *,
                          allowed: np.ndarray | None = None) -> list[tuple[int, float, list[Reason]]]: ...


@dataclass
class Shelf:
    key: str  # stable id: "for_you", "continue", "because:<video id>", "new", "rediscover"
    title: str
    items: list[Recommendation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "items": [r.to_json() for r in self.items]}


@dataclass(frozen=True)
class ShelfConfig:
    n: int = 20
    because_count: int = 3  # "Because you watched" shelves, one per recent strong positive
    because_min_confidence: float = 0.8  # about one full, recent viewing
    because_min_items: int = 2  # fewer fresh picks than this: no "Because you watched" shelf (one leftover is noise)
    new_days: float = 30.0
    rediscover_after_days: float = 365.0


def build_shelves(rec: ShelfSource, req: Request, cfg: ShelfConfig = ShelfConfig()) -> list[Shelf]:
    """The home page. A video (or any copy of it) shows on one shelf only,
    the first in this precedence: Continue watching, Next episodes, For you,
    Because you watched … (most recent first), New, Rediscover; each later
    shelf fills its slots from candidates not shown above, so it stays full
    while there are any."""
    cat, prefs = req.catalog, req.prefs
    shelves: list[Shelf] = []
    shown = np.zeros(cat.n, dtype=bool)  # on a shelf above, or a copy of such a video

    def take(order: np.ndarray | list[int], n: int) -> list[int]:
        picked: list[int] = []
        for p in order:
            if len(picked) == n:
                break
            if not shown[p]:
                shown[rec.dupes.siblings(int(p))] = True
                picked.append(int(p))
        return picked

    blended = rec.blend(req, exclude_watched=True)
    for name, title in (("continue", "Continue watching"), ("next_episode", "Next episodes")):
        ctx = rec.context_scores(req, name)
        if ctx.positions.size:
            dense = ctx.dense(cat.n)
            order = take(ctx.positions[np.argsort(-ctx.values, kind="stable")], cfg.n)
            if order:
                shelves.append(Shelf(name, title, [
                    Recommendation(int(cat.ids[p]), p, float(dense[p]), ctx.explain(p), cat.titles[p]) for p in order]))

    allowed = blended.allowed
    for_you = rec.rank(req, replace(blended, allowed=allowed & ~shown), cfg.n)
    take([r.position for r in for_you], cfg.n)
    shelves.append(Shelf("for_you", "For you", for_you))

    # Because you watched X: the most recent strong positives, each its own shelf.
    strong = np.flatnonzero(prefs.watched & (prefs.confidence >= cfg.because_min_confidence) & ~prefs.negative)
    strong = strong[np.argsort(-np.nan_to_num(prefs.positive_time[strong], nan=-np.inf), kind="stable")]
    used_series: set[int] = set()
    count = 0
    for x in strong.tolist():
        if count == cfg.because_count:
            break
        series = int(cat.series[x])
        if series >= 0 and series in used_series:
            continue  # one shelf per show, not one per episode
        # The show's own episodes belong to "Next episodes", not here.
        ok = allowed & ~shown & (cat.series != series) if series >= 0 else allowed & ~shown
        name = cat.graph.names[series] if series >= 0 else cat.titles[x]
        items = []
        for p, score, rs in rec.similar_positions(x, cfg.n, allowed=ok):
            # The shelf's title already says "because you watched X": a card
            # says how it relates to X ("same director as X"); one with
            # nothing specific (or only "a little like X") is not put under X.
            if all(r.data.get("faint") for r in rs):
                continue
            items.append(Recommendation(int(cat.ids[p]), p, score, top_reasons(rs, 3), cat.titles[p]))
        if len(items) >= min(cfg.because_min_items, cfg.n):
            take([r.position for r in items], cfg.n)
            shelves.append(Shelf(f"because:{int(cat.ids[x])}", f"Because you watched {name}", items))
            used_series.add(series)
            count += 1

    # New in the library, ordered by how well they fit this profile.
    fresh = allowed & ~shown & (cat.added_at >= req.now - cfg.new_days * DAY) & (cat.added_at <= req.now)
    idx = np.flatnonzero(fresh)
    if idx.size:
        newest = float(cat.added_at[idx].max())
        key = blended.total[idx] + 1e-3 * (cat.added_at[idx] - newest) / DAY  # ties: newest first
        order = take(idx[np.argsort(-key, kind="stable")], cfg.n)
        shelves.append(Shelf("new", "New in the library", [
            Recommendation(int(cat.ids[p]), p, float(blended.total[p]),
                           top_reasons([reason("new", 1.0, added_at=float(cat.added_at[p])), *rec.blender.explain(blended, p, 2)], 3),
                           cat.titles[p]) for p in order]))

    # Rediscover: liked long ago and not watched since.
    last = np.nan_to_num(prefs.last_time, nan=np.inf)
    old = np.flatnonzero((prefs.explicit | (prefs.confidence >= cfg.because_min_confidence)) & ~prefs.negative
                         & (req.now - last >= cfg.rediscover_after_days * DAY) & ~shown)
    if old.size:
        age = (req.now - last[old]) / DAY
        key = prefs.confidence[old] * np.log1p(age / cfg.rediscover_after_days)
        rank = {p: i for i, p in enumerate(old.tolist())}
        order = take(old[np.argsort(-key, kind="stable")], cfg.n)
        shelves.append(Shelf("rediscover", "Rediscover", [
            Recommendation(int(cat.ids[p]), p, float(key[rank[p]]),
                           [reason("rediscover", 1.0, age_days=round(float(age[rank[p]]), 1))], cat.titles[p]) for p in order]))
    return shelves
