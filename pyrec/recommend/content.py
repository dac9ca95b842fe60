"""Content scorer: a profile's taste as a few interest vectors.

What a profile liked is clustered (k-means on a few dozen embeddings) so that
someone who loves both nature documentaries and heist films gets two
interests rather than one blurry average; each interest is matched against
the catalogue through the core's vector index. One scorer per embedding
model: visual and text embeddings each get their own (and their own weight).

Similarities are lifted over the library's own floor (likeness.Baseline):
what every video shares with every other is no evidence, so a look-alike of
what was liked stands out instead of drowning in a long tail of 0.4s.
"""

from __future__ import annotations

import math

import numpy as np

from pyrec.recommend.arrays import small_matmul_t
from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import Catalog, Embeddings, History
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.kmeans import kmeans
from pyrec.recommend.likeness import LOOKALIKE, SAME_SETTING, TAIL, Baseline
from pyrec.recommend.vectors import IndexFactory, IndexLike, build_index, search


class ContentScorer:
    def __init__(
        self,
        model_id: str,
        *,
        modality: str = "visual",  # "visual" or "text": only changes the wording of reasons
        name: str | None = None,
        max_interests: int = 4,
        items_per_interest: int = 10,  # about this many liked items make one interest
        max_liked: int = 200,  # the strongest/most recent liked items that form the taste
        candidates: int = 100,  # hits fetched per interest
        negative_weight: float = 0.5,  # how much closeness to a disliked item costs
        max_negatives: int = 8,
        explain_min_lift: float = LOOKALIKE,  # below this lift no "looks like" is said
        index_factory: IndexFactory | None = None,
        seed: int = 0,
    ) -> None:
        self.model_id = model_id
        self.modality = modality
        self.name = name or f"content:{modality}"
        self.max_interests = max_interests
        self.items_per_interest = items_per_interest
        self.max_liked = max_liked
        self.candidates = candidates
        self.negative_weight = negative_weight
        self.max_negatives = max_negatives
        self.explain_min_lift = explain_min_lift
        self.index_factory = index_factory
        self.seed = seed
        self.emb: Embeddings | None = None
        self.index: IndexLike | None = None
        self.baseline = Baseline(0.0)

    def fit(self, catalog: Catalog, history: History) -> ContentScorer:
        self.emb = catalog.embedding(self.model_id)
        self.index = None if self.emb is None else build_index(self.emb, factory=self.index_factory)
        self.baseline = Baseline(0.0) if self.emb is None else Baseline.measure(self.emb)
        return self

    def interests(self, req: Request) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(centroids [k, d], interest weights [k], liked positions, their cluster)."""
        assert self.emb is not None
        prefs = req.prefs
        liked = prefs.positives()
        liked = liked[self.emb.present[liked]]
        if liked.size > self.max_liked:
            liked = liked[np.argsort(-prefs.confidence[liked], kind="stable")[: self.max_liked]]
        if liked.size == 0:
            d = self.emb.dim
            return np.zeros((0, d), np.float32), np.zeros(0, np.float32), liked, np.zeros(0, np.int64)
        w = prefs.confidence[liked].astype(np.float64)
        k = min(self.max_interests, max(1, math.ceil(liked.size / self.items_per_interest)))
        centroids, assign = kmeans(self.emb.matrix[liked], k, w, seed=self.seed)
        share = np.bincount(assign, weights=w, minlength=centroids.shape[0])
        share = (share / share.sum()).astype(np.float32)
        return centroids, share, liked, assign

    def score(self, req: Request) -> Scores:
        if self.emb is None or self.index is None or len(self.index) == 0:
            return Scores.empty(self.name)
        centroids, share, liked, assign = self.interests(req)
        if centroids.shape[0] == 0:
            return Scores.empty(self.name)
        seen = np.flatnonzero(req.unscored)
        ids, sims = search(self.index, centroids, self.candidates, exclude=seen)
        # A minor interest still gets a voice: its hits are damped, not dropped.
        damp = 0.5 + 0.5 * share / share.max()
        n = req.catalog.n
        best = np.full(n, -np.inf, dtype=np.float32)
        best_interest = np.full(n, -1, dtype=np.int64)
        for i in range(ids.shape[0]):
            ok = ids[i] >= 0
            # Lifted over the library's floor; the raw cosine, faintly, still
            # orders the tail below it so a small library's list stays full.
            raw = sims[i][ok]
            hit, val = ids[i][ok], (self.baseline.lift(raw) + TAIL * np.maximum(raw, 0.0)) * np.float32(damp[i])
            better = val > best[hit]
            best[hit[better]] = val[better]
            best_interest[hit[better]] = i
        pos = np.flatnonzero(best_interest >= 0)
        vals = best[pos]

        negatives = np.flatnonzero(req.prefs.negative & self.emb.present)
        if negatives.size and self.negative_weight and pos.size:
            # The most recent dislikes are enough to steer away from a kind of video.
            recent = np.argsort(-np.nan_to_num(req.prefs.last_time[negatives], nan=-np.inf), kind="stable")[: self.max_negatives]
            near_bad = small_matmul_t(self.emb.matrix[pos], self.emb.matrix[negatives[recent]]).max(axis=1)
            vals = (vals - self.negative_weight * self.baseline.lift(near_bad)).astype(np.float32)  # graded: look-alikes of a dislike pay most
        keep = vals > 0  # nothing above the floor: no evidence, not a weak match
        pos, vals = pos[keep], vals[keep]

        interest_of = best_interest
        matrix, catalog, modality, min_lift, lift = self.emb.matrix, req.catalog, self.modality, self.explain_min_lift, self.baseline.lift_one

        def explain(p: int) -> list[Reason]:
            cluster = int(interest_of[p])
            members = liked if cluster < 0 else liked[assign == cluster]
            if members.size == 0:
                return []
            sims_m = matrix[members] @ matrix[p]
            best = int(members[int(np.argmax(sims_m))])
            strength = lift(float(sims_m.max()))
            # "looks like" must be visible to a person: below the floor it is
            # only a faint reason, said when there is nothing better (top_reasons).
            return [
                reason("similar_to", strength, video_id=int(catalog.ids[best]), title=catalog.titles[best],
                       modality=modality, similarity=round(float(sims_m.max()), 4), faint=bool(strength < min_lift),
                       setting=bool(modality == "visual" and strength >= SAME_SETTING))
            ]

        return Scores(self.name, pos.astype(np.int64), vals.astype(np.float32), explain)
