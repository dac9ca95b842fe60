"""A first look at a library, for a profile with nothing to go on yet.

A new library with no history anywhere (no plays, likes or ratings by any
profile) gives every scorer nothing, and "For you" would be empty just when
a person first asks for it. Instead it shows the library's range: the
videos are grouped by what they look like and are about (spherical k-means
over the content vectors), and each group offers its most typical video,
biggest groups first. The reason says so honestly: "one of 6 like it in your
library, with Salt Lines and Tidewater". A series offers its first episode,
not one from the middle; a damaged copy comes last.

As soon as the profile plays, likes or rates anything, the usual blend has
something to say and this is no longer used (:meth:`Recommender.rank`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.catalog import Catalog
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.kmeans import kmeans

NAMED_FELLOWS = 2  # other group members a reason names


@dataclass(frozen=True)
class SpreadPick:
    position: int
    group_size: int  # videos in the library like it (itself included)
    fellows: tuple[int, ...]  # the group's next most typical videos, best first

    def reasons(self, catalog: Catalog) -> list[Reason]:
        titles = [catalog.titles[p] for p in self.fellows[:NAMED_FELLOWS]]
        return [reason("spread", 1.0 / (1.0 + len(titles)), group=self.group_size, titles=titles)]


def content_matrix(catalog: Catalog, models: list[str]) -> np.ndarray:
    """Each video's content vectors side by side (each model weighs the same),
    unit rows; zero rows for a video no model has."""
    parts = [catalog.embeddings[m].matrix for m in models if m in catalog.embeddings]
    if not parts:
        return np.zeros((catalog.n, 0), np.float32)
    return normalise_rows(np.hstack(parts).astype(np.float32))


def first_episodes(catalog: Catalog, allowed: np.ndarray) -> np.ndarray:
    """``allowed`` with every series reduced to its earliest allowed episode."""
    keep = allowed.copy()
    series = catalog.series
    for s in np.unique(series[allowed & (series >= 0)]).tolist():
        members = np.flatnonzero(allowed & (series == s))
        order = np.lexsort((catalog.episode[members], catalog.season[members]))
        keep[members[order[1:]]] = False
    return keep


def library_spread(catalog: Catalog, vectors: np.ndarray, allowed: np.ndarray, n: int, *,
                   seed: int = 0) -> list[SpreadPick]:
    """Up to ``n`` videos that together show the library's range, most
    common kind first. ``vectors``: :func:`content_matrix`."""
    candidates = np.flatnonzero(first_episodes(catalog, allowed))
    if candidates.size == 0 or n <= 0:
        return []
    x = vectors[candidates] if vectors.shape[1] else np.zeros((candidates.size, 1), np.float32)
    has_vector = np.linalg.norm(x, axis=1) > 0
    damaged = ~np.isnan(catalog.playable[candidates])
    centroids, assign = kmeans(x[has_vector], group_count(int(has_vector.sum()), n), seed=seed) if has_vector.any() else (None, None)
    groups: list[list[int]] = []
    if centroids is not None and assign is not None:
        members = candidates[has_vector]
        typical = (x[has_vector] @ centroids.T)[np.arange(members.size), assign]
        for group in range(centroids.shape[0]):
            inside = np.flatnonzero(assign == group)
            # Most typical first, a damaged copy after every whole one.
            rank = np.lexsort((-typical[inside], damaged[has_vector][inside]))
            if inside.size:
                groups.append(members[inside[rank]].tolist())
    groups.sort(key=lambda g: (-len(g), g[0]))
    groups += [[int(p)] for p in candidates[~has_vector]]  # nothing to compare: each stands alone, last
    # Every group's most typical video first, then every group's second, ...
    picks: list[SpreadPick] = []
    for depth in range(max(len(g) for g in groups)):
        for g in groups:
            if len(picks) == n:
                return picks
            if depth < len(g):
                picks.append(SpreadPick(g[depth], len(g), tuple(g[:depth] + g[depth + 1:])))
    return picks


def group_count(videos: int, n: int) -> int:
    """How many kinds to show: about the square root of the library (18
    videos: 4 kinds; 400: 20), never more than the slots."""
    return max(1, min(n, round(videos ** 0.5)))
