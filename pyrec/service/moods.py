"""Moods for "Surprise me": what a person may want tonight, read from what
the scan measured of each video (its length, shot cuts per minute, how much
of its sound is speech or music, its loudness). A mood narrows the pick; it
never empties it (when nothing fits, the closest fits are offered)."""

from __future__ import annotations

from collections.abc import Callable

from pyrec.library import VideoInfo

SHORT_SECONDS = 30 * 60  # fits an evening's half hour
CALM_CUTS = 6.0  # shot cuts per minute: a slow documentary ~2-5, an action film 20+
LIVELY_CUTS = 12.0
TALKY_SPEECH = 0.5  # share of the sound that is speech
MUSIC_SHARE = 0.5
LOUD_LUFS = -16.0  # loudness above this is not calm


def _short(v: VideoInfo) -> float | None:
    duration = v.probe.duration if v.probe is not None else None
    return None if not duration else float(duration <= SHORT_SECONDS)


def _calm(v: VideoInfo) -> float | None:
    cuts, loud = v.stats.get("cuts_per_minute"), v.stats.get("loudness_lufs")
    if cuts is None and loud is None:
        return None
    return float((cuts is None or cuts <= CALM_CUTS) and (loud is None or loud <= LOUD_LUFS))


def _lively(v: VideoInfo) -> float | None:
    cuts, music = v.stats.get("cuts_per_minute"), v.stats.get("music_share")
    if cuts is None and music is None:
        return None
    return float((cuts or 0.0) >= LIVELY_CUTS or (music or 0.0) >= MUSIC_SHARE)


def _talky(v: VideoInfo) -> float | None:
    speech = v.stats.get("speech_share")
    return None if speech is None else float(speech >= TALKY_SPEECH)


# name -> (what it means, in a menu; how well a video fits: 1, 0, or None when not measured)
MOODS: dict[str, tuple[str, Callable[[VideoInfo], float | None]]] = {
    "short": ("short: under half an hour", _short),
    "calm": ("calm: few cuts, gentle sound", _calm),
    "lively": ("lively: quick cuts or music", _lively),
    "talky": ("talky: people talking, documentaries", _talky),
}


def mood_fit(video: VideoInfo, mood: str) -> float:
    """1 for a video that fits, 0 for one that does not, 0.5 when the scan
    measured nothing to judge by (an old row, a silent file)."""
    if mood not in MOODS:
        raise ValueError(f"unknown mood {mood!r}; use one of {', '.join(MOODS)}")
    fit = MOODS[mood][1](video)
    return 0.5 if fit is None else fit
