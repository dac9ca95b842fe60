from __future__ import annotations

import math

import numpy as np
import pytest

from pyrec.recommend.catalog import History
from pyrec.recommend.signals import SignalConfig, event_weights, preferences

DAY = 86400.0


def one_play(duration: float, seconds: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    h = History.from_events([(1, 0, "play", None, seconds / duration, None, 0.0)])
    return event_weights(h, np.array([duration]))


@pytest.mark.parametrize(
    ("duration", "seconds", "watched", "skipped"),
    [
        (7200, 6500, True, False),  # 90.3 %: watched by fraction
        (7200, 6400, False, False),  # 88.9 % and 800 s left: partial
        (1500, 1340, True, False),  # 89.3 % but only 160 s of credits left
        (7200, 100, False, True),  # 1.4 %: skip
        (7200, 300, False, True),  # 4.2 % < 5 %: skip
        (1500, 110, False, True),  # 7.3 % but under 2 minutes of a 25-minute video
        (60, 10, False, False),  # 10 s of a 1-minute clip is not a skip
        (600, 110, False, False),  # a 10-minute video is not "long": 18 % is partial
    ],
)
def test_watched_and_skip_thresholds(duration: float, seconds: float, watched: bool, skipped: bool) -> None:
    w, is_watched, is_skip = one_play(duration, seconds)
    assert bool(is_watched[0]) is watched
    assert bool(is_skip[0]) is skipped
    if watched:
        assert w[0] == pytest.approx(1.0)
    elif skipped:
        assert w[0] < 0
    else:  # partial: weight grows with the fraction
        cfg = SignalConfig()
        assert w[0] == pytest.approx(cfg.partial_floor + (1 - cfg.partial_floor) * seconds / duration)


def test_position_fills_missing_fraction() -> None:
    h = History.from_events([(1, 0, "play", None, None, 6600.0, 0.0)])
    _, watched, _ = event_weights(h, np.array([7200.0]))
    assert watched[0]


def prefs_of(rows: list[tuple], n: int = 3, now: float | None = None, cfg: SignalConfig = SignalConfig()):
    h = History.from_events(rows)
    return preferences(h, n, np.full(n, 3600.0), cfg, now)


def test_repeats_count_with_diminishing_returns() -> None:
    p = prefs_of([(1, 0, "watched", None, None, None, 0.0), (1, 1, "watched", None, None, None, 0.0),
                  (1, 1, "watched", None, None, None, 1.0), (1, 1, "watched", None, None, None, 2.0)], now=2.0)
    assert p.confidence[0] == pytest.approx(1.0, rel=1e-4)
    assert p.confidence[1] == pytest.approx(2.0, rel=1e-4)  # log2(1 + 3)


def test_likes_ratings_and_negatives() -> None:
    cfg = SignalConfig()
    p = prefs_of([
        (1, 0, "like", None, None, None, 0.0),
        (1, 1, "rate", 5.0, None, None, 0.0),
        (1, 2, "rate", 1.0, None, None, 0.0),
    ], now=0.0)
    assert p.confidence[0] == pytest.approx(math.log2(1 + cfg.like_weight))
    assert p.confidence[1] == pytest.approx(math.log2(1 + cfg.rating_base + cfg.like_weight))
    assert p.negative.tolist() == [False, False, True]
    assert p.explicit.tolist() == [True, True, False]
    assert p.watched.tolist() == [False, True, True]  # a rating implies a viewing


def test_hide_and_dislike_are_negative_until_liked_again() -> None:
    p = prefs_of([
        (1, 0, "watched", None, None, None, 0.0),
        (1, 0, "dislike", None, None, None, 1.0),
        (1, 1, "hide", None, None, None, 1.0),
        (1, 2, "dislike", None, None, None, 1.0),
        (1, 2, "like", None, None, None, 2.0),
    ], now=2.0)
    assert p.negative.tolist() == [True, True, False]
    assert p.confidence[0] == 0.0 and p.confidence[1] == 0.0
    assert p.confidence[2] > 0


def test_recency_decay_halves_after_one_half_life() -> None:
    cfg = SignalConfig(half_life_days=30.0)
    p = prefs_of([(1, 0, "watched", None, None, None, 0.0), (1, 1, "watched", None, None, None, 30 * DAY)], now=30 * DAY, cfg=cfg)
    assert p.confidence[1] == pytest.approx(1.0)
    assert p.confidence[0] == pytest.approx(math.log2(1.5))
    assert prefs_of([(1, 0, "watched", None, None, None, 0.0)], now=30 * DAY,
                    cfg=SignalConfig(half_life_days=None)).confidence[0] == pytest.approx(1.0)


def test_skips_cancel_evidence() -> None:
    p = prefs_of([(1, 0, "skip", None, None, None, 0.0), (1, 0, "skip", None, None, None, 1.0),
                  (1, 0, "skip", None, None, None, 2.0), (1, 1, "play", None, 0.5, None, 2.0)], now=2.0)
    assert p.confidence[0] == 0.0 and p.skipped[0]
    assert p.confidence[1] > 0 and not p.skipped[1] and not p.watched[1]
