"""The deep pass (speech transcripts, on-screen text) in a background thread.

Like a scan, the pass is long and commits per file, so Cancel keeps every
file already read. ``DeepController`` is the one place it starts; the Scan
page shows its progress and, per reader, whether it is on or how to turn it on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from pyrec_gui.scanning import lower_priority
from pyrec_gui.workers import error_line

if TYPE_CHECKING:
    from pyrec.features.deep import DeepStage
    from pyrec.scan.deep import DeepProgress, DeepSummary
    from pyrec.service import PyrecService

# What each reader is called on screen (a reader of its own keeps its name).
READER_NAMES = {"speech": "Speech", "screen_text": "On-screen text"}


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


class _DeepThread(QThread):
    progressed = Signal(object)  # DeepProgress
    succeeded = Signal(object)  # DeepSummary
    crashed = Signal(str)

    def __init__(self, service: PyrecService, stages: Sequence[DeepStage] | None, cancel: threading.Event) -> None:
        super().__init__()
        self.service = service
        self.stages = stages
        self.cancel = cancel
        self._last_emit = 0.0

    def _progress(self, p: DeepProgress) -> None:
        now = time.monotonic()  # at most ~20 updates a second, and always the last one
        if now - self._last_emit >= 0.05 or p.done >= p.total or not p.path:
            self._last_emit = now
            self.progressed.emit(p)

    def run(self) -> None:
        lower_priority()
        try:
            summary = self.service.deep_pass(progress=self._progress, cancel=self.cancel, stages=self.stages)
        except BaseException as exc:  # noqa: BLE001 - shown in the GUI; the thread must end cleanly
            self.crashed.emit(error_line(exc))
        else:
            self.succeeded.emit(summary)


class DeepController(QObject):
    started = Signal()
    progress = Signal(object)  # DeepProgress
    finished = Signal(object)  # DeepSummary
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, service: PyrecService, *, stages: Sequence[DeepStage] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.stages = stages  # None: pyrec's readers (tests give a small real one)
        self._thread: _DeepThread | None = None
        self._cancel = threading.Event()
        self.last_summary: DeepSummary | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def status(self, service: PyrecService) -> dict[str, dict[str, object]]:
        """Worker side: the readers this controller runs, on or off, and their counts."""
        return service.deep_status(self.stages)

    def start(self) -> bool:
        """Read what is left; False if a pass is already running."""
        if self._thread is not None:
            return False
        self._cancel = threading.Event()
        thread = _DeepThread(self.service, self.stages, self._cancel)
        thread.progressed.connect(self.progress)
        thread.succeeded.connect(self._succeeded)
        thread.crashed.connect(self.failed)
        thread.finished.connect(self._ended)
        self._thread = thread
        thread.start(QThread.Priority.LowPriority)
        self.started.emit()
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def _succeeded(self, summary: DeepSummary) -> None:
        self.last_summary = summary
        self.finished.emit(summary)

    def _ended(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Cancel and wait: the files already read are kept (commit per file)."""
        self.cancel()
        if self._thread is not None:
            self._thread.wait(timeout_ms)
