"""Search keeps full-text hits and only the semantic matches that are close to
the best one and above an absolute floor; tag and genre names match by meaning."""

from __future__ import annotations

import numpy as np

from pyrec.recommend.catalog import History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.engine import Recommender
from pyrec.recommend.search import TAG_FLOOR, TEXT_FLOOR


def titles(recs) -> list[str]:
    return [r.title for r in recs]


def unit(*xs: float) -> np.ndarray:
    v = np.zeros(8, np.float32)
    v[: len(xs)] = xs
    return v / np.linalg.norm(v)


def at_cosine(c: float, other: int) -> np.ndarray:
    """A unit vector at cosine c from axis 0."""
    v = np.zeros(8, np.float32)
    v[0], v[other] = c, np.sqrt(1 - c * c)
    return v


def library() -> Recommender:
    b = CatalogBuilder()
    rows = [(1, "Strong", 0.60), (2, "Close", 0.45), (3, "Weak", 0.25), (4, "Faint", 0.15), (5, "Keyword", 0.05)]
    for vid, title, _ in rows:
        b.add_video(vid, title)
    b.add_entity(3, "tag", "snow").add_entity(4, "genre", "Documentary")
    b.add_embeddings("minilm-l6-v2/text", [r[0] for r in rows], np.stack([at_cosine(c, i + 1) for i, (_, _, c) in enumerate(rows)]))
    return Recommender(b.build(), History.empty())


def test_semantic_matches_stop_at_the_floor_and_relative_cut() -> None:
    rec = library()
    query = unit(1.0)
    hits = titles(rec.search("winter", query_vector=query, fts=[5], n=10))
    assert hits == ["Keyword", "Strong", "Close"]  # the word hit, then cosine 0.60 and 0.45; not 0.25 or 0.15
    assert 0.25 < TEXT_FLOOR < 0.45
    # The relative cut on its own: half of the best (0.60) drops 0.25 and 0.15 even with no floor.
    rec.searcher.text_floor = 0.0
    assert titles(rec.search("", query_vector=query, n=10)) == ["Strong", "Close"]
    assert len(rec.search("", query_vector=query, n=1)) == 1  # the limit still applies


def test_nothing_semantic_for_a_query_far_from_everything() -> None:
    rec = library()
    nonsense = unit(0.2, 0, 0, 0, 0, 0, 0, 1.0)  # cosine at most ~0.12 with any video
    assert rec.search("qwxz zzkj", query_vector=nonsense, n=10) == []
    assert titles(rec.search("qwxz", query_vector=nonsense, fts=[4], n=10)) == ["Faint"]  # a word hit stays


def test_tag_names_match_by_meaning() -> None:
    rec = library()
    g = rec.catalog.graph
    entities = rec.search_entities()
    assert sorted(g.names[e] for e in entities) == ["Documentary", "snow"]
    snow, doc = (unit(0.0, 0, 0, 0, 0, 0, 1.0), unit(0.0, 0, 0, 0, 0, 0, 0, 1.0))
    rec.set_entity_vectors(entities, np.stack([snow if g.names[e] == "snow" else doc for e in entities]))
    query = unit(1.0, 0, 0, 0, 0, 0, 1.2)  # "a winter storm": close to the tag "snow" (~0.77), not to "Documentary"
    assert float(query @ snow) > TAG_FLOOR > float(query @ doc)
    hits = {r.title: [x.text for x in r.reasons] for r in rec.search("a winter storm", query_vector=query, n=10)}
    assert "tagged “snow”" in hits["Weak"]  # below the text floor, found by its tag
    assert "Faint" not in hits
