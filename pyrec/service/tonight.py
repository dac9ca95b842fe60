"""Series order and the front ends' per-profile home layout.

``next_episode`` is the episode after a video in its series (season, then
episode number); ``surprise`` picks something to watch tonight from a
profile's recommendations, but for a series always its first episode the
profile has not finished, never episode 5 before 4. ``home_rows`` /
``set_home_rows`` keep which shelves a profile hides and in what order it
wants them, in the library's settings table (so every front end agrees)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import TypedDict

from pyrec import shapes
from pyrec.library import VideoInfo
from pyrec.records import is_watched
from pyrec.service.behaviour import NOBODY, Behaviour
from pyrec.service.moods import mood_fit
from pyrec.service.store import Ref, Store

SURPRISE_POOL = 8  # the best few recommendations a surprise is drawn from


class HomeRows(TypedDict):
    order: list[str]  # shelf ids in the order wanted (shelves not named keep the service's order, after these)
    hidden: list[str]  # shelf ids not shown


def _episode_key(v: VideoInfo) -> tuple[int, int, int]:
    return (v.text.season if v.text.season is not None else 0,
            v.text.episode if v.text.episode is not None else 0, v.id)


class Tonight:
    def __init__(self, store: Store, behaviour: Behaviour) -> None:
        self.store = store
        self.behaviour = behaviour

    # -- series order --------------------------------------------------------------------
    def _series(self, video: VideoInfo) -> tuple[int | None, list[VideoInfo]]:
        """The video's series (entity id) and its episodes in watching order
        (no series and just the video for a film)."""
        lib = self.store.library
        series = next((e for e in lib.entities_of(video.id) if e.kind == "series"), None)
        if series is None or video.text.episode is None:
            return None, [video]
        return series.entity_id, sorted(lib.videos(status="ok", entity_id=series.entity_id), key=_episode_key)

    def next_episode(self, ref: Ref) -> shapes.Card | None:
        """The episode after this one in its series; None after the last, or for a film."""
        video = self.store.resolve(ref)
        _series, episodes = self._series(video)
        ids = [v.id for v in episodes]
        if video.id not in ids or ids.index(video.id) + 1 >= len(ids):
            return None
        following = episodes[ids.index(video.id) + 1]
        thumbs = self.store.library.first_thumbnails([following.id])
        return shapes.card_json(following, thumbs.get(following.id))

    def resume_at(self, ref: Ref, profile: str | None) -> float | None:
        """Where the profile stopped in this video: its newest play's position,
        unless that play (or a later "watched" mark) finished it."""
        video = self.store.resolve(ref)
        profile_id = self.behaviour.reading_id(profile)
        if profile_id == NOBODY:
            return None
        duration = video.probe.duration if video.probe else 0.0
        for event in self.store.library.interactions(profile_id, newest_first=True):
            if event.video_id != video.id or event.kind not in ("play", "watched"):
                continue
            if event.kind == "watched" or not event.position:
                return None
            return None if duration and is_watched(event.position / duration, duration) else float(event.position)
        return None

    def first_unfinished(self, ref: Ref, profile: str | None) -> VideoInfo | None:
        """The first episode of the video's series the profile has not watched (the video itself for a film
        not yet watched); None when it has watched them all."""
        video = self.store.resolve(ref)
        profile_id = self.behaviour.reading_id(profile)
        series, episodes = self._series(video)
        if profile_id == NOBODY:
            return episodes[0]
        lib = self.store.library
        if series is None:  # a film: is it watched?
            done = video.id in {v.id for v in lib.videos(None, watched="watched", profile_id=profile_id)}
            return None if done else video
        watched = {v.id for v in lib.videos(None, entity_id=series, watched="watched", profile_id=profile_id)}
        return next((v for v in episodes if v.id not in watched), None)

    def surprise(self, profile: str | None, candidates: Sequence[shapes.Card],
                 rng: Callable[[int], int] | None = None, mood: str | None = None) -> shapes.Card | None:
        """One pick for tonight among the first few ``candidates`` (a
        profile's recommendations, best first), each episode replaced by the
        first unfinished one of its series. A ``mood`` (moods.MOODS) puts the
        candidates that fit it first; when none fits, the closest are used."""
        pool: dict[int, shapes.Card] = {}
        lib = self.store.library
        if mood is not None:
            candidates = self._by_mood(candidates, mood)
        for card in candidates:
            chosen = self.first_unfinished(card["id"], profile)
            if chosen is None or chosen.id in pool:
                continue
            if chosen.id == card["id"]:
                pool[chosen.id] = card
            else:
                replaced = shapes.card_json(chosen, lib.first_thumbnails([chosen.id]).get(chosen.id))
                replaced["reasons"] = [f"next in the series after what you watched of “{card['title']}”"]
                pool[chosen.id] = replaced
            if len(pool) >= SURPRISE_POOL:
                break
        if not pool:
            return None
        picks = list(pool.values())
        index = (rng or (lambda n: random.randrange(n)))(len(picks))
        return picks[index % len(picks)]

    def _by_mood(self, candidates: Sequence[shapes.Card], mood: str) -> list[shapes.Card]:
        """Candidates that fit the mood, best first; only the best-fitting tier
        (so a calm evening never draws an unmeasured action film if a calm one exists)."""
        videos = self.store.library.videos_by_ids([c["id"] for c in candidates])
        fits = [mood_fit(videos[c["id"]], mood) if c["id"] in videos else 0.0 for c in candidates]
        best = max(fits, default=0.0)
        return [c for c, fit in zip(candidates, fits) if fit == best]

    # -- the home page's rows -----------------------------------------------------------------
    def _key(self, profile: str | None) -> str:
        return f"home_rows:{self.behaviour.reading_id(profile)}"

    def home_rows(self, profile: str | None) -> HomeRows:
        raw = self.store.library.setting(self._key(profile))
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return {"order": [str(s) for s in data.get("order", [])], "hidden": [str(s) for s in data.get("hidden", [])]}

    def set_home_rows(self, profile: str | None, *, order: Sequence[str] | None = None,
                      hidden: Sequence[str] | None = None) -> HomeRows:
        rows = self.home_rows(profile)
        if order is not None:
            rows["order"] = list(dict.fromkeys(order))
        if hidden is not None:
            rows["hidden"] = sorted(set(hidden))
        self.store.library.set_setting(self._key(profile), json.dumps(rows))
        return rows


def arrange(shelves: list[shapes.Shelf], rows: HomeRows) -> list[shapes.Shelf]:
    """Shelves as a profile wants them: hidden ones out, named ones first in its order."""
    rank = {shelf_id: i for i, shelf_id in enumerate(rows["order"])}
    shown = [s for s in shelves if s["id"] not in set(rows["hidden"])]
    return sorted(shown, key=lambda s: (rank.get(s["id"], len(rank)), shelves.index(s)))
