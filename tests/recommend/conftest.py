"""A small hand-built library where the right answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.catalog_builder import CatalogBuilder

DAY = 86400.0
# 2024-06-02 was a Sunday; 09:30 UTC is a Sunday morning.
SUNDAY_MORNING = 1717320600.0

# Visual "look" clusters: sci-fi, romance, documentary, bottles.
LOOKS = {
    "scifi": [1, 0, 0, 0, 0.1, 0, 0, 0],
    "romance": [0, 1, 0, 0, 0, 0.1, 0, 0],
    "doc": [0, 0, 1, 0, 0, 0, 0.1, 0],
    "bottle": [0, 0, 0, 1, 0, 0, 0, 0.1],
}

VIDEOS = [
    # id, title, look, director, actors, genres
    (1, "Alien", "scifi", "Ridley Scott", ["Sigourney Weaver"], ["Horror", "Sci-Fi"]),
    (2, "Blade Runner", "scifi", "Ridley Scott", ["Harrison Ford"], ["Sci-Fi"]),
    (3, "Aliens", "scifi", "James Cameron", ["Sigourney Weaver"], ["Sci-Fi", "Action"]),
    (4, "The Terminator", "scifi", "James Cameron", ["Arnold Schwarzenegger"], ["Sci-Fi", "Action"]),
    (5, "Gladiator", "romance", "Ridley Scott", ["Russell Crowe"], ["Action", "Drama"]),
    (6, "Notting Hill", "romance", "Roger Michell", ["Hugh Grant"], ["Romance", "Comedy"]),
    (7, "Love Actually", "romance", "Richard Curtis", ["Hugh Grant"], ["Romance", "Comedy"]),
    (14, "Ocean Deep", "doc", "", [], ["Documentary"]),
    (15, "Bottle line 1", "bottle", "", [], ["Factory"]),
    (16, "Bottle line 2", "bottle", "", [], ["Factory"]),
    (17, "Mountain Air", "doc", "", [], ["Documentary"]),
]
EPISODES = [  # id, season, episode
    (8, 1, 1), (9, 1, 2), (10, 1, 3), (11, 2, 1), (12, 2, 2), (13, 1, 4),
]


def build_catalog(seed: int = 0) -> Catalog:
    rng = np.random.default_rng(seed)
    b = CatalogBuilder()
    vecs, ids = [], []
    for vid, title, look, director, actors, genres in VIDEOS:
        b.add_video(vid, title, duration=6000.0, added_at=SUNDAY_MORNING - 400 * DAY, path=f"/films/{title}.mkv")
        if director:
            b.add_entity(vid, "person", director, "director")
        for a in actors:
            b.add_entity(vid, "person", a, "actor")
        for g in genres:
            b.add_entity(vid, "genre", g)
        ids.append(vid)
        vecs.append(np.array(LOOKS[look]) + 0.05 * rng.normal(size=8))
    for vid, season, episode in EPISODES:
        b.add_video(vid, f"Desert Tales S{season:02d}E{episode:02d}", duration=1800.0, added_at=SUNDAY_MORNING - 300 * DAY,
                    season=season, episode=episode)
        b.add_entity(vid, "series", "Desert Tales")
        b.add_entity(vid, "genre", "Documentary")
        ids.append(vid)
        vecs.append(np.array(LOOKS["doc"]) + 0.05 * rng.normal(size=8))
    b.add_video(18, "Fresh Arrival", duration=5000.0, added_at=SUNDAY_MORNING - 2 * DAY)
    b.add_entity(18, "genre", "Sci-Fi")
    ids.append(18)
    vecs.append(np.array(LOOKS["scifi"]) + 0.05 * rng.normal(size=8))
    b.add_embeddings("efficientnet-lite0/pool", ids, np.array(vecs, dtype=np.float32))
    b.add_label(15, "water bottle", 0.9)
    b.add_label(16, "water bottle", 0.8)
    return b.build()


def events(catalog: Catalog, rows: list[tuple]) -> History:
    """rows: (profile, video id, kind, value, fraction, position, timestamp)."""
    return History.from_events([(p, catalog.pos(v), k, val, f, pos, t) for p, v, k, val, f, pos, t in rows])


@pytest.fixture
def catalog() -> Catalog:
    return build_catalog()
