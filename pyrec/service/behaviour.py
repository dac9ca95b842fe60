"""What people do: profiles, plays, likes, ratings, hides, and their history.

Incognito is policy, decided here: an incognito profile, or a service put in
incognito mode for this session, records nothing at all."""

from __future__ import annotations

import os
import time
from typing import Any

from pyrec import views
from pyrec.library import Profile
from pyrec.service.base import DEFAULT_PROFILE, ServiceBase

Ref = str | int | os.PathLike[str]


class BehaviourMixin(ServiceBase):
    incognito: bool = False  # this session records nothing, whatever the profile

    # -- profiles ------------------------------------------------------------
    def profile(self, name: str | None = None) -> Profile:
        """The named profile (created on first use); None means the default one."""
        return self.library.ensure_profile(name or DEFAULT_PROFILE)

    def profiles(self) -> list[dict[str, Any]]:
        self.profile()  # there is always at least the default profile
        return [{"id": p.id, "name": p.name, "incognito": p.incognito} for p in self.library.profiles()]

    def create_profile(self, name: str, *, incognito: bool = False) -> dict[str, Any]:
        p = self.library.ensure_profile(name, incognito=incognito)
        return {"id": p.id, "name": p.name, "incognito": p.incognito}

    def is_recording(self, profile: str | None = None) -> bool:
        return not (self.incognito or self.profile(profile).incognito)

    # -- recording -------------------------------------------------------------
    def _record(self, ref: Ref, kind: str, profile: str | None, **fields: float | None) -> int | None:
        video = self.resolve(ref)
        p = self.profile(profile)
        if self.incognito or p.incognito:
            return None
        stored = {"value": None, "position": None, "watched_seconds": None, **fields,
                  "duration": video.probe.duration if video.probe else None, "at": time.time()}
        event = self.library.add_interaction(p.id, video.id, kind, **stored)
        self._interaction_recorded(p.id, video.id, kind, stored)  # what was stored, no re-read
        return event

    def record_play(self, ref: Ref, profile: str | None = None, *, position: float | None = None,
                    watched_seconds: float | None = None) -> int | None:
        """A play: how far it got (position) and how long was watched. Returns
        the event id, or None when nothing was recorded (incognito)."""
        return self._record(ref, "play", profile, position=position, watched_seconds=watched_seconds)

    def like(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._record(ref, "like", profile)

    def dislike(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._record(ref, "dislike", profile)

    def hide(self, ref: Ref, profile: str | None = None) -> int | None:
        """"Not interested": never recommended again to this profile."""
        return self._record(ref, "hide", profile)

    def mark_watched(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._record(ref, "watched", profile)

    def rate(self, ref: Ref, value: float, profile: str | None = None) -> int | None:
        if not 0 <= value <= 10:
            raise ValueError("a rating is between 0 and 10")
        return self._record(ref, "rate", profile, value=value)

    # -- reading -----------------------------------------------------------------
    def history(self, profile: str | None = None, *, limit: int | None = 100) -> list[dict[str, Any]]:
        """A profile's events, newest first, each with its video."""
        events = self.library.interactions(self.profile(profile).id, newest_first=True, limit=limit)
        cache: dict[int, dict[str, Any]] = {}
        out = []
        for e in events:
            if e.video_id not in cache:
                cache[e.video_id] = views.video_json(self.library.video(e.video_id))
            out.append({"event_id": e.id, "kind": e.kind, "at": e.created_at, "value": e.value,
                        "position": e.position, "watched_seconds": e.watched_seconds, "video": cache[e.video_id]})
        return out
