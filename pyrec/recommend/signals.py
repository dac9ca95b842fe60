"""Implicit confidence from raw interactions.

A play means little on its own: 3 minutes of a 2-hour film is a skip, the last
minutes of credits do not matter, a repeat means more than one viewing. The
thresholds follow what media centres (Kodi) use for "watched" and resume
points, and every number lives in `SignalConfig` so it can be tuned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.recommend.catalog import KIND, History
from pyrec.records import CREDITS_SECONDS, LONG_VIDEO_SECONDS, WATCHED_FRACTION, is_watched

DAY = 86400.0


@dataclass(frozen=True)
class SignalConfig:
    # When a play counts as watched: pyrec.records.is_watched, the one rule.
    watched_fraction: float = WATCHED_FRACTION  # >= this much seen counts as watched
    watched_seconds_left: float = CREDITS_SECONDS  # ... or fewer seconds left of a long video (end credits)
    skip_fraction: float = 0.05  # < this much seen is a skip
    skip_seconds: float = 120.0  # ... or under 2 minutes of a long video
    long_video_seconds: float = LONG_VIDEO_SECONDS  # "long" starts at 20 minutes
    partial_floor: float = 0.2  # weight of a barely-started (not skipped) play
    unknown_play_weight: float = 0.5  # a play with no position information
    like_weight: float = 3.0
    skip_weight: float = 0.35  # how much one skip cancels of one viewing
    rating_scale: float = 5.0  # ratings are mapped to 0..5
    rating_neutral: float = 2.5  # a rating above this is positive
    rating_negative: float = 2.0  # a rating at or below this is a dislike
    rating_base: float = 1.0  # a rating implies a viewing
    half_life_days: float | None = 365.0  # recency decay of positive evidence; None = off
    # Abandonment: the last play of a video stopped before this share and was
    # not resumed (no later play or "watched") within abandon_after_days
    # counts against the video, more the earlier it stopped (abandon_weight at
    # the skip line, 0 here). Until then it is in progress: Continue watching.
    abandon_fraction: float = 0.5
    abandon_weight: float = 1.0
    abandon_after_days: float = 3.0
    # How much a skipped or abandoned video is disliked (0..1, a dislike is 1)
    # when its aversion carries to its siblings (likeness.Kinship).
    soft_aversion: float = 0.5


@dataclass
class Preferences:
    """What one profile thinks of every video, aligned to catalogue positions."""

    confidence: np.ndarray  # float32 >= 0: strength of positive evidence (decayed)
    negative: np.ndarray  # bool: disliked, hidden, rated low: never recommend
    skipped: np.ndarray  # bool: skipped more than watched
    watched: np.ndarray  # bool: finished (or rated) at least once
    seen: np.ndarray  # bool: any interaction at all
    explicit: np.ndarray  # bool: liked or rated highly
    last_time: np.ndarray  # float64 last interaction time, nan when none
    positive_time: np.ndarray  # float64 last positive interaction, nan when none
    # float32 0..1: how much the profile is against the video (1 disliked or
    # hidden, less for skipped or abandoned); it carries to siblings.
    aversion: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.aversion is None:
            self.aversion = self.negative.astype(np.float32)

    def positives(self, min_confidence: float = 0.0) -> np.ndarray:
        return np.flatnonzero((self.confidence > min_confidence) & ~self.negative)


def event_weights(history: History, durations: np.ndarray, cfg: SignalConfig = SignalConfig()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event: (signed weight before decay, watched flag, skip flag)."""
    kind = history.kind
    dur = durations[history.video] if history.video.size else np.zeros(0)
    frac = history.fraction.astype(np.float64)
    # Fill the fraction from the resume position where only that is known.
    from_pos = np.where(dur > 0, history.position / np.where(dur > 0, dur, 1.0), np.nan)
    frac = np.where(np.isnan(frac), from_pos, frac)
    seconds = frac * dur
    known = ~np.isnan(frac)

    is_play = kind == KIND["play"]
    long_video = dur >= cfg.long_video_seconds
    finished = is_watched(frac, dur, watched_fraction=cfg.watched_fraction, credits_seconds=cfg.watched_seconds_left,
                          long_video_seconds=cfg.long_video_seconds)
    watched = (kind == KIND["watched"]) | (is_play & known & finished)
    skipped = (kind == KIND["skip"]) | (
        is_play & known & ~watched & ((frac < cfg.skip_fraction) | (long_video & (seconds < cfg.skip_seconds)))
    )

    w = np.zeros(kind.size, dtype=np.float64)
    partial = is_play & known & ~watched & ~skipped
    w[partial] = cfg.partial_floor + (1.0 - cfg.partial_floor) * frac[partial]
    w[is_play & ~known] = cfg.unknown_play_weight
    w[watched] = 1.0
    w[skipped] = -cfg.skip_weight
    w[kind == KIND["like"]] = cfg.like_weight

    is_rate = kind == KIND["rate"]
    rating = history.value.astype(np.float64) * (5.0 / cfg.rating_scale)
    pos_rate = is_rate & (rating > cfg.rating_neutral)
    w[pos_rate] = cfg.rating_base + cfg.like_weight * (rating[pos_rate] - cfg.rating_neutral) / (5.0 - cfg.rating_neutral)
    mid_rate = is_rate & ~pos_rate & (rating > cfg.rating_negative)
    w[mid_rate] = cfg.rating_base * 0.5
    watched |= is_rate  # a rating implies a viewing
    return w.astype(np.float32), watched, skipped


def negative_events(history: History, cfg: SignalConfig = SignalConfig()) -> np.ndarray:
    """Events that mean "do not show me this": dislike, hide, a low rating."""
    rating = history.value.astype(np.float64) * (5.0 / cfg.rating_scale)
    low = (history.kind == KIND["rate"]) & (rating <= cfg.rating_negative)
    return (history.kind == KIND["dislike"]) | (history.kind == KIND["hide"]) | low


def decay(timestamps: np.ndarray, now: float | np.ndarray, half_life_days: float | None) -> np.ndarray:
    if half_life_days is None:
        return np.ones(np.shape(timestamps), dtype=np.float64)
    age = np.maximum(np.asarray(now, dtype=np.float64) - timestamps, 0.0)
    return np.power(0.5, age / (half_life_days * DAY))


def compress(total: np.ndarray) -> np.ndarray:
    """Repeats count, with diminishing returns: 1 viewing -> 1, 3 -> 2."""
    return np.log2(1.0 + np.maximum(total, 0.0))


def preferences(history: History, n: int, durations: np.ndarray, cfg: SignalConfig = SignalConfig(), now: float | None = None) -> Preferences:
    """Aggregate one profile's events (pass a History already filtered to it).

    Work happens on the videos the profile touched (a few thousand at most)
    and is scattered into catalogue-sized arrays at the end."""
    uniq, v = np.unique(history.video, return_inverse=True)
    m = uniq.size
    w, watched_ev, _ = event_weights(history, durations, cfg)
    ref = float(history.timestamp.max()) if now is None and len(history) else (now or 0.0)
    w = abandonment(history, durations, w, watched_ev, ref, cfg)
    d = decay(history.timestamp, ref, cfg.half_life_days)
    pos_total = np.bincount(v, weights=np.where(w > 0, w * d, 0.0), minlength=m)
    pos_raw = np.bincount(v, weights=np.where(w > 0, w, 0.0), minlength=m)
    skip_total = np.bincount(v, weights=np.where(w < 0, -w, 0.0), minlength=m)
    # Skips subtract from the positive evidence, undecayed: a skip is a
    # judgement on the video, not on the moment.
    confidence = compress(pos_total - skip_total)

    neg_ev = negative_events(history, cfg)
    like_ev = history.kind == KIND["like"]
    # The latest explicit judgement wins: a like after a dislike undoes it.
    last_neg = _last_time(v, np.where(neg_ev, history.timestamp, -np.inf), m)
    last_like = _last_time(v, np.where(like_ev, history.timestamp, -np.inf), m)
    negative = np.isfinite(last_neg) & (last_neg >= last_like)
    confidence[negative] = 0.0
    against = np.clip(skip_total - pos_raw, 0.0, None)  # net evidence against (skips, abandonment)
    aversion = np.where(negative, 1.0, cfg.soft_aversion * np.minimum(against, 1.0))

    rating = history.value.astype(np.float64) * (5.0 / cfg.rating_scale)
    high = like_ev | ((history.kind == KIND["rate"]) & (rating >= 4.0))
    explicit = (np.bincount(v, weights=high.astype(np.float64), minlength=m) > 0) & ~negative
    last_time = _last_time(v, history.timestamp, m)
    positive_time = _last_time(v, np.where(w > 0, history.timestamp, -np.inf), m)

    def dense(values: np.ndarray, fill: float | bool, dtype: type) -> np.ndarray:
        out: np.ndarray = np.full(n, fill, dtype=dtype)
        out[uniq] = values
        return out

    return Preferences(
        confidence=dense(confidence, 0.0, np.float32),
        negative=dense(negative, False, bool),
        skipped=dense(skip_total > pos_raw, False, bool),
        watched=dense(np.bincount(v, weights=watched_ev.astype(np.float64), minlength=m) > 0, False, bool),
        seen=dense(np.ones(m, dtype=bool), False, bool),
        explicit=dense(explicit, False, bool),
        last_time=dense(np.where(np.isfinite(last_time), last_time, np.nan), np.nan, np.float64),
        positive_time=dense(np.where(np.isfinite(positive_time), positive_time, np.nan), np.nan, np.float64),
        aversion=dense(aversion, 0.0, np.float32),
    )


def is_abandoned(fraction: np.ndarray, age_seconds: np.ndarray, cfg: SignalConfig = SignalConfig()) -> np.ndarray:
    """Whether a video's last play, stopped at `fraction` and `age_seconds`
    ago, was abandoned rather than paused (the one rule: taste and Continue
    watching both use it)."""
    return (fraction < cfg.abandon_fraction) & (age_seconds >= cfg.abandon_after_days * DAY)


def abandonment(history: History, durations: np.ndarray, w: np.ndarray, watched: np.ndarray, now: float,
                cfg: SignalConfig = SignalConfig()) -> np.ndarray:
    """Event weights with abandoned plays turned against their video: the last
    play of a video (of one profile's history) that stopped between the skip
    line and `abandon_fraction` and was not resumed for `abandon_after_days`
    weighs -abandon_weight × how early it stopped. A resumed play is not
    abandoned: the later play is the last one."""
    is_play = (history.kind == KIND["play"]) | (history.kind == KIND["watched"])
    if not is_play.any():
        return w
    idx = np.flatnonzero(is_play)
    _, first_from_end = np.unique(history.video[idx][::-1], return_index=True)
    last = idx[::-1][first_from_end]
    dur = durations[history.video[last]]
    frac = history.fraction[last].astype(np.float64)
    frac = np.where(np.isnan(frac) & (dur > 0), history.position[last] / np.where(dur > 0, dur, 1.0), frac)
    gone = (history.kind[last] == KIND["play"]) & ~watched[last] & (w[last] > 0) & ~np.isnan(frac) \
        & is_abandoned(frac, now - history.timestamp[last], cfg)
    if not gone.any():
        return w
    out = w.copy()
    sel, f = last[gone], frac[gone]
    span = max(cfg.abandon_fraction - cfg.skip_fraction, 1e-6)
    out[sel] = -cfg.abandon_weight * np.clip((cfg.abandon_fraction - f) / span, 0.0, 1.0)
    return out.astype(np.float32)


def confidence_triplets(
    history: History, n: int, durations: np.ndarray, cfg: SignalConfig = SignalConfig(), now: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(profile ids, video positions, confidence) for every positive pair of
    every profile; the input of matrix factorisation."""
    rows, cols, vals = [], [], []
    for p in history.profiles.tolist():
        prefs = preferences(history.for_profile(p), n, durations, cfg, now)
        pos = prefs.positives()
        rows.append(np.full(pos.size, p, dtype=np.int64))
        cols.append(pos)
        vals.append(prefs.confidence[pos])
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals).astype(np.float32)


def _last_time(video: np.ndarray, times: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, -np.inf)
    if video.size:
        np.maximum.at(out, video, times)
    return out
