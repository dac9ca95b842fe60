"""Scanning, the set of folders that make up the library, and removing copies."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypedDict, Unpack

from pyrec import shapes
from pyrec.errors import PyrecError
from pyrec.service.store import Ref, Store

if TYPE_CHECKING:  # the scanner and its indexer (OpenCV, ONNX Runtime) load when a scan runs
    from pyrec.features.deep import DeepStage
    from pyrec.scan.deep import DeepProgressCallback, DeepSummary
    from pyrec.scan.scanner import ProgressCallback, ScanSummary

LibraryChanged = Callable[[], None]


class ScanOptions(TypedDict, total=False):
    exclude: Iterable[str]  # gitignore-style patterns left out (default: none)
    follow_outside: bool  # follow symlinks out of the library folders (default: False)
    jobs: int | None  # worker processes (default: one per CPU)
    progress: ProgressCallback | None
    cancel: threading.Event | None  # set it to stop; what was committed stays
    remember: bool  # remember the roots as library folders (default: True)
    in_process: bool | None  # False: decode in a worker process even with jobs=1


class Scanning:
    """Everything that changes which files the library holds. ``on_changed``
    is called after the catalogue changed (a scan ended, copies were trashed)."""

    def __init__(self, store: Store, *, on_changed: LibraryChanged | None = None) -> None:
        self.store = store
        self.on_changed = on_changed

    def _changed(self) -> None:
        if self.on_changed is not None:
            self.on_changed()

    def scan(self, roots: Iterable[str | os.PathLike[str]] | None = None,
             **options: Unpack[ScanOptions]) -> ScanSummary:
        from pyrec.scan.scanner import Scanner

        lib = self.store.library
        root_list = [os.path.abspath(os.fspath(r)) for r in roots] if roots is not None else self.library_folders()
        if not root_list:
            raise PyrecError("no folders to scan: pass a folder or add one to the library first")
        if options.get("remember", True):
            for root in root_list:
                if os.path.isdir(root):
                    lib.add_library_folder(root)
        scanner = Scanner(lib, thumbnail_dir=self.store.thumbnail_dir, jobs=options.get("jobs"),
                          exclude=options.get("exclude", ()), follow_outside=options.get("follow_outside", False),
                          in_process=options.get("in_process"))
        summary = scanner.scan(root_list, progress=options.get("progress"), cancel=options.get("cancel"))
        self._changed()
        return summary

    def deep_pass(self, *, budget_seconds: float | None = None, stage: str | None = None,
                  progress: DeepProgressCallback | None = None, cancel: threading.Event | None = None,
                  limit: int | None = None, stages: Sequence[DeepStage] | None = None) -> DeepSummary:
        """Run the slow readers (speech, on-screen text) over every video they
        have not read yet; commits per file, so cancel or a kill loses at most
        the file in hand. ``stage`` runs one reader only; ``stages`` replaces
        the default list (tests, or readers of your own)."""
        from pyrec.scan.deep import DEFAULT_BUDGET, DeepPass

        deep = DeepPass(self.store.library, stages, only=stage,
                        budget_seconds=DEFAULT_BUDGET if budget_seconds is None else budget_seconds)
        summary = deep.run(progress=progress, cancel=cancel, limit=limit)
        if summary.done:
            self._changed()
        return summary

    def deep_status(self, stages: Sequence[DeepStage] | None = None) -> dict[str, dict[str, object]]:
        """Per deep stage: whether it can run here (else why not) and its done / failed / pending counts."""
        from pyrec.scan.deep import DeepPass

        return DeepPass(self.store.library, stages).status()

    def library_folders(self) -> list[str]:
        return self.store.library.library_folders()

    def add_library_folder(self, path: str | os.PathLike[str]) -> bool:
        if not os.path.isdir(path):
            raise PyrecError("not a folder", path)
        return self.store.library.add_library_folder(path)

    def remove_library_folder(self, path: str | os.PathLike[str]) -> bool:
        return self.store.library.remove_library_folder(path)

    def trash_copies(self, refs: Iterable[Ref]) -> shapes.TrashResult:
        """Move these videos' files to the system trash (undo: restore them
        from there) and mark them missing in the library, as a scan would:
        their history stays, they are no longer recommended, and a restored
        file comes back on the next scan. A file that cannot be trashed is one
        line in ``errors``; the others are trashed all the same."""
        try:
            from send2trash import send2trash
        except ImportError as exc:  # an optional dependency (the gui extra)
            raise PyrecError("moving files to the trash needs send2trash: pip install send2trash") from exc

        videos = [self.store.resolve(ref) for ref in refs]  # every id checked before any file moves
        result: shapes.TrashResult = {"trashed": [], "video_ids": [], "errors": []}
        for video in videos:
            path = video.file.path
            try:
                send2trash(path)
            except Exception as exc:  # noqa: BLE001 - send2trash raises several types; each becomes one line
                result["errors"].append(f"{path}: {' '.join(str(exc).split()) or type(exc).__name__}")
            else:
                result["trashed"].append(path)
                result["video_ids"].append(video.id)
        if result["video_ids"]:
            self.store.library.mark_missing(result["video_ids"])
            self._changed()
        return result
