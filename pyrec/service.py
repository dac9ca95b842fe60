"""The one API the front ends (CLI, GUI) use. It owns the library connection,
the cache dir and the long jobs; front ends never run SQL or call the core.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyrec import __version__, paths, views
from pyrec.errors import NotFoundError
from pyrec.library import Library, VideoInfo
from pyrec.scan.scanner import ProgressCallback, Scanner, ScanSummary


class PyrecService:
    """A library plus what to do with it. Use as a context manager or call close()."""

    def __init__(self, db_path: str | os.PathLike[str] | None = None, *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.db_path = paths.default_db_path(db_path)
        self.cache_dir = Path(cache_dir) if cache_dir else paths.cache_dir()
        self._library: Library | None = None
        self._lock = threading.RLock()

    # -- lifecycle ---------------------------------------------------------
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

    def __enter__(self) -> PyrecService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scanning ----------------------------------------------------------
    def scan(
        self,
        roots: Iterable[str | os.PathLike[str]],
        *,
        exclude: Iterable[str] = (),
        jobs: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanSummary:
        scanner = Scanner(self.library, thumbnail_dir=self.thumbnail_dir, jobs=jobs, exclude=exclude)
        return scanner.scan(roots, progress=progress, cancel=cancel)

    # -- reading -----------------------------------------------------------
    def resolve(self, ref: str | int | os.PathLike[str]) -> VideoInfo:
        """A video by id ("42") or by path (relative paths resolve from the cwd)."""
        lib = self.library
        text = os.fspath(ref) if not isinstance(ref, int) else str(ref)
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

    def video(self, ref: str | int) -> dict[str, Any]:
        """One video with what pyrec understood of it, by id or path."""
        lib = self.library
        row = self.resolve(ref)
        return {
            **views.video_json(row),
            "stats": row.stats,
            "keyframes": [views.keyframe_json(k) for k in lib.keyframes(row.id)],
            "labels": [views.label_json(label) for label in lib.labels(row.id)],
            "entities": [views.entity_json(e) for e in lib.entities_of(row.id)],
        }

    def videos(self, *, status: str | None = "ok", limit: int | None = 100, offset: int = 0,
               order: str = "id") -> list[dict[str, Any]]:
        return [views.video_json(v) for v in self.library.videos(status=status, limit=limit, offset=offset, order=order)]

    # -- diagnostics -------------------------------------------------------
    @staticmethod
    def model_status() -> list[dict[str, Any]]:
        """Every bundled and user model, verified against its recorded sha256."""
        from pyrec.errors import ModelError
        from pyrec.models import all_specs, verify

        try:
            specs = all_specs()
        except ModelError as exc:  # a broken user config: report it, keep the rest
            return [{"id": "user config", "status": f"error: {exc.one_line()}"}]
        out = []
        for spec in specs.values():
            entry = {"id": spec.id, "kind": spec.kind, "file": str(spec.path), "bundled": spec.bundled,
                     "licence": spec.licence, "sha256": spec.sha256}
            try:
                verify(spec)
                entry["status"] = "ok"
            except ModelError as exc:
                entry["status"] = f"error: {exc.one_line()}"
            out.append(entry)
        return out

    def doctor(self) -> dict[str, Any]:
        """Versions, SIMD level, models and library stats, for bug reports."""
        import cv2
        import numpy
        import onnxruntime

        from pyrec.core import available_simd_levels, simd_level

        report: dict[str, Any] = {
            "pyrec": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": numpy.__version__,
            "onnxruntime": onnxruntime.__version__,
            "opencv": cv2.__version__,
            "sqlite": sqlite3.sqlite_version,
            "simd": {"active": simd_level(), "available": available_simd_levels()},
            "models": self.model_status(),
            "paths": {"db": str(self.db_path), "cache": str(self.cache_dir), "config": str(paths.config_dir())},
        }
        if self.db_path.exists():  # doctor must not create a library as a side effect
            report["library"] = views.stats_json(self.library.stats())
        else:
            report["library"] = None
        return report
