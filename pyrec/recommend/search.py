"""Search: the library's full-text hits combined with semantic matches.

The caller embeds the query with the text model (the service owns the
features module) and passes the vector; it also passes the text-model
embeddings of the visual label names once (`label_vectors`), so a query like
"dog on a beach" finds videos labelled "golden retriever" and "seashore"
even when no title or tag says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pyrec.recommend.base import top_positive
from pyrec.recommend.catalog import Catalog, normalise_rows
from pyrec.recommend.explain import Reason, reason, top_reasons
from pyrec.recommend.vectors import IndexLike, search

SEARCH_WEIGHTS = {"fts": 1.0, "text": 0.7, "labels": 0.6}


@dataclass
class SearchHit:
    position: int
    score: float
    reasons: list[Reason]


class SemanticSearch:
    def __init__(
        self,
        catalog: Catalog,
        text_model: str | None,
        text_index: IndexLike | None,
        *,
        label_vectors: np.ndarray | None = None,  # [len(catalog.label_names), d], the text model's embedding of each label name
        weights: Mapping[str, float] = SEARCH_WEIGHTS,
        candidates: int = 200,
        label_threshold: float = 0.45,  # query-label cosine below this is no match
        max_labels: int = 8,
    ) -> None:
        self.catalog = catalog
        self.text_model = text_model
        self.text_index = text_index
        self.weights = dict(weights)
        self.candidates = candidates
        self.label_threshold = label_threshold
        self.max_labels = max_labels
        self.label_vectors: np.ndarray | None = None
        self.by_label = catalog.labels.transpose()
        if label_vectors is not None:
            self.set_label_vectors(label_vectors)

    def set_label_vectors(self, vectors: np.ndarray) -> None:
        v = np.asarray(vectors, dtype=np.float32)
        if v.shape[0] != len(self.catalog.label_names):
            raise ValueError("one label vector per catalogue label name is needed")
        self.label_vectors = normalise_rows(v)

    def _labels(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(video scores dense, label that matched best per video)."""
        n = self.catalog.n
        if self.label_vectors is None or self.label_vectors.shape[0] == 0:
            return np.zeros(n, np.float32), np.full(n, -1)
        sims = self.label_vectors @ q
        order = np.argsort(-sims)[: self.max_labels]
        order = order[sims[order] >= self.label_threshold]
        total = np.zeros(n, np.float32)
        best = np.zeros(n, np.float32)
        which = np.full(n, -1)
        for lab in order.tolist():
            vids, scores = self.by_label.row(lab)
            contrib = scores * np.float32(sims[lab])
            total[vids] += contrib  # several concepts of the query on one video add up
            better = contrib > best[vids]
            best[vids[better]] = contrib[better]
            which[vids[better]] = lab
        return total, which

    def search(
        self,
        query: str = "",
        query_vector: np.ndarray | None = None,
        fts: Sequence[int] = (),
        n: int = 20,
        *,
        allowed: np.ndarray | None = None,
    ) -> list[SearchHit]:
        """`fts`: video ids from the library's full-text search, best first."""
        cat = self.catalog
        parts: dict[str, np.ndarray] = {}
        if fts:
            dense = np.zeros(cat.n, np.float32)
            known = [(r, cat.pos(v)) for r, v in enumerate(fts) if cat.has(v)]
            for rank, p in known:
                dense[p] = max(dense[p], 1.0 / (1.0 + 0.1 * rank))  # rank-based: BM25 values do not compare
            parts["fts"] = dense
        which = np.full(cat.n, -1)
        if query_vector is not None:
            q = np.asarray(query_vector, np.float32)
            q = q / max(float(np.linalg.norm(q)), 1e-12)
            if self.text_index is not None and len(self.text_index):
                ids, sims = search(self.text_index, q, self.candidates)
                ok = ids[0] >= 0
                dense = np.zeros(cat.n, np.float32)
                top = float(sims[0][ok].max()) if ok.any() else 0.0
                if top > 0:
                    dense[ids[0][ok]] = np.maximum(sims[0][ok], 0.0) / top
                parts["text"] = dense
            labels, which = self._labels(q)
            if labels.max() > 0:
                parts["labels"] = labels / labels.max()
        if not parts:
            return []
        total = sum(self.weights.get(k, 0.0) * v for k, v in parts.items())
        best = top_positive(total, n, allowed)
        hits = []
        for p in best.tolist():
            rs: list[Reason] = []
            if "fts" in parts and parts["fts"][p] > 0:
                rs.append(reason("search_text", self.weights["fts"] * float(parts["fts"][p]), query=query))
            if "labels" in parts and parts["labels"][p] > 0 and which[p] >= 0:
                rs.append(reason("search_label", self.weights["labels"] * float(parts["labels"][p]), label=cat.label_names[which[p]], query=query))
            if "text" in parts and parts["text"][p] > 0:
                rs.append(reason("search_semantic", self.weights["text"] * float(parts["text"][p]), query=query))
            hits.append(SearchHit(p, float(total[p]), top_reasons(rs, 3)))
        return hits
