"""A person's history is theirs: forget it, export it, back the library up."""

from __future__ import annotations

import os
from typing import Any

from pyrec import __version__
from pyrec.service.behaviour import BehaviourMixin


class PrivacyMixin(BehaviourMixin):
    def forget(self, profile: str | None = None) -> int:
        """Delete every event of a profile; returns how many were deleted."""
        p = self.profile(profile)
        deleted = self.library.delete_profile_history(p.id)
        self._history_forgotten(p.id)
        return deleted

    def export(self, profile: str | None = None) -> dict[str, Any]:
        """Everything pyrec holds about a profile, as plain JSON-able data."""
        p = self.profile(profile)
        return {
            "format": "pyrec-profile-export",
            "version": 1,
            "pyrec": __version__,
            "profile": {"id": p.id, "name": p.name, "created_at": p.created_at, "incognito": p.incognito},
            "events": self.history(p.name, limit=None)[::-1],
        }

    def backup(self, dest: str | os.PathLike[str]) -> str:
        """A consistent copy of the library (SQLite online backup), even while in use."""
        return str(self.library.backup(dest))
