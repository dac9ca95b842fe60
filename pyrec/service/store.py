"""The library file a service works on, opened on first use and closed once,
and the cache dir beside it. Every part of the service is handed this one
store, so they all share one connection."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pyrec import paths
from pyrec.errors import NotFoundError
from pyrec.library import Library, VideoInfo

Ref = str | int | os.PathLike[str]  # a video by id ("42", 42) or by path


class Store:
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

    def resolve(self, ref: Ref) -> VideoInfo:
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
