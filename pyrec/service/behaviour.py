"""What people do: profiles, plays, likes, ratings, hides, and their history.

Profiles are created on purpose (``create_profile``, ``pyrec profiles
--create NAME``, the GUI's privacy page); naming one that does not exist is a
NotFoundError naming it, never a new profile. The one exception is the
default profile ("default", used when no profile is named): it needs no set-up
step, so the first event recorded without a profile creates it, and until
then reading it answers as for someone with no history yet.

Incognito is policy, decided here: an incognito profile, or a service put in
incognito mode for this session, records nothing at all."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypedDict

from pyrec import shapes
from pyrec.errors import NotFoundError
from pyrec.library import Profile
from pyrec.service.store import Ref, Store

DEFAULT_PROFILE = "default"  # the profile used when none is named
NOBODY = 0  # the profile id of someone with no history yet (SQLite ids start at 1)


class StoredEvent(TypedDict):
    """One event as stored: what the warm recommender folds in without a re-read."""

    value: float | None
    position: float | None
    watched_seconds: float | None
    duration: float | None
    at: float


EventRecorded = Callable[[int, int, str, StoredEvent], None]  # profile id, video id, kind, event


def profile_json(p: Profile) -> shapes.ProfileJson:
    return {"id": p.id, "name": p.name, "incognito": p.incognito, "last_active": p.last_active}


class Behaviour:
    """Profiles, recording events and reading them back. ``on_recorded`` is
    called after each stored event (the warm recommender folds it in)."""

    def __init__(self, store: Store, *, on_recorded: EventRecorded | None = None) -> None:
        self.store = store
        self.on_recorded = on_recorded
        self.incognito = False  # this session records nothing, whatever the profile

    # -- profiles ------------------------------------------------------------------
    @staticmethod
    def is_default(name: str | None) -> bool:
        return name is None or " ".join(name.split()).casefold() == DEFAULT_PROFILE

    def find(self, name: str | None) -> Profile | None:
        return self.store.library.find_profile(name or DEFAULT_PROFILE)

    def profile(self, name: str | None = None) -> Profile:
        """The named profile (None: the default one); NotFoundError naming it if there is none."""
        found = self.find(name)
        if found is None:
            shown = name or DEFAULT_PROFILE
            raise NotFoundError(f"no profile named {shown!r}; create it with `pyrec profiles --create {shown}`")
        return found

    def reading_id(self, name: str | None) -> int:
        """The id whose history answers a read: the default profile before its
        first event is someone with no history (NOBODY); an unknown named
        profile is a NotFoundError."""
        if self.is_default(name):
            found = self.find(name)
            return NOBODY if found is None else found.id
        return self.profile(name).id

    def writing(self, name: str | None) -> Profile:
        """The profile an event is recorded for; only the default one comes into being here."""
        if self.is_default(name):
            return self.store.library.ensure_profile(DEFAULT_PROFILE)
        return self.profile(name)

    def profiles(self) -> list[shapes.ProfileJson]:
        return [profile_json(p) for p in self.store.library.profiles()]

    def create_profile(self, name: str, *, incognito: bool = False) -> shapes.ProfileJson:
        """A new profile (or the existing one of that name, unchanged)."""
        return profile_json(self.store.library.ensure_profile(name, incognito=incognito))

    def is_recording(self, profile: str | None = None) -> bool:
        if self.incognito:
            return False
        found = self.find(profile) if self.is_default(profile) else self.profile(profile)
        return not (found is not None and found.incognito)

    # -- recording -------------------------------------------------------------------
    def record(self, ref: Ref, kind: str, profile: str | None, *, value: float | None = None,
               position: float | None = None, watched_seconds: float | None = None) -> int | None:
        """Store one event; None when nothing was recorded (incognito)."""
        video = self.store.resolve(ref)
        if not self.is_recording(profile):
            return None
        p = self.writing(profile)
        stored: StoredEvent = {"value": value, "position": position, "watched_seconds": watched_seconds,
                               "duration": video.probe.duration if video.probe else None, "at": time.time()}
        event = self.store.library.add_interaction(p.id, video.id, kind, **stored)
        if self.on_recorded is not None:
            self.on_recorded(p.id, video.id, kind, stored)  # what was stored, no re-read
        return event

    # -- reading -----------------------------------------------------------------------
    def history(self, profile: str | None = None, *, limit: int | None = 100) -> list[shapes.HistoryEvent]:
        """A profile's events, newest first, each with its video."""
        profile_id = self.reading_id(profile)
        if profile_id == NOBODY:
            return []
        lib = self.store.library
        events = lib.interactions(profile_id, newest_first=True, limit=limit)
        videos = lib.videos_by_ids(e.video_id for e in events)
        cache: dict[int, shapes.Video] = {}
        out: list[shapes.HistoryEvent] = []
        for e in events:
            if e.video_id not in cache:
                info = videos.get(e.video_id)
                cache[e.video_id] = shapes.video_json(info if info is not None else lib.video(e.video_id))
            out.append({"event_id": e.id, "kind": e.kind, "at": e.created_at, "value": e.value,
                        "position": e.position, "watched_seconds": e.watched_seconds, "video": cache[e.video_id]})
        return out
