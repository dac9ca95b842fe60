"""The deep pass (speech transcripts, on-screen text) in a background thread.

Like a scan, the pass is long and commits per file, so Cancel keeps every
file already read. ``DeepController`` is the one place it starts; the Scan
page shows its progress and, per reader, whether it is on or how to turn it on.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from pyrec_gui.scanning import BackgroundController, BackgroundThread

if TYPE_CHECKING:
    from pyrec.features.deep import DeepStage
    from pyrec.scan.deep import DeepProgress, DeepSummary
    from pyrec.service import PyrecService

# What each reader is called on screen (a reader of its own keeps its name).
READER_NAMES = {"speech": "Speech", "screen_text": "On-screen text", "shots": "Whole-film shot cuts"}


def reader_name(stage: str) -> str:
    return READER_NAMES.get(stage, stage.replace("_", " ").capitalize())


def reader_line(stage: str, status: Mapping[str, object]) -> str:
    """One line per reader: off and how to turn it on, or on and how far it got."""
    name = reader_name(stage)
    why = status.get("unavailable")
    if why:
        return f"{name} is off: {why}"
    done, failed, pending = (int(status.get(key) or 0) for key in ("done", "failed", "pending"))  # type: ignore[call-overload]
    parts = [f"{done:,} read", f"{pending:,} left to read"]
    if failed:
        parts.append(f"{failed:,} could not be read")
    return f"{name} is on: " + ", ".join(parts)


def videos_left(status: Mapping[str, Mapping[str, object]]) -> int:
    """Videos some reader that is on has still to read (the most any reader has left)."""
    return max((int(s.get("pending") or 0) for s in status.values() if not s.get("unavailable")),  # type: ignore[call-overload]
               default=0)


def deep_summary_text(summary: DeepSummary) -> str:
    head = "Reading cancelled" if summary.cancelled else "Reading finished"
    parts = [f"{summary.done} read", f"{summary.moments} moments found"]
    if summary.failed:
        parts.append(f"{summary.failed} could not be read")
    if summary.pending:
        parts.append(f"{summary.pending} left for later")
    return f"{head} in {summary.seconds:.1f} s: " + ", ".join(parts) + "."


class _DeepThread(BackgroundThread):
    def __init__(self, service: PyrecService, stages: Sequence[DeepStage] | None, cancel: threading.Event) -> None:
        super().__init__(service, cancel)
        self.stages = stages

    def _progress(self, p: DeepProgress) -> None:
        self.emit_progress(p, always=p.done >= p.total or not p.path)  # the last one always shows

    def work(self) -> DeepSummary:
        return self.service.deep_pass(progress=self._progress, cancel=self.cancel, stages=self.stages)


class DeepController(BackgroundController):
    """``progress`` carries DeepProgress, ``finished`` a DeepSummary."""

    last_summary: DeepSummary | None

    def __init__(self, service: PyrecService, *, stages: Sequence[DeepStage] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(service, parent)
        self.stages = stages  # None: pyrec's readers (tests give a small real one)

    def status(self, service: PyrecService) -> dict[str, dict[str, object]]:
        """Worker side: the readers this controller runs, on or off, and their counts."""
        return service.deep_status(self.stages)

    def start(self) -> bool:
        """Read what is left; False if a pass is already running."""
        if self._thread is not None:
            return False
        self._cancel = threading.Event()
        self._launch(_DeepThread(self.service, self.stages, self._cancel))
        return True
