"""Negative feedback carries: a dislike lowers its series siblings and its
look-alikes, an abandoned play lowers the video and its siblings where a
finished one raises them. On the real scanned library of test_lookalikes_lib;
each profile is measured alone (its history forgotten before the next)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest

from pyrec.library import Library
from pyrec.recommend.catalog import KIND, History
from pyrec.recommend.engine import Recommender
from pyrec.recommend.signals import DAY, preferences
from pyrec.service import PyrecService

from .test_lookalikes_lib import (  # noqa: F401 (fixtures lib, svc)
    SERIES_STYLE,
    Scanned,
    fresh_profile,
    lib_fixture,
    svc_fixture,
)

N = 60  # the whole library: every video has a rank


def ranks_after(svc: PyrecService, name: str, history: Callable[[str], None]) -> dict[int, int]:
    """Rank of every recommended video for a fresh profile with this history."""
    with fresh_profile(svc, name) as profile:
        history(profile)
        return {c["id"]: i for i, c in enumerate(svc.recommend(profile, n=N))}


def without(ranks: dict[int, int], video: int) -> dict[int, int]:
    order = sorted((v for v in ranks if v != video), key=ranks.__getitem__)
    return {v: i for i, v in enumerate(order)}


def mean_rank(ranks: dict[int, int], videos: list[int]) -> float:
    return float(np.mean([ranks.get(v, N) for v in videos]))


def likes(svc: PyrecService, videos: list[int]) -> Callable[[str], None]:
    def run(profile: str) -> None:
        for v in videos:
            svc.like(v, profile)
    return run


@pytest.mark.parametrize("style", ["forest", SERIES_STYLE])
def test_a_dislike_lowers_its_siblings(lib: Scanned, svc: PyrecService, style: str) -> None:
    # Two tastes: ocean and `style` (a look, or a series that also shares a look).
    other = lib.of_style("ocean")
    mine = lib.of_style(style)
    liked = other[:2] + mine[:2]
    disliked, siblings = mine[2], mine[3:]
    base = ranks_after(svc, f"base-{style}", likes(svc, liked))

    def then_dislike(profile: str) -> None:
        likes(svc, liked)(profile)
        svc.dislike(disliked, profile)

    after = ranks_after(svc, f"dislike-{style}", then_dislike)
    assert disliked not in after
    assert mean_rank(after, siblings) > mean_rank(base, siblings) + 1.0, (base, after)
    assert all(after.get(v, N) >= base[v] for v in siblings), (base, after)
    # The other taste is untouched or gains what the siblings lost.
    assert mean_rank(after, other[2:]) <= mean_rank(base, other[2:])


def test_an_abandoned_play_counts_against_a_finished_one_for(lib: Scanned) -> None:
    """Through the engine on the scanned library, so that days can pass: a
    play stopped at 10 % and not resumed for a week is abandoned."""
    rec = Recommender.from_library(Library.open(lib.db))
    liked = lib.of_style("ocean")[:2] + lib.of_style("city-night")[:2]
    forest = lib.of_style("forest")
    played, siblings = forest[0], forest[1:]
    t0 = time.time() - 30 * DAY
    week_later = t0 + 7 * DAY

    def ranks(profile: int, fraction: float | None) -> dict[int, int]:
        for i, v in enumerate(liked):
            rec.record(profile, v, "like", timestamp=t0 + i)
        if fraction is not None:
            rec.record(profile, played, "play", fraction=fraction, timestamp=t0 + 10)
        return {r.video_id: i for i, r in enumerate(rec.recommend(profile, N, now=week_later))}

    untouched, finished, abandoned = ranks(901, None), ranks(902, 1.0), ranks(903, 0.1)
    assert played not in finished  # watched
    assert abandoned.get(played, N) > untouched[played] + 1  # stopping early counts against the video …
    # (siblings ranked among the videos other than the played one, which moves)
    untouched, finished, abandoned = (without(r, played) for r in (untouched, finished, abandoned))
    assert mean_rank(abandoned, siblings) > mean_rank(untouched, siblings) + 0.5, (untouched, abandoned)  # … and its look-alikes,
    assert mean_rank(finished, siblings) < mean_rank(untouched, siblings)  # finishing counts for them
    # A day after the stop it is paused, not abandoned: offered to continue.
    rec.record(904, played, "play", fraction=0.1, timestamp=t0)
    assert rec.recommend(904, 1, now=t0 + DAY)[0].video_id == played


def _prefs(rows: list[tuple[str, float | None, float]]):
    """One profile's events on video 0 of a 100 s catalogue: (kind, fraction, time)."""
    h = History.from_events([(1, 0, kind, None, frac, None, t) for kind, frac, t in rows])
    return preferences(h, 2, np.array([100.0, 100.0]), now=10 * DAY)


def test_abandonment_is_the_last_early_stop_not_a_resumed_one() -> None:
    stopped = _prefs([("play", 0.1, 1.0)])
    assert stopped.confidence[0] == 0 and stopped.skipped[0] and stopped.aversion is not None and stopped.aversion[0] > 0
    resumed = _prefs([("play", 0.1, 1.0), ("play", 1.0, 2.0)])
    assert resumed.watched[0] and resumed.confidence[0] > 0 and resumed.aversion is not None and resumed.aversion[0] == 0
    later = _prefs([("play", 0.7, 1.0)])  # most of it: still for, not against
    assert later.confidence[0] > 0 and later.aversion is not None and later.aversion[0] == 0
    earlier = _prefs([("play", 0.06, 1.0)]).aversion
    assert earlier is not None and stopped.aversion[0] < earlier[0] <= 0.5  # the earlier the stop, the stronger
    paused = _prefs([("play", 0.1, 10 * DAY - 3600.0)]).aversion  # an hour ago: not abandoned yet
    assert paused is not None and paused[0] == 0
    disliked = _prefs([("dislike", None, 1.0)]).aversion
    assert disliked is not None and disliked[0] == 1.0
    assert KIND["play"] != KIND["skip"]
