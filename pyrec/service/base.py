"""What every part of the service shares: the library connection, the cache
dir and a lock. Front ends hold one PyrecService per library."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pyrec import paths
from pyrec.errors import NotFoundError
from pyrec.library import Library, VideoInfo

DEFAULT_PROFILE = "default"  # the profile used when none is named


class ServiceBase:
    def __init__(self, db_path: str | os.PathLike[str] | None = None, *,
                 cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.db_path = paths.default_db_path(db_path)
        self.cache_dir = Path(cache_dir) if cache_dir else paths.cache_dir()
        self._library: Library | None = None
        self._lock = threading.RLock()

    @property
    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                self._library = Library.open(self.db_path)
            return self._library

    @property
    def thumbnail_dir(self) -> Path:
        return paths.make_private_dir(self.cache_dir / "thumbnails")

    def close(self) -> None:
        with self._lock:
            if self._library is not None:
                self._library.close()
                self._library = None

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- hooks: what changed, for derived state (the recommender overrides them)
    def _library_changed(self) -> None:
        """A scan changed the catalogue."""

    def _interaction_recorded(self, profile_id: int, video_id: int, kind: str, event: dict[str, float | None]) -> None:
        """One event was stored; ``event`` holds its value, position, watched_seconds, duration and at."""

    def _history_forgotten(self, profile_id: int) -> None:
        """A profile's history was deleted."""

    def resolve(self, ref: str | int | os.PathLike[str]) -> VideoInfo:
        """A video by id ("42") or by path (relative paths resolve from the cwd)."""
        lib = self.library
        text = str(ref) if isinstance(ref, int) else os.fspath(ref)
        if text.isdigit():
            try:
                return lib.video(int(text))
            except NotFoundError:
                if not os.path.exists(text):
                    raise
        found = lib.video_by_path(os.path.abspath(text))
        if found is None:
            raise NotFoundError("no such video in the library", text)
        return found
