"""Graph scorer over the video-entity bipartite graph.

Two parts: (1) direct overlap — people, genres, tags, series, collections the
candidate shares with what the profile liked, weighted by IDF so a shared
director counts for more than a shared "Drama"; (2) short random walks with
restart from the liked videos (video -> entity -> video, a few steps), which
find less obvious links (an actor who worked with a liked director...). Hub
entities are left out of the walk; the overlap part already covers them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import ROLES, Catalog, History
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.likeness import TAIL
from pyrec.recommend.sparse import CSR, ranges
from pyrec.records import ENTITY_KINDS

ROLE_WEIGHTS = {"": 1.0, "actor": 1.0, "director": 2.0, "writer": 1.5, "producer": 0.5, "creator": 2.0}
KIND_WEIGHTS = {
    "person": 1.0, "genre": 0.6, "tag": 1.0, "studio": 0.7, "series": 2.0,
    "collection": 2.0, "folder": 0.5, "label": 0.5,
    "sound": 0.4,  # talky / music / quiet: a weak hint on its own, IDF-weighted like the rest
}
# A reason names an entity only when it says something: its informativeness
# (see `informativeness`) at least this, and on at most this share of the library.
REASON_FLOOR = 0.25
REASON_MAX_SHARE = 0.5


def informativeness(degree: np.ndarray, n_videos: int) -> np.ndarray:
    """0..1 per entity: IDF scaled so that an entity on one video is 1 and one
    on every video is 0. A folder holding half the library scores ~0.1 in any
    library of a few hundred videos: no reason to recommend anything."""
    n = max(int(n_videos), 1)
    info = np.log((1.0 + n) / (1.0 + np.asarray(degree, dtype=np.float64))) / np.log((1.0 + n) / 2.0) if n > 1 else \
        np.zeros(np.shape(degree))
    ok = np.asarray(degree) <= REASON_MAX_SHARE * n
    return np.where(ok, np.clip(info, 0.0, 1.0), 0.0).astype(np.float32)


def citable(degree: np.ndarray, n_videos: int) -> np.ndarray:
    """bool per entity: specific enough to be given as a reason."""
    return informativeness(degree, n_videos) >= REASON_FLOOR


class GraphScorer:
    def __init__(
        self,
        *,
        name: str = "graph",
        role_weights: Mapping[str, float] = ROLE_WEIGHTS,
        kind_weights: Mapping[str, float] = KIND_WEIGHTS,
        walk_weight: float = 0.3,  # share of the walk part in the final score
        walk_steps: int = 2,
        restart: float = 0.5,  # probability of jumping back to a liked video
        hub_fraction: float = 0.05,  # entities on more than this share of videos (and
        hub_min_degree: int = 20,  # more than this many) are not walked through
        max_liked: int = 300,
        max_frontier: int = 2000,  # videos carried from one walk step to the next (the heaviest)
    ) -> None:
        self.name = name
        self.role_weights = dict(role_weights)
        self.kind_weights = dict(kind_weights)
        self.walk_weight = walk_weight
        self.walk_steps = walk_steps
        self.restart = restart
        self.hub_fraction = hub_fraction
        self.hub_min_degree = hub_min_degree
        self.max_liked = max_liked
        self.max_frontier = max_frontier
        self.catalog: Catalog | None = None

    def fit(self, catalog: Catalog, history: History) -> GraphScorer:
        g = catalog.graph
        self.catalog = catalog
        bv = g.by_video
        role_w = np.array([self.role_weights.get(r, 1.0) for r in ROLES], dtype=np.float32)
        kind_w = np.array([self.kind_weights.get(k, 1.0) for k in ENTITY_KINDS], dtype=np.float32)
        w = bv.data * role_w[g.roles] * kind_w[g.kinds[bv.indices]] * g.idf[bv.indices]
        rows = bv.row_of_entry()
        norm = np.sqrt(np.bincount(rows, weights=w.astype(np.float64) ** 2, minlength=catalog.n))
        wn = (w / np.where(norm > 0, norm, 1.0)[rows]).astype(np.float32)
        self.weighted = CSR(bv.indptr, bv.indices, wn, bv.shape)  # unit TF-IDF rows
        self.info = informativeness(g.degree, catalog.n)
        self.citable = self.info >= REASON_FLOOR

        # Walk transitions without hubs: video -> entity, entity -> video.
        keep = g.degree[bv.indices] <= max(float(self.hub_min_degree), self.hub_fraction * catalog.n)
        ww = np.where(keep, w, 0.0)
        out_v = np.bincount(rows, weights=ww, minlength=catalog.n)
        self.v2e = CSR(bv.indptr, bv.indices, (ww / np.where(out_v > 0, out_v, 1.0)[rows]).astype(np.float32), bv.shape)
        out_e = np.bincount(bv.indices, weights=ww, minlength=g.n_entities)
        self.e2v = CSR.from_coo(bv.indices, rows, ww / np.where(out_e > 0, out_e, 1.0)[bv.indices], (g.n_entities, catalog.n))
        return self

    def profile_vector(self, liked: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The profile's taste over entities: confidence-weighted sum of liked rows."""
        return self.weighted.rdot_rows(liked, weights)

    def walk(self, liked: np.ndarray, weights: np.ndarray) -> np.ndarray:
        n = self.weighted.shape[0]
        p0 = np.zeros(n, dtype=np.float32)
        p0[liked] = weights / weights.sum()
        p = p0
        visits = np.zeros(n, dtype=np.float32)
        for _ in range(self.walk_steps):
            nz = np.flatnonzero(p)
            if nz.size > self.max_frontier:  # keep the walk local: most of the mass sits on few videos
                nz = nz[np.argpartition(-p[nz], self.max_frontier - 1)[: self.max_frontier]]
            e = self.v2e.rdot_rows(nz, p[nz])
            ne = np.flatnonzero(e)
            v = self.e2v.rdot_rows(ne, e[ne])
            visits += v
            p = (1.0 - self.restart) * v + self.restart * p0
        return visits

    def score(self, req: Request) -> Scores:
        assert self.catalog is not None
        prefs = req.prefs
        liked = prefs.positives()
        if liked.size == 0 or self.weighted.nnz == 0:
            return Scores.empty(self.name)
        if liked.size > self.max_liked:
            liked = liked[np.argsort(-prefs.confidence[liked], kind="stable")[: self.max_liked]]
        c = prefs.confidence[liked].astype(np.float64)
        c = c / c.sum()
        u = self.profile_vector(liked, c)
        overlap = self.weighted.dot(u)
        total = overlap / max(float(overlap.max()), 1e-12)
        walk = None
        if self.walk_weight > 0 and self.walk_steps > 0:
            walk = self.walk(liked, c)
            walk[liked] = 0.0
            top = float(walk.max())
            if top > 0:
                total = (1.0 - self.walk_weight) * total + self.walk_weight * walk / top
        total[req.unscored] = 0.0

        return Scores.from_dense(self.name, total.astype(np.float32), self._explainer(liked, c, u, walk))

    def _explainer(self, liked: np.ndarray, c: np.ndarray, u: np.ndarray, walk: np.ndarray | None):
        catalog = self.catalog
        assert catalog is not None
        g, weighted = catalog.graph, self.weighted
        # For every entity of a liked video: the liked video that carries it with most confidence.
        lo, hi = weighted.indptr[liked], weighted.indptr[liked + 1]
        ents = weighted.indices[ranges(lo, hi - lo)]
        owner = np.repeat(liked, hi - lo)
        strength = np.repeat(c, hi - lo)
        order = np.lexsort((-strength, ents))
        first = np.r_[True, ents[order][1:] != ents[order][:-1]] if order.size else np.zeros(0, dtype=bool)
        best_liked = dict(zip(ents[order][first].tolist(), owner[order][first].tolist()))

        def explain(p: int) -> list[Reason]:
            lo, hi = weighted.indptr[p], weighted.indptr[p + 1]
            ents, wv, roles = weighted.indices[lo:hi], weighted.data[lo:hi], g.roles[lo:hi]
            # Specific entities first; a generic one ("Movies", a folder
            # holding most of the library) is never a reason.
            contrib = wv * u[ents] * self.info[ents]
            out: list[Reason] = []
            for j in np.argsort(-contrib)[:3]:
                if contrib[j] <= 0 or not self.citable[ents[j]]:
                    break
                e = int(ents[j])
                src = best_liked.get(e, -1)
                if src < 0:
                    continue
                out.append(reason("shared_entity", float(contrib[j]), entity_kind=g.kind_name(e), name=g.names[e],
                                  role=ROLES[int(roles[j])], video_id=int(catalog.ids[src]), title=catalog.titles[src]))
            if not out and walk is not None and ents.size:
                out.extend(self._walk_reason(p, ents, wv, walk, liked, c))
            if catalog.topics is not None:  # a documentary's artist is its voice: "narrated by"
                out = [catalog.topics.narrated(int(catalog.ids[p]), r) for r in out]
            return out

        return explain

    def _walk_reason(self, p: int, ents: np.ndarray, wv: np.ndarray, walk: np.ndarray, liked: np.ndarray, c: np.ndarray) -> list[Reason]:
        """No shared entity: name the chain the walk used, candidate -e- bridge -e2- liked."""
        catalog = self.catalog
        assert catalog is not None
        g = catalog.graph
        for j in np.argsort(-wv):
            via = int(ents[j])
            if not self.citable[via]:
                continue
            bridges, _ = self.e2v.row(via)
            bridges = bridges[bridges != p]
            if bridges.size == 0:
                continue
            bridge = int(bridges[np.argmax(walk[bridges])])
            b_ents, _ = self.weighted.row(bridge)
            for e2 in b_ents.tolist():
                if not self.citable[e2]:
                    continue
                vids, _ = g.by_entity.row(e2)
                mask = np.isin(liked, vids)
                if mask.any():
                    src = int(liked[mask][np.argmax(c[mask])])
                    return [reason("graph_walk", float(walk[p]), name=g.names[via], video_id=int(catalog.ids[src]),
                                   title=catalog.titles[src], bridge_id=int(catalog.ids[bridge]), bridge=g.names[e2])]
        return []

    def similar_to(self, position: int) -> np.ndarray:
        """IDF-weighted cosine of every video to one video (for "more like this").
        Sharing a folder that holds most of the library makes two videos no
        more alike than it is a reason: such entities count only faintly
        (TAIL), enough to order the rest of a list, never to lead it."""
        ents, wv = self.weighted.row(position)
        u = np.zeros(self.weighted.shape[1], dtype=np.float32)
        u[ents] = wv * np.where(self.citable[ents], 1.0, TAIL)
        sims = self.weighted.dot(u)
        sims[position] = 0.0
        return sims
