from __future__ import annotations

import numpy as np

from pyrec.recommend.base import Request
from pyrec.recommend.catalog import History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.collaborative import CollaborativeScorer
from pyrec.recommend.content import ContentScorer
from pyrec.recommend.context import ContinueWatching, Habits, NextEpisode, local_slots
from pyrec.recommend.graph import GraphScorer
from pyrec.recommend.popularity import ItemKNNScorer, PopularityScorer

from .conftest import DAY, SUNDAY_MORNING, events

VISUAL = "efficientnet-lite0/pool"


def titles(catalog, scores, k: int) -> list[str]:
    return [catalog.titles[p] for p in scores.top(k)]


def test_graph_same_director_ranks_first(catalog) -> None:
    h = events(catalog, [(1, 1, "like", None, None, None, SUNDAY_MORNING)])
    req = Request.build(catalog, h, 1, now=SUNDAY_MORNING)
    s = GraphScorer().fit(catalog, h).score(req)
    top = titles(catalog, s, 3)
    assert top[0] == "Blade Runner"  # director (x2) + Sci-Fi beats actor + Sci-Fi
    assert set(top[1:]) == {"Aliens", "Gladiator"}
    assert s.explain(catalog.pos(2))[0].text == "same director as Alien"
    assert s.explain(catalog.pos(3))[0].text == "with Sigourney Weaver, as in Alien"
    assert "Alien" not in titles(catalog, s, 20)  # seen items are not scored


def test_graph_walk_reaches_beyond_shared_entities() -> None:
    # C shares nothing with the liked A; the walk reaches it A -X- B -Y- C.
    b = CatalogBuilder()
    for vid, title in [(1, "A"), (2, "B"), (3, "C"), (4, "D")]:
        b.add_video(vid, title)
    b.add_entity(1, "person", "D1", "director").add_entity(1, "person", "X", "actor")
    b.add_entity(2, "person", "X", "actor").add_entity(2, "person", "Y", "actor")
    b.add_entity(3, "person", "Y", "actor")
    b.add_entity(4, "person", "Z", "actor")
    cat = b.build()
    h = History.from_events([(1, 0, "like", None, None, None, 0.0)])
    req = Request.build(cat, h, 1, now=0.0)
    s = GraphScorer(walk_weight=0.3).fit(cat, h).score(req)
    dense = s.dense(cat.n)
    assert dense[1] > dense[2] > 0 and dense[3] == 0  # B (shares X) > C (via the walk) > unrelated D
    r = s.explain(2)[0]
    assert r.kind == "graph_walk" and r.text == "linked to A through Y" and r.data["bridge_id"] == 2
    assert GraphScorer(walk_weight=0.0).fit(cat, h).score(req).dense(cat.n)[2] == 0


def test_content_keeps_two_interests_apart(catalog) -> None:
    h = events(catalog, [(1, 1, "like", None, None, None, SUNDAY_MORNING), (1, 6, "like", None, None, None, SUNDAY_MORNING)])
    req = Request.build(catalog, h, 1, now=SUNDAY_MORNING)
    scorer = ContentScorer(VISUAL, modality="visual", items_per_interest=1).fit(catalog, h)
    centroids, share, _, _ = scorer.interests(req)
    assert centroids.shape[0] == 2 and np.allclose(share, 0.5)
    s = scorer.score(req)
    top = set(titles(catalog, s, 4))
    assert {"Blade Runner", "Aliens", "The Terminator"} & top and {"Love Actually", "Gladiator"} & top
    assert s.explain(catalog.pos(2))[0].text == "same setting as Alien"  # one look cluster
    assert s.explain(catalog.pos(7))[0].text == "same setting as Notting Hill"


def test_content_steers_away_from_disliked_look(catalog) -> None:
    h = events(catalog, [(1, 14, "like", None, None, None, SUNDAY_MORNING), (1, 15, "dislike", None, None, None, SUNDAY_MORNING)])
    req = Request.build(catalog, h, 1, now=SUNDAY_MORNING)
    s = ContentScorer(VISUAL).fit(catalog, h).score(req).dense(catalog.n)
    assert s[catalog.pos(16)] < s[catalog.pos(17)]  # Bottle line 2 looks like the disliked Bottle line 1


def test_next_episode_in_order(catalog) -> None:
    rows = [(1, 8, "watched", None, None, None, SUNDAY_MORNING - 3 * DAY), (1, 9, "watched", None, None, None, SUNDAY_MORNING - 2 * DAY)]
    h = events(catalog, rows)
    s = NextEpisode().fit(catalog, h).score(Request.build(catalog, h, 1, now=SUNDAY_MORNING))
    assert titles(catalog, s, 5) == ["Desert Tales S01E03"]
    assert s.explain(catalog.pos(10))[0].text == "next episode of Desert Tales (S01E03)"
    # After E03 comes S01E04 (listed last in the library), then season 2.
    h2 = events(catalog, [*rows, (1, 10, "watched", None, None, None, SUNDAY_MORNING - DAY)])
    assert titles(catalog, NextEpisode().fit(catalog, h).score(Request.build(catalog, h2, 1, now=SUNDAY_MORNING)), 5) == ["Desert Tales S01E04"]
    h3 = events(catalog, [*rows, (1, 10, "watched", None, None, None, SUNDAY_MORNING - DAY), (1, 13, "watched", None, None, None, SUNDAY_MORNING)])
    assert titles(catalog, NextEpisode().fit(catalog, h).score(Request.build(catalog, h3, 1, now=SUNDAY_MORNING)), 5) == ["Desert Tales S02E01"]


def test_continue_watching(catalog) -> None:
    h = events(catalog, [
        (1, 5, "play", None, None, 2400.0, SUNDAY_MORNING - DAY),  # 40 % of Gladiator
        (1, 2, "play", None, None, 5990.0, SUNDAY_MORNING - DAY),  # finished
        (1, 6, "play", None, None, 30.0, SUNDAY_MORNING - DAY),  # a skip
        (1, 7, "play", None, None, 3000.0, SUNDAY_MORNING - 2 * DAY),
        (1, 7, "dislike", None, None, None, SUNDAY_MORNING - DAY),
    ])
    s = ContinueWatching().score(Request.build(catalog, h, 1, now=SUNDAY_MORNING))
    assert titles(catalog, s, 5) == ["Gladiator"]
    assert s.explain(catalog.pos(5))[0].text == "continue watching from 40:00"


def test_continue_watching_never_resumes_past_the_damage(catalog) -> None:
    """A truncated copy that plays 50:00 of its 100:00: a resume point at
    40:00 stays, one at 55:00 would play nothing and is not offered."""
    catalog.playable[catalog.pos(5)] = 3000.0
    catalog.playable[catalog.pos(7)] = 3000.0
    h = events(catalog, [
        (1, 5, "play", None, None, 2400.0, SUNDAY_MORNING - DAY),  # before the damage
        (1, 7, "play", None, None, 3300.0, SUNDAY_MORNING - DAY),  # past it
    ])
    s = ContinueWatching().score(Request.build(catalog, h, 1, now=SUNDAY_MORNING))
    assert titles(catalog, s, 5) == ["Gladiator"]


def test_local_slots() -> None:
    wd, dp = local_slots(np.array([SUNDAY_MORNING, SUNDAY_MORNING + 9 * 3600, SUNDAY_MORNING - 8 * 3600]), 0.0)
    assert wd.tolist() == [6, 6, 5]  # 01:30 on Sunday is still Saturday night
    assert dp.tolist() == [0, 2, 3]


def test_habits_sunday_morning_documentaries(catalog) -> None:
    rows = []
    for week in range(1, 6):
        rows.append((1, 8 + (week % 2), "watched", None, None, None, SUNDAY_MORNING - 7 * week * DAY))
        rows.append((1, 1 + (week % 4), "watched", None, None, None, SUNDAY_MORNING - 7 * week * DAY - 3 * DAY + 11 * 3600))
    h = events(catalog, rows)
    s = Habits().fit(catalog, h).score(Request.build(catalog, h, 1, now=SUNDAY_MORNING, utc_offset=0.0))
    top = titles(catalog, s, 3)
    assert top and all("Desert Tales" in t or t in ("Ocean Deep", "Mountain Air") for t in top)
    assert s.explain(catalog.pos(14))[0].text == "you watch documentaries on Sunday mornings"
    # On a Wednesday evening the prior points at the other habit.
    wed = Habits().fit(catalog, h).score(Request.build(catalog, h, 1, now=SUNDAY_MORNING - 3 * DAY + 11 * 3600, utc_offset=0.0))
    assert "Sci-Fi" in {catalog.graph.names[e] for e in catalog.graph.edges_of(int(wed.top(1)[0]))[0]}


def test_popularity_names_other_profiles(catalog) -> None:
    h = events(catalog, [(2, 5, "like", None, None, None, SUNDAY_MORNING), (3, 5, "watched", None, None, None, SUNDAY_MORNING),
                         (3, 6, "watched", None, None, None, SUNDAY_MORNING), (1, 1, "watched", None, None, None, SUNDAY_MORNING)])
    s = PopularityScorer().fit(catalog, h).score(Request.build(catalog, h, 1, now=SUNDAY_MORNING))
    assert titles(catalog, s, 1) == ["Gladiator"]
    assert s.explain(catalog.pos(5))[0].text == "popular with your other profiles"


def block_world(n_items: int = 40, n_users: int = 30, seed: int = 0):
    """Two tastes: users of group A watch items 0..19, group B items 20..39."""
    rng = np.random.default_rng(seed)
    b = CatalogBuilder()
    for i in range(n_items):
        b.add_video(i + 1, f"v{i}", duration=3000.0)
    cat = b.build()
    rows = []
    t = 1_700_000_000.0
    for u in range(n_users):
        lo = 0 if u % 2 == 0 else n_items // 2
        for i in rng.choice(np.arange(lo, lo + n_items // 2), 8, replace=False):
            rows.append((u + 10, int(i), "watched", None, None, None, t))
            t += 60.0
        t += 86400.0
    return cat, History.from_events(rows)


def test_collaborative_learns_blocks_and_updates_online() -> None:
    cat, h = block_world()
    scorer = CollaborativeScorer(factors=8, regularization=0.1, iterations=10, sessions=True).fit(cat, h)
    newbie = History.from_events([(99, 0, "watched", None, None, None, 1.9e9), (99, 1, "watched", None, None, None, 1.9e9 + 60)])
    req = Request.build(cat, h.concat(newbie), 99, now=1.9e9 + 60)
    top = scorer.score(req).top(8)
    assert all(p < 20 for p in top)  # group A only
    vec = scorer.update(req)
    assert np.allclose(vec, scorer.user_vector(req), atol=1e-5)
    assert scorer.updates_since_fit == 1 and not scorer.stale(cat)
    reasons = scorer.score(req).explain(int(top[0]))
    assert reasons and reasons[0].kind == "co_watched" and reasons[0].data["title"] in ("v0", "v1")


def test_item_knn_baseline() -> None:
    cat, h = block_world()
    newbie = History.from_events([(99, 25, "watched", None, None, None, 1.9e9)])
    full = h.concat(newbie)
    s = ItemKNNScorer().fit(cat, full).score(Request.build(cat, full, 99, now=1.9e9))
    assert all(20 <= p < 40 for p in s.top(10))
