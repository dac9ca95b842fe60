"""How alike two videos are *for this library*, and how that carries.

Raw embedding cosine has a high floor: in a library of one signer's clips, or
of an ImageNet CNN's view of synthetic frames, unrelated videos score 0.3–0.6
against each other. Ranking on raw cosine then barely separates a true
look-alike from anything else, and "looks like X" is said of videos nobody
would call alike. `Baseline` measures the library's own floor (mean + one
standard deviation of the cosine between random pairs) and `lift` maps a
cosine to 0 at that floor and 1 at identical: a look-alike is what stands
out from the library, not what clears a fixed number.

`Kinship` says how close two videos are as siblings (same series, same small
collection such as a film series, or a visual look-alike), graded 0..1. It
makes feedback carry: a dislike or an abandoned play lowers its siblings in
proportion to their kinship (engine.Recommender.rank).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.recommend.catalog import ENTITY_KIND, Catalog, Embeddings

BASELINE_PAIRS = 4000  # random pairs measured per model: enough for a stable mean and spread
LOOKALIKE = 0.35  # lift from which a video "looks like" another (the reason is said)
SAME_SETTING = 0.7  # lift from which it is shot in the same setting (same room, set, style)
TAIL = 0.05  # raw cosine's weight under a lifted score: orders what is below the floor, faintly
SERIES_KIN = 0.8  # kinship of two episodes of one series
COLLECTION_KIN = 0.6  # ... of two films of one small collection (a film series, a set)
SMALL_COLLECTION = 20  # a collection of more videos than this is a shelf, not a film series
SMALL_SHARE = 0.25  # ... or holding more than this share of the library


@dataclass(frozen=True)
class Baseline:
    """The cosine two unrelated videos of this library share (see module doc)."""

    floor: float  # mean + one standard deviation of random-pair cosine, at least 0

    @classmethod
    def measure(cls, emb: Embeddings, *, pairs: int = BASELINE_PAIRS, seed: int = 0) -> Baseline:
        present = np.flatnonzero(emb.present)
        if present.size < 3:
            return cls(0.0)
        rng = np.random.default_rng(seed)
        a = present[rng.integers(0, present.size, pairs)]
        b = present[rng.integers(0, present.size, pairs)]
        keep = a != b
        sims = np.einsum("ij,ij->i", emb.matrix[a[keep]], emb.matrix[b[keep]]).astype(np.float64)
        if sims.size == 0:
            return cls(0.0)
        return cls(float(np.clip(sims.mean() + sims.std(), 0.0, 0.95)))

    def lift(self, cosine: np.ndarray | float) -> np.ndarray:
        """0 at the library's floor (or below), 1 at identical."""
        return np.clip((np.asarray(cosine, dtype=np.float32) - self.floor) / (1.0 - self.floor), 0.0, 1.0)

    def lift_one(self, cosine: float) -> float:
        """`lift` of one cosine, in plain floats (explanations call it per card)."""
        return min(max((float(cosine) - self.floor) / (1.0 - self.floor), 0.0), 1.0)


def baselines(catalog: Catalog) -> dict[str, Baseline]:
    return {model_id: Baseline.measure(emb) for model_id, emb in catalog.embeddings.items()}


class Kinship:
    """Sibling strength between videos (series, small collection, look-alike)."""

    def __init__(self, catalog: Catalog, visual_model: str | None, baseline: Baseline | None = None) -> None:
        self.catalog = catalog
        self.emb = catalog.embeddings.get(visual_model) if visual_model else None
        self.baseline = baseline if baseline is not None or self.emb is None else Baseline.measure(self.emb)
        g = catalog.graph
        small = (g.kinds == ENTITY_KIND["collection"]) & (g.degree >= 2) & (g.degree <= SMALL_COLLECTION) \
            & (g.degree <= max(2.0, SMALL_SHARE * catalog.n))
        self._small_collection = small

    def _collections(self, p: int) -> np.ndarray:
        ents, _, _ = self.catalog.graph.edges_of(p)
        return ents[self._small_collection[ents]]

    def between(self, candidates: np.ndarray, sources: np.ndarray) -> np.ndarray:
        """float32 [len(candidates), len(sources)]: kinship 0..1 of each pair."""
        cat = self.catalog
        candidates, sources = np.asarray(candidates, np.int64), np.asarray(sources, np.int64)
        kin = np.zeros((candidates.size, sources.size), dtype=np.float32)
        if candidates.size == 0 or sources.size == 0:
            return kin
        series_c, series_s = cat.series[candidates], cat.series[sources]
        kin = np.maximum(kin, SERIES_KIN * ((series_c[:, None] == series_s[None, :]) & (series_c[:, None] >= 0)))
        source_colls = [set(self._collections(s).tolist()) for s in sources.tolist()]
        if any(source_colls):
            cand_colls = [set(self._collections(c).tolist()) for c in candidates.tolist()]
            shared = np.array([[bool(cc & sc) for sc in source_colls] for cc in cand_colls])
            kin = np.maximum(kin, COLLECTION_KIN * shared)
        if self.emb is not None and self.baseline is not None:
            m, present = self.emb.matrix, self.emb.present
            sims = m[candidates] @ m[sources].T
            both = present[candidates][:, None] & present[sources][None, :]
            kin = np.maximum(kin, np.where(both, self.baseline.lift(sims), 0.0))
        kin[candidates[:, None] == sources[None, :]] = 1.0
        return kin

    def carry(self, candidates: np.ndarray, aversion: np.ndarray, *, max_sources: int = 16) -> np.ndarray:
        """float32 per candidate: the strongest aversion reaching it through a
        sibling (aversion of the source × kinship), 0..1. The strongest
        `max_sources` averse videos are enough to steer."""
        sources = np.flatnonzero(aversion > 0)
        if sources.size == 0 or np.asarray(candidates).size == 0:
            return np.zeros(np.asarray(candidates).size, dtype=np.float32)
        if sources.size > max_sources:
            sources = sources[np.argsort(-aversion[sources], kind="stable")[:max_sources]]
        reach = self.between(candidates, sources) * aversion[sources][None, :].astype(np.float32)
        return reach.max(axis=1)
