"""The sequence scorer: "what people went on to watch after what you just watched"."""

from __future__ import annotations

import numpy as np

from pyrec.recommend.base import Request
from pyrec.recommend.catalog import History
from pyrec.recommend.sequence import SequenceScorer, transitions, viewing_order

from .conftest import DAY, build_catalog


def plays(rows: list[tuple[int, int, float]], kind: str = "watched") -> list[tuple]:
    return [(p, v, kind, None, None, None, t) for p, v, t in rows]


def order(*videos: int, profile: int, start: float = 0.0) -> list[tuple[int, int, float]]:
    return [(profile, v, start + i * DAY) for i, v in enumerate(videos)]


def fitted(catalog, events: list[tuple]) -> tuple[SequenceScorer, History]:
    history = History.from_events(events)
    return SequenceScorer().fit(catalog, history), history


def request(catalog, history: History, profile: int) -> Request:
    return Request.build(catalog, history, profile)


def test_what_others_watched_next_is_recommended_nearest_first() -> None:
    catalog = build_catalog()
    events = plays(order(0, 1, 2, profile=1) + order(0, 1, profile=2) + order(0, profile=3, start=100 * DAY))
    scorer, history = fitted(catalog, events)
    scores = scorer.score(request(catalog, history, 3))
    assert scores.top(2).tolist() == [1, 2]  # 1 came right after 0 twice; 2 two steps later, once
    assert not np.isin(scores.positions, [0]).any()  # never what was already seen
    (r,) = scores.explain(1)
    assert r.kind == "watched_after" and r.data["title"] == catalog.titles[0]
    assert r.text == f"often watched after {catalog.titles[0]}"


def test_links_are_directed() -> None:
    catalog = build_catalog()
    # Everyone watched 0 before 1; someone who watched 1 is not sent back to 0.
    events = plays(order(0, 1, profile=1) + order(0, 1, profile=2) + order(1, profile=3, start=50 * DAY))
    scorer, history = fitted(catalog, events)
    assert scorer.score(request(catalog, history, 3)).positions.size == 0


def test_the_latest_video_leads_the_query() -> None:
    catalog = build_catalog()
    events = plays(order(0, 4, profile=1) + order(1, 5, profile=2) + order(0, 1, profile=3, start=100 * DAY))
    scorer, history = fitted(catalog, events)
    scores = scorer.score(request(catalog, history, 3))
    dense = scores.dense(catalog.n)
    assert dense[5] > dense[4] > 0  # profile 3 watched 1 after 0: what follows 1 comes first


def test_skips_dislikes_and_hides_are_not_steps() -> None:
    catalog = build_catalog()
    events = plays(order(0, profile=1)) + plays([(1, 1, DAY)], "skip") + plays([(1, 2, 2 * DAY)], "hide") + plays([(1, 3, 3 * DAY)])
    history = History.from_events(events)
    prof, vid = viewing_order(history, catalog.durations, SequenceScorer().cfg)
    assert vid.tolist() == [0, 3] and prof.tolist() == [1, 1]


def test_rewatches_count_once_and_profiles_do_not_link() -> None:
    prof = np.array([1, 1, 2, 2])
    vid = np.array([0, 1, 2, 3])
    links = transitions(prof, vid, 4, window=5, smoothing=0.0)
    assert links.row(1)[0].size == 0  # 1 (profile 1's last) does not lead to 2 (profile 2's first)
    assert links.row(0)[0].tolist() == [1] and links.row(2)[0].tolist() == [3]
    history = History.from_events(plays([(1, 0, 0.0), (1, 1, DAY), (1, 0, 2 * DAY), (1, 2, 3 * DAY)]))
    _, v = viewing_order(history, np.zeros(3), SequenceScorer().cfg)
    assert v.tolist() == [0, 1, 2]


def test_unfitted_or_new_profile_scores_nothing() -> None:
    catalog = build_catalog()
    history = History.from_events(plays(order(0, 1, profile=1)))
    assert SequenceScorer().score(request(catalog, history, 1)).positions.size == 0
    scorer = SequenceScorer().fit(catalog, history)
    assert scorer.score(request(catalog, history, 9)).positions.size == 0
