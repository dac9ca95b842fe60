"""MovieLens (ml-latest-small layout) as a Catalog + History, so the
recommender is evaluated on the same code paths that serve a library."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pyrec.recommend.catalog import KIND, Catalog, History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.textvec import lsa_embed

TextEmbedder = Callable[[Sequence[str]], np.ndarray]
YEAR = re.compile(r"\((\d{4})\)\s*$")
LSA_MODEL = "lsa/text"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_movielens(
    directory: str | Path,
    *,
    embed: TextEmbedder | None = None,
    text_model_id: str = "text",
    lsa_dim: int = 64,
) -> tuple[Catalog, History]:
    """movies.csv -> videos with genre entities; tags.csv -> tag entities and
    the text field; ratings.csv -> `rate` interactions with timestamps.

    Text embeddings: titles embedded by `embed` (a caller's model) under
    `text_model_id`, and always an LSA embedding of title + genres + tags under
    "lsa/text", which needs no model. A movie's "added_at" is its first rating.
    """
    d = Path(directory)
    movies = _rows(d / "movies.csv")
    ratings = _rows(d / "ratings.csv")
    tags_path = d / "tags.csv"
    tags = _rows(tags_path) if tags_path.is_file() else []

    first_seen: dict[int, float] = {}
    for r in ratings:
        movie_id, ts = int(r["movieId"]), float(r["timestamp"])
        if ts < first_seen.get(movie_id, np.inf):
            first_seen[movie_id] = ts
    movie_tags: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in tags:
        name = " ".join(t["tag"].lower().split())
        if name:
            movie_tags[int(t["movieId"])][name] += 1

    b = CatalogBuilder()
    texts = []
    ids = []
    for m in movies:
        mid = int(m["movieId"])
        title = m["title"].strip()
        genres = [g for g in m["genres"].split("|") if g and g != "(no genres listed)"]
        tag_names = sorted(movie_tags.get(mid, {}))
        year = YEAR.search(title)
        text = " ".join([title, *genres, *tag_names])
        b.add_video(mid, title, added_at=first_seen.get(mid, 0.0), text=text)
        for g in genres:
            b.add_entity(mid, "genre", g)
        for name, count in movie_tags.get(mid, {}).items():
            b.add_entity(mid, "tag", name, weight=float(np.log2(1 + count)))
        if year:
            # Decades as a soft collection: films of an era share a look and cast.
            b.add_entity(mid, "collection", f"{year.group(1)[:3]}0s")
        texts.append(text)
        ids.append(mid)
    b.add_embeddings(LSA_MODEL, ids, lsa_embed(texts, lsa_dim))
    if embed is not None:
        b.add_embeddings(text_model_id, ids, np.asarray(embed([m["title"] for m in movies]), dtype=np.float32))
    catalog = b.build()

    known = [catalog.has(int(r["movieId"])) for r in ratings]
    rs = [r for r, k in zip(ratings, known) if k]
    history = History(
        profile=np.array([int(r["userId"]) for r in rs], dtype=np.int64),
        video=catalog.positions(int(r["movieId"]) for r in rs),
        kind=np.full(len(rs), KIND["rate"], dtype=np.int8),
        value=np.array([float(r["rating"]) for r in rs], dtype=np.float32),
        fraction=np.full(len(rs), np.nan, dtype=np.float32),
        position=np.full(len(rs), np.nan, dtype=np.float32),
        timestamp=np.array([float(r["timestamp"]) for r in rs], dtype=np.float64),
    )
    return catalog, history
