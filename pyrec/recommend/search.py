"""Search: the library's full-text hits combined with semantic matches.

The caller embeds the query with the text model (the service owns the
features module) and passes the vector; it also passes the text-model
embeddings of the visual label names once (`label_vectors`), so a query like
"dog on a beach" finds videos labelled "golden retriever" and "seashore"
even when no title or tag says so. Likewise the embeddings of tag and genre
names (`entity_vectors`): "a winter storm in the mountains" finds the videos
tagged "snow" or "mountains".

Relevance cut-off. Full-text hits are always kept (the words are there).
Semantic matches are kept only when close to the best one *and* above an
absolute floor, so "snow" lists the snowy films and stops, and nonsense finds
nothing. The numbers are calibrated on the bundled text model (MiniLM-L6-v2)
over the demo library: 23 queries (16 with known relevant videos, 7 unrelated
or nonsense such as "qwxz zzkj", "tax return spreadsheet") x 18 videos.

- query vs video text (title, tags, people, plot): related pairs have cosine
  min 0.242, p10 0.298, median 0.414; unrelated pairs median 0.107, p90 0.249,
  p95 0.280, max 0.477; the best match of a nonsense query is 0.04..0.22.
  TEXT_FLOOR = 0.28 (the unrelated p95) and TEXT_RELATIVE = 0.5 keep 30 of 33
  related pairs and 20 of 381 unrelated (no cut: all 381 listed).
- query vs tag/genre name: related 0.52..1.0; unrelated at most 0.45, except
  close words ("surfing" vs "fishing" 0.54), which the relative cut removes
  (best tag 1.0); nonsense at most 0.30. TAG_FLOOR = 0.5, TAG_RELATIVE = 0.8.
  Whiteout's text is only 0.242 from "a winter storm in the mountains" (below
  two unrelated videos), but its tag "snow" is 0.656: it is found by its tag.
- query vs passage (a few consecutive lines said or shown, features/passages.py;
  each video's best passage is a part of its own, and its reason says where):
  measured by `benchmarks/bench_moment_search.py --part calibrate` on 12
  subtitle scenes (lighthouse and storm, baking, football, court, launch,
  emergency room, the demo's tide and harbour-market lines, ...) with 24
  paraphrase queries sharing none of their words, 5 off-topic and 5 nonsense
  queries. Related pairs: min 0.145, p10 0.236, median 0.447; unrelated pairs
  (query vs the other 11 scenes): median 0.059, p90 0.171, p95 0.228, p99
  0.313, max 0.422; the best passage of an off-topic query 0.055..0.280
  ("quarterly sales figures" vs the stock-market scene), of nonsense
  ("qwxz zzkj", "zzzz") 0.136..0.192. PASSAGE_FLOOR = 0.32 (above the
  unrelated p99 and every off-topic or nonsense best) keeps 20 of 24 related
  pairs and 3 of 264 unrelated; no off-topic or nonsense query finds a
  passage. PASSAGE_RELATIVE = 0.6 drops the weak tail behind a clear match.
  "The man who keeps the light saw bad weather coming" reads 0.456 against
  its scene's passage but only 0.333 against the moments test's two-line
  passage ("The lighthouse keeper waits. Ships pass the lighthouse at night.").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from pyrec.recommend.arrays import normalise_rows, top_positive
from pyrec.recommend.catalog import Catalog
from pyrec.recommend.explain import Reason, reason, top_reasons
from pyrec.recommend.passages import PassageMatch
from pyrec.recommend.vectors import IndexLike, search

SEARCH_WEIGHTS = {"fts": 1.0, "passages": 0.8, "text": 0.7, "labels": 0.6, "tags": 0.6}
TEXT_FLOOR = 0.28  # query-text cosine below this is no match (see the module docstring)
TEXT_RELATIVE = 0.5  # ... nor below this share of the best match
TAG_FLOOR = 0.5  # query-tag/genre name cosine
TAG_RELATIVE = 0.8
PASSAGE_FLOOR = 0.32  # query-passage cosine below this is no match (see the module docstring)
PASSAGE_RELATIVE = 0.6  # ... nor below this share of the best video's passage


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
        label_min_score: float = 0.1,  # a video's label below this confidence is noise (labels are kept from 0.02 up)
        max_labels: int = 8,
        entity_vectors: tuple[np.ndarray, np.ndarray] | None = None,  # (entity indices, text-model embedding of each name)
        text_floor: float = TEXT_FLOOR,
        text_relative: float = TEXT_RELATIVE,
        tag_floor: float = TAG_FLOOR,
        tag_relative: float = TAG_RELATIVE,
        passage_floor: float = PASSAGE_FLOOR,
        passage_relative: float = PASSAGE_RELATIVE,
    ) -> None:
        self.catalog = catalog
        self.text_model = text_model
        self.text_index = text_index
        self.weights = dict(weights)
        self.candidates = candidates
        self.label_threshold = label_threshold
        self.label_min_score = label_min_score
        self.max_labels = max_labels
        self.text_floor, self.text_relative = text_floor, text_relative
        self.tag_floor, self.tag_relative = tag_floor, tag_relative
        self.passage_floor, self.passage_relative = passage_floor, passage_relative
        self.label_vectors: np.ndarray | None = None
        self.by_label = catalog.labels.transpose()
        if label_vectors is not None:
            self.set_label_vectors(label_vectors)
        self.entities = np.zeros(0, np.int64)
        self.entity_vectors: np.ndarray | None = None
        if entity_vectors is not None:
            self.set_entity_vectors(*entity_vectors)

    def set_entity_vectors(self, entities: np.ndarray, vectors: np.ndarray) -> None:
        """Text-model embeddings of some entity names (tags, genres), by entity index."""
        e = np.asarray(entities, dtype=np.int64)
        v = np.asarray(vectors, dtype=np.float32)
        if v.shape[0] != e.size or (e.size and (e.min() < 0 or e.max() >= self.catalog.graph.n_entities)):
            raise ValueError("one vector per known entity index is needed")
        self.entities, self.entity_vectors = e, normalise_rows(v) if e.size else None

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
            sure = scores >= self.label_min_score
            vids, scores = vids[sure], scores[sure]
            contrib = scores * np.float32(sims[lab])
            total[vids] += contrib  # several concepts of the query on one video add up
            better = contrib > best[vids]
            best[vids[better]] = contrib[better]
            which[vids[better]] = lab
        return total, which

    def _tags(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(video scores dense, entity that matched best per video): videos
        carrying a tag or genre whose name means what the query says."""
        n = self.catalog.n
        total = np.zeros(n, np.float32)
        which = np.full(n, -1)
        if self.entity_vectors is None:
            return total, which
        sims = self.entity_vectors @ q
        order = np.argsort(-sims)[: self.max_labels]
        if order.size == 0:
            return total, which
        order = order[sims[order] >= max(self.tag_floor, self.tag_relative * float(sims[order[0]]))]
        best = np.zeros(n, np.float32)
        by_entity = self.catalog.graph.by_entity
        for i in order.tolist():
            vids = np.unique(by_entity.row(int(self.entities[i]))[0])
            sim = np.float32(sims[i])
            total[vids] += sim  # "snow" and "mountains" on one video add up
            better = sim > best[vids]
            best[vids[better]] = sim
            which[vids[better]] = int(self.entities[i])
        return total, which

    def _passages(self, matches: Mapping[int, PassageMatch]) -> dict[int, PassageMatch]:
        """Catalogue position -> passage match, for the videos whose best
        passage clears the floor and is close enough to the best of all."""
        known = {self.catalog.pos(v): m for v, m in matches.items() if self.catalog.has(v)}
        if not known:
            return {}
        cut = max(self.passage_floor, self.passage_relative * max(m.cosine for m in known.values()))
        return {p: m for p, m in known.items() if m.cosine >= cut}

    def search(
        self,
        query: str = "",
        query_vector: np.ndarray | None = None,
        fts: Sequence[int] = (),
        n: int = 20,
        *,
        allowed: np.ndarray | None = None,
        passages: Mapping[int, PassageMatch] | None = None,
    ) -> list[SearchHit]:
        """`fts`: video ids from the library's full-text search, best first;
        `passages`: per video id, its passage closest to the query (a
        `PassageIndex` answer for the same query vector)."""
        cat = self.catalog
        parts: dict[str, np.ndarray] = {}
        if fts:
            dense = np.zeros(cat.n, np.float32)
            known = [(r, cat.pos(v)) for r, v in enumerate(fts) if cat.has(v)]
            for rank, p in known:
                dense[p] = max(dense[p], 1.0 / (1.0 + 0.1 * rank))  # rank-based: BM25 values do not compare
            parts["fts"] = dense
        which = tag_of = np.full(cat.n, -1)
        if query_vector is not None:
            q = np.asarray(query_vector, np.float32)
            q = q / max(float(np.linalg.norm(q)), 1e-12)
            if self.text_index is not None and len(self.text_index):
                ids, sims = search(self.text_index, q, self.candidates)
                ok = ids[0] >= 0
                dense = np.zeros(cat.n, np.float32)
                top = float(sims[0][ok].max()) if ok.any() else 0.0
                ok &= sims[0] >= max(self.text_floor, self.text_relative * top)  # the relevance cut-off
                if ok.any():
                    dense[ids[0][ok]] = sims[0][ok] / top
                    parts["text"] = dense
            labels, which = self._labels(q)
            if labels.max() > 0:
                parts["labels"] = labels / labels.max()
            if self.entity_vectors is not None:
                tags, tag_of = self._tags(q)
                if tags.max() > 0:
                    parts["tags"] = tags / tags.max()
        found = self._passages(passages or {})
        if found:
            parts["passages"] = np.zeros(cat.n, np.float32)
            for p, m in found.items():
                parts["passages"][p] = m.cosine
            parts["passages"] /= max(m.cosine for m in found.values())
        if not parts:
            return []
        total = cast(np.ndarray, sum(self.weights.get(k, 0.0) * v for k, v in parts.items()))  # parts is non-empty
        best = top_positive(total, n, allowed)
        hits = []
        for p in best.tolist():
            rs: list[Reason] = []
            if "fts" in parts and parts["fts"][p] > 0:
                rs.append(reason("search_text", self.weights["fts"] * float(parts["fts"][p]), query=query))
            if "tags" in parts and parts["tags"][p] > 0 and tag_of[p] >= 0:
                rs.append(reason("search_tag", self.weights.get("tags", 0.0) * float(parts["tags"][p]), name=cat.graph.names[tag_of[p]],
                                 entity_kind=cat.graph.kind_name(tag_of[p]), query=query))
            if "labels" in parts and parts["labels"][p] > 0 and which[p] >= 0:
                rs.append(reason("search_label", self.weights["labels"] * float(parts["labels"][p]), label=cat.label_names[which[p]], query=query))
            if p in found:
                m = found[p]
                rs.append(reason("search_passage", self.weights.get("passages", 0.0) * float(parts["passages"][p]),
                                 query=query, time=m.start, moment_kind=m.kind, passage=m.passage))
            if "text" in parts and parts["text"][p] > 0 and p not in found:  # the passage says it, and where
                rs.append(reason("search_semantic", self.weights["text"] * float(parts["text"][p]), query=query))
            hits.append(SearchHit(p, float(total[p]), top_reasons(rs, 3)))
        return hits
