"""Reasons: every recommendation says why, as data (for the GUI) and as one
human sentence. All sentences are written here so wording stays consistent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pyrec.clock import format_clock
from pyrec.records import MOMENT_PLACES

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYPARTS = ("mornings", "afternoons", "evenings", "nights")


@dataclass(frozen=True)
class Reason:
    kind: str  # e.g. "shared_entity", "similar_to", "next_episode"
    data: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 0.0  # contribution to the final score, for ordering
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "data": dict(self.data), "weight": round(float(self.weight), 4), "text": self.text}


def reason(kind: str, weight: float = 0.0, **data: Any) -> Reason:
    return Reason(kind, data, float(weight), sentence(kind, data))


def _entity_sentence(d: Mapping[str, Any]) -> str:
    kind, role, name, title = d.get("entity_kind", ""), d.get("role", ""), d.get("name", ""), d.get("title", "")
    like = f", like {title}" if title else ""
    if kind == "person":
        if d.get("narrator"):  # the artist tag of a documentary-like video: its voice
            return f"narrated by {name}, as in {title}" if title else f"narrated by {name}"
        if role in ("director", "writer", "creator", "producer"):
            return f"same {role} as {title}" if title else f"by {name}, whom you like"
        return f"with {name}, as in {title}" if title else f"with {name}"
    if kind == "genre":
        return f"{name.lower()}{like}"
    if kind == "tag":
        return f"tagged “{name}”{like}"
    if kind == "series":
        return f"same series as {title}" if title else f"from {name}"
    if kind == "collection":
        return f"part of {name}{like}"
    if kind == "studio":
        return f"from {name}{like}"
    if kind == "folder":
        return f"in the same folder as {title}" if title else f"in {name}"
    if kind == "label":
        return f"also shows {name}{like}"
    if kind == "sound":  # "music, like Night Chords"
        return f"{name}{like}"
    return f"shares {name}{like}"


def sentence(kind: str, d: Mapping[str, Any]) -> str:
    title = d.get("title", "")
    if kind == "shared_entity":
        return _entity_sentence(d)
    if kind == "similar_to":
        if d.get("faint"):
            return f"a little like {title}"
        if d.get("modality") != "visual":
            return f"similar to {title}"
        return f"same setting as {title}" if d.get("setting") else f"looks like {title}"
    if kind == "shared_topic":  # "also about storms and harbours, like Night Crossing"
        return f"also about {join_words(d.get('words', ()))}, like {title}" if title else \
            f"also about {join_words(d.get('words', ()))}"
    if kind == "graph_walk":
        return f"linked to {title} through {d.get('name', '')}"
    if kind == "co_watched":
        return f"often watched together with {title}"
    if kind == "watched_after":
        return f"often watched after {title}"
    if kind == "other_profiles":
        n = int(d.get("profiles", 1))
        return "popular with your other profiles" if n > 1 else "popular with your other profile"
    if kind == "popular":
        return "popular in your library"
    if kind == "continue":
        return f"continue watching from {format_clock(float(d.get('position', 0.0)))}"
    if kind == "next_episode":
        return f"next episode of {d.get('series', '')} ({episode_code(d.get('season'), d.get('episode'))})"
    if kind == "habit":
        day = WEEKDAYS[int(d["weekday"])] if d.get("weekday") is not None else ""
        part = DAYPARTS[int(d["daypart"])]
        what = plural(str(d.get("name", "this")).lower())
        return f"you watch {what} on {day} {part}" if day else f"you watch {what} in the {part.rstrip('s')}"
    if kind == "new":
        return "new in your library"
    if kind == "spread":  # a first look at a library with no history (recommend/spread.py)
        group, titles = int(d.get("group", 1)), list(d.get("titles", ()))
        if group <= 1:
            return "one of a kind in your library"
        with_ = f", with {join_words(titles)}" if titles else ""
        return f"one of {group} like it in your library{with_}"
    if kind == "rediscover":
        return f"you liked this {format_age(float(d.get('age_days', 0.0)))} ago"
    if kind == "because":
        return f"because you watched {title}"
    if kind == "search_text":
        return f"matches “{d.get('query', '')}”"
    if kind == "search_semantic":
        return f"about “{d.get('query', '')}”"
    if kind == "search_passage":  # a passage of its lines means what the query says: where
        return f"{MOMENT_PLACES.get(d.get('moment_kind', ''), 'at')} {format_clock(float(d.get('time', 0.0)))}: " \
               f"about “{d.get('query', '')}”"
    if kind == "search_tag":
        name = d.get("name", "")
        return f"genre: {name}" if d.get("entity_kind") == "genre" else f"tagged “{name}”"
    if kind == "search_label":
        return f"shows {d.get('label', '')}"
    if kind == "duplicate":
        return f"same video as {title}"
    return kind.replace("_", " ")


def join_words(words: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [str(w) for w in words]
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"


def plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word
    return word + "s"


def episode_code(season: Any, episode: Any) -> str:
    s = int(season) if season is not None and int(season) >= 0 else 1
    e = int(episode) if episode is not None else 0
    return f"S{s:02d}E{e:02d}"


def format_age(days: float) -> str:
    if days >= 730:
        return f"{int(days // 365)} years"
    if days >= 60:
        return f"{int(days // 30)} months"
    if days >= 14:
        return f"{int(days // 7)} weeks"
    return f"{max(int(days), 1)} days"


def top_reasons(candidates: Iterable[Reason], k: int = 3) -> list[Reason]:
    """Strongest first, one per sentence, at most k. Faint reasons (a weak
    likeness, data["faint"]) only when there is no other."""
    pool = list(candidates)
    # "same series as X" already says what "part of <its folder>, like X" would.
    series_of = {r.data.get("title") for r in pool if r.kind == "shared_entity" and r.data.get("entity_kind") == "series"}
    pool = [r for r in pool if not (r.kind == "shared_entity" and r.data.get("entity_kind") in ("collection", "folder")
                                    and r.data.get("title") in series_of)]
    strong = [r for r in pool if not r.data.get("faint")]
    seen: set[str] = set()
    out: list[Reason] = []
    for r in sorted(strong or pool, key=lambda r: -r.weight):
        if r.text and r.text not in seen:
            seen.add(r.text)
            out.append(r)
        if len(out) == k:
            break
    return out
