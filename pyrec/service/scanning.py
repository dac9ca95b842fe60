"""Scanning and the set of folders that make up the library."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pyrec.errors import PyrecError
from pyrec.service.base import ServiceBase

if TYPE_CHECKING:  # the scanner and its indexer (OpenCV, ONNX Runtime) load when a scan runs
    from pyrec.scan.scanner import ProgressCallback, ScanSummary


class ScanningMixin(ServiceBase):
    def scan(
        self,
        roots: Iterable[str | os.PathLike[str]] | None = None,
        *,
        exclude: Iterable[str] = (),
        jobs: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        remember: bool = True,
        in_process: bool | None = None,
    ) -> ScanSummary:
        """Scan folders (default: the library's folders). Folders scanned are
        remembered as library folders unless ``remember`` is False.

        Files are indexed in ``jobs`` worker processes (default: one per CPU);
        ``jobs=1`` indexes in this process unless ``in_process=False``, which
        keeps decoding in a worker process whatever ``jobs`` is."""
        from pyrec.scan.scanner import Scanner

        root_list = [os.path.abspath(os.fspath(r)) for r in roots] if roots is not None else self.library_folders()
        if not root_list:
            raise PyrecError("no folders to scan: pass a folder or add one to the library first")
        if remember:
            for root in root_list:
                if os.path.isdir(root):
                    self.library.add_library_folder(root)
        scanner = Scanner(self.library, thumbnail_dir=self.thumbnail_dir, jobs=jobs, exclude=exclude,
                          in_process=in_process)
        summary = scanner.scan(root_list, progress=progress, cancel=cancel)
        self._library_changed()
        return summary

    def library_folders(self) -> list[str]:
        return self.library.library_folders()

    def add_library_folder(self, path: str | os.PathLike[str]) -> bool:
        if not os.path.isdir(path):
            raise PyrecError("not a folder", path)
        return self.library.add_library_folder(path)

    def remove_library_folder(self, path: str | os.PathLike[str]) -> bool:
        return self.library.remove_library_folder(path)
