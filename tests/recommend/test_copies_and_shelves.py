"""Copies of one video (duplicate groups) are that video everywhere, and the
home page never shows one video twice."""

from __future__ import annotations

import numpy as np
import pytest

from pyrec.recommend.catalog import Embeddings
from pyrec.recommend.dupes import DupeGroup, DupeIndex
from pyrec.recommend.engine import Recommender
from pyrec.recommend.rerank import NearDuplicates, mmr
from pyrec.recommend.shelves import ShelfConfig

from .conftest import DAY, SUNDAY_MORNING, build_catalog, events


def titles(recs) -> list[str]:
    return [r.title for r in recs]


def shelf_titles(shelves) -> dict[str, list[str]]:
    return {s.key: titles(s.items) for s in shelves}


@pytest.fixture
def household() -> Recommender:
    cat = build_catalog()
    rows = [
        (1, 1, "watched", None, None, None, SUNDAY_MORNING - 20 * DAY),  # Alien
        (1, 1, "like", None, None, None, SUNDAY_MORNING - 20 * DAY),
        (1, 8, "watched", None, None, None, SUNDAY_MORNING - 3 * DAY),
        (1, 5, "play", None, None, 2400.0, SUNDAY_MORNING - DAY),  # Gladiator, resumable
        (1, 6, "dislike", None, None, None, SUNDAY_MORNING - DAY),  # Notting Hill
        (2, 4, "watched", None, None, None, SUNDAY_MORNING - 5 * DAY),
        (2, 7, "watched", None, None, None, SUNDAY_MORNING - 5 * DAY),
    ]
    return Recommender(cat, events(cat, rows))


# Pretend "Fresh Arrival" (18) is a re-encode of Alien (1), "Love Actually" (7) a
# copy of Notting Hill (6), and "Bottle line 2" (16) a copy of "Bottle line 1" (15).
GROUPS = [DupeGroup([1, 18], 1), DupeGroup([6, 7], 6), DupeGroup([15, 16], 16)]


def everything_shown(rec: Recommender, profile: int) -> set[str]:
    shown = set(titles(rec.recommend(profile, n=50, now=SUNDAY_MORNING)))
    for s in rec.shelves(profile, now=SUNDAY_MORNING, config=ShelfConfig(n=50)):
        if s.key != "rediscover":  # liked long ago: shown on purpose
            shown |= set(titles(s.items))
    return shown


def test_copies_of_watched_or_disliked_videos_are_never_recommended(household: Recommender) -> None:
    before = everything_shown(household, 1)
    assert {"Fresh Arrival", "Love Actually"} <= before  # the bug: recommended as if new
    household.set_duplicates(GROUPS)
    after = everything_shown(household, 1)
    assert "Fresh Arrival" not in after  # a copy of Alien, which profile 1 watched
    assert "Love Actually" not in after  # a copy of Notting Hill, which profile 1 disliked
    assert after  # the rest still comes


def test_a_group_contributes_one_copy_the_best_or_the_one_played(household: Recommender) -> None:
    household.set_duplicates(GROUPS)
    got = titles(household.recommend(3, n=50, now=SUNDAY_MORNING, exclude_watched=False))
    assert "Bottle line 2" not in got or "Bottle line 1" not in got
    # Profile 3 has no history: the best copy stands for the group.
    hidden = household.hidden_copies(household.request(3, now=SUNDAY_MORNING).prefs)
    assert sorted(household.catalog.ids[hidden].tolist()) == [7, 15, 18]
    # A copy the profile started is the one shown (its resume point lives there).
    household.record(3, 15, "play", position=600.0, timestamp=SUNDAY_MORNING - DAY)
    hidden = household.hidden_copies(household.request(3, now=SUNDAY_MORNING).prefs)
    assert sorted(household.catalog.ids[hidden].tolist()) == [7, 16, 18]


def test_similar_leaves_out_the_videos_own_copies(household: Recommender) -> None:
    assert "Fresh Arrival" in titles(household.similar(1, n=10))  # before: its copy is the "most similar"
    household.set_duplicates(GROUPS)
    sims = titles(household.similar(1, n=10))
    assert "Fresh Arrival" not in sims and sims  # Alien's own copy
    assert titles(household.similar(18, n=10)).count("Alien") == 0  # and the other way round
    # Another video's copies count once; a disliked video's copies not at all.
    assert not {"Notting Hill", "Love Actually"} & set(titles(household.similar(5, n=20, profile=1, now=SUNDAY_MORNING)))
    assert len({"Bottle line 1", "Bottle line 2"} & set(titles(household.similar(17, n=20)))) <= 1


def test_home_page_never_shows_a_video_twice(household: Recommender) -> None:
    cfg = ShelfConfig(n=4)
    # On its own "For you" leads with the resumable film and the next episode ...
    assert {"Gladiator", "Desert Tales S01E02"} <= set(titles(household.recommend(1, n=4, now=SUNDAY_MORNING)))
    household.set_duplicates(GROUPS)
    shelves = household.shelves(1, now=SUNDAY_MORNING, config=cfg)
    by_key = shelf_titles(shelves)
    # ... but on the home page they have their own shelves, and For you moves on.
    assert by_key["continue"] == ["Gladiator"] and by_key["next_episode"] == ["Desert Tales S01E02"]
    listed = [t for s in shelves for t in titles(s.items)]
    assert len(listed) == len(set(listed)), by_key
    # Later shelves fill up from what is left rather than coming out short.
    assert len(by_key["for_you"]) == 4
    assert all(len(v) >= 2 for k, v in by_key.items() if k.startswith("because:"))


def test_mmr_takes_one_copy_per_group() -> None:
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    emb = Embeddings(np.array([a, a, b, b], dtype=np.float32), np.ones(4, dtype=bool))
    groups = np.array([0, 0, -1, -1])
    order = mmr(np.arange(4), np.array([1.0, 0.9, 0.8, 0.7]), 4, emb=emb, diversity=0.0,
                near_duplicates=NearDuplicates(groups=groups, cosine=None)).tolist()
    assert order == [0, 2, 3]  # the copy is not used to fill the list


def test_dupe_index_by_positions() -> None:
    index = DupeIndex.build([DupeGroup([10, 30], 30), DupeGroup([20, 99], 99)], np.array([10, 20, 30, 40]))
    assert index.n_groups == 1  # 99 is not in the catalogue: 20 has no copy here
    assert index.siblings(0).tolist() == [0, 2] and index.siblings(1).tolist() == [1]
    assert index.key(0) == index.key(2) != index.key(1)
    assert index.hidden().tolist() == [0]  # the best copy (30) stands for the group
    consumed = np.array([False, False, True, False])
    assert index.hidden(consumed=consumed).tolist() == [0, 2]
    assert DupeIndex.empty(3).hidden(consumed=np.ones(3, dtype=bool)).size == 0
