"""A person's history is theirs: forget it, export it, back the library up."""

from __future__ import annotations

import os
from collections.abc import Callable

from pyrec import __version__, shapes
from pyrec.service.behaviour import NOBODY, Behaviour
from pyrec.service.store import Store

HistoryForgotten = Callable[[int], None]  # profile id


class Privacy:
    """``on_forgotten`` is called after a profile's history was deleted (the
    warm recommender must not keep what it learned from it)."""

    def __init__(self, store: Store, behaviour: Behaviour, *, on_forgotten: HistoryForgotten | None = None) -> None:
        self.store = store
        self.behaviour = behaviour
        self.on_forgotten = on_forgotten

    def forget(self, profile: str | None = None) -> int:
        """Delete every event of a profile; returns how many were deleted."""
        profile_id = self.behaviour.reading_id(profile)
        if profile_id == NOBODY:
            return 0  # the default profile before its first event: nothing to forget
        deleted = self.store.library.delete_profile_history(profile_id)
        if self.on_forgotten is not None:
            self.on_forgotten(profile_id)
        return deleted

    def export(self, profile: str | None = None) -> shapes.ProfileExport:
        """Everything pyrec holds about a profile, as plain JSON-able data."""
        p = self.behaviour.profile(profile)
        return {
            "format": "pyrec-profile-export",
            "version": 1,
            "pyrec": __version__,
            "profile": {"id": p.id, "name": p.name, "created_at": p.created_at, "incognito": p.incognito},
            "events": self.behaviour.history(p.name, limit=None)[::-1],
        }

    def backup(self, dest: str | os.PathLike[str]) -> str:
        """A consistent copy of the library (SQLite online backup), even while in use."""
        return str(self.store.library.backup(dest))
