""""More like this": one video's nearest neighbours by visual embedding, text
embedding and shared entities (IDF-weighted), blended.

Look-alikes are what this is for: embedding cosine is lifted over the
library's own floor (likeness.Baseline), so a clip of the same set or style
ranks first and one that merely shares the library's average look gets
nothing; each part keeps its absolute scale (a weak best match stays weak).
Only true copies of the video are left out, by the engine (dupes)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pyrec.recommend.arrays import top_positive
from pyrec.recommend.base import Scores
from pyrec.recommend.catalog import ROLES, Catalog
from pyrec.recommend.explain import Reason, reason, top_reasons
from pyrec.recommend.graph import GraphScorer
from pyrec.recommend.likeness import LOOKALIKE, SAME_SETTING, TAIL, Baseline
from pyrec.recommend.suite import content_models
from pyrec.recommend.topics import topic_reasons
from pyrec.recommend.vectors import IndexLike, search

SIMILAR_WEIGHTS = {"visual": 0.4, "text": 0.3, "graph": 0.3}


class SimilarVideos:
    def __init__(
        self,
        catalog: Catalog,
        graph: GraphScorer,
        indexes: Mapping[str, IndexLike],  # model id -> index over catalogue positions
        *,
        weights: Mapping[str, float] = SIMILAR_WEIGHTS,
        candidates: int = 200,
        baselines: Mapping[str, Baseline] | None = None,  # per model id; measured here when not given
        min_cosine: float = 0.3,  # raw embedding cosine below this is not "similar" at all
    ) -> None:
        self.catalog = catalog
        self.graph = graph
        self.models = content_models(catalog)  # modality -> model id
        self.indexes = indexes
        self.weights = dict(weights)
        self.candidates = candidates
        self.min_cosine = min_cosine
        known = dict(baselines or {})
        self.baselines = {m: known.get(m) or Baseline.measure(catalog.embeddings[m]) for m in self.models.values()}

    def scores(self, position: int) -> dict[str, Scores]:
        """Per modality ("visual", "text", "graph"): similarity 0..1 of candidates
        to the video (embedding cosine lifted over the library's floor)."""
        out: dict[str, Scores] = {}
        for modality, model_id in self.models.items():
            emb, index = self.catalog.embeddings[model_id], self.indexes.get(model_id)
            if index is None or not emb.present[position]:
                continue
            ids, sims = search(index, emb.matrix[position], self.candidates + 1, exclude=np.array([position]))
            # Look-alikes (lifted over the floor) first; below the floor the
            # raw cosine, faintly, still orders the rest .
            raw = sims[0]
            value = self.baselines[model_id].lift(raw) + TAIL * np.maximum(raw, 0.0)
            ok = (ids[0] >= 0) & (raw >= self.min_cosine)
            out[modality] = Scores(modality, ids[0][ok], value[ok])
        dense = self.graph.similar_to(position)
        top = np.argsort(-dense)[: self.candidates]
        top = top[dense[top] > 0]
        out["graph"] = Scores("graph", top.astype(np.int64), dense[top])
        return out

    def similar(self, position: int, n: int = 20, *, allowed: np.ndarray | None = None) -> list[tuple[int, float, list[Reason]]]:
        """(position, score, reasons) of the n most similar videos, best first."""
        cat = self.catalog
        parts = {m: self.weights.get(m, 0.0) * _dense(s, cat.n) for m, s in self.scores(position).items()}
        if not parts:
            return []
        total = np.sum(list(parts.values()), axis=0)
        total[position] = 0.0
        best = top_positive(total, n, allowed)
        return [(int(p), float(total[p]), self.explain(position, int(p), parts)) for p in best]

    def explain(self, seed: int, p: int, parts: Mapping[str, np.ndarray]) -> list[Reason]:
        cat = self.catalog
        found: list[Reason] = []
        title, vid = cat.titles[seed], int(cat.ids[seed])
        for modality in ("visual", "text"):
            if modality in parts and parts[modality][p] > 0:
                model_id = self.models[modality]
                emb = cat.embeddings[model_id]
                sim = float(emb.matrix[p] @ emb.matrix[seed])
                lift = self.baselines[model_id].lift_one(sim)
                # Below LOOKALIKE no one would call these alike: a faint
                # reason, said only when there is nothing better (top_reasons).
                found.append(reason("similar_to", float(parts[modality][p]), video_id=vid, title=title,
                                    modality=modality, similarity=round(sim, 4), faint=lift < LOOKALIKE,
                                    setting=bool(modality == "visual" and lift >= SAME_SETTING)))
        if "graph" in parts and parts["graph"][p] > 0:
            g, weighted = cat.graph, self.graph.weighted
            ents_p, w_p = weighted.row(p)
            ents_s, w_s = weighted.row(seed)
            shared = np.intersect1d(ents_p, ents_s)
            if shared.size:
                lo = weighted.indptr[p]
                info = self.graph.info
                contrib = {int(e): float(w) * float(w_s[np.searchsorted(ents_s, e)]) * float(info[e])
                           for e, w in zip(ents_p, w_p) if e in shared and self.graph.citable[e]}
                for e in sorted(contrib, key=lambda x: -contrib[x])[:2]:
                    role = ROLES[int(g.roles[lo + int(np.flatnonzero(ents_p == e)[0])])]
                    found.append(reason("shared_entity", float(parts["graph"][p]) * contrib[e] / max(contrib.values()),
                                        entity_kind=g.kind_name(e), name=g.names[e], role=role, video_id=vid, title=title))
        # What both say or show ("also about storms and harbours"), and a narrator's voice named as such.
        found = topic_reasons(cat.topics, vid, title, int(cat.ids[p]), max((r.weight for r in found), default=0.0)
                              or float(sum(part[p] for part in parts.values())), found)
        if not found:  # linked only faintly (a shared folder that holds most of the library …)
            found.append(reason("similar_to", float(sum(part[p] for part in parts.values())), video_id=vid, title=title,
                                modality="graph", faint=True))
        return top_reasons(found, 3)


def _dense(scores: Scores, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.float32)
    out[scores.positions] = np.maximum(scores.values, 0.0)
    return out
