"""Scans in a background thread, and folder watching that triggers them.

The thread only walks, plans and stores; every file is decoded in a worker
process (see ``Scanner(in_process=False)``), so the app survives a decoder crash.

``ScanController`` is the one place a scan starts, so the Scan page, the
status bar, start-up rescans and the folder watcher never run two at once:
a request during a scan is remembered and runs when it ends.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QThread, QTimer, Signal

from pyrec_gui.workers import error_line

if TYPE_CHECKING:
    from pyrec.scan.scanner import ScanProgress, ScanSummary
    from pyrec.service import PyrecService


def lower_priority(nice: int = 10) -> None:
    """Make this thread, and the worker processes it starts, yield the CPU to
    the GUI. On Linux the nice value is per thread and children inherit it
    from the thread that starts them."""
    if not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:  # not allowed here: the scan simply runs at normal priority
        pass


class BackgroundThread(QThread):
    """A long service call (a scan, the deep pass) on its own thread, at low
    priority, with a cancel event; ``work()`` is the call."""

    progressed = Signal(object)  # the call's progress record
    succeeded = Signal(object)  # its summary
    crashed = Signal(str)

    def __init__(self, service: PyrecService, cancel: threading.Event) -> None:
        super().__init__()
        self.service = service
        self.cancel = cancel
        self._last_emit = 0.0

    def work(self) -> object:
        raise NotImplementedError

    def emit_progress(self, p: object, *, always: bool = False) -> None:
        # At most ~20 updates a second: the GUI thread must stay free to paint.
        now = time.monotonic()
        if always or now - self._last_emit >= 0.05:
            self._last_emit = now
            self.progressed.emit(p)

    def run(self) -> None:
        lower_priority()
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - shown in the GUI; the thread must end cleanly
            self.crashed.emit(error_line(exc))
        else:
            self.succeeded.emit(result)


class _ScanThread(BackgroundThread):
    def __init__(self, service: PyrecService, roots: list[str] | None, jobs: int | None, cancel: threading.Event) -> None:
        super().__init__(service, cancel)
        self.roots = roots
        self.jobs = jobs

    def _progress(self, p: ScanProgress) -> None:
        self.emit_progress(p, always=p.phase != "indexing" or p.done == p.total)

    def work(self) -> ScanSummary:
        # Always in worker processes, even with jobs=1: decoding then never
        # holds this process's GIL, and a decoder that crashes on a broken
        # file costs that file (the scanner retries and names it), not the app.
        return self.service.scan(self.roots, jobs=self.jobs, progress=self._progress, cancel=self.cancel,
                                 in_process=False)


class BackgroundController(QObject):
    """Runs one BackgroundThread at a time and relays its signals on the GUI thread."""

    started = Signal()
    progress = Signal(object)
    finished = Signal(object)  # the summary
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, service: PyrecService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._thread: BackgroundThread | None = None
        self._cancel = threading.Event()
        self.last_summary: object | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _launch(self, thread: BackgroundThread) -> None:
        thread.progressed.connect(self.progress)
        thread.succeeded.connect(self._succeeded)
        thread.crashed.connect(self.failed)
        thread.finished.connect(self._ended)
        self._thread = thread
        thread.start(QThread.Priority.LowPriority)
        self.started.emit()
        self.running_changed.emit(True)

    def cancel(self) -> None:
        self._cancel.set()

    def _succeeded(self, summary: object) -> None:
        self.last_summary = summary
        self.finished.emit(summary)

    def _ended(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        self.running_changed.emit(False)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Cancel and wait: what was already stored is kept (commit per file)."""
        self.cancel()
        if self._thread is not None:
            self._thread.wait(timeout_ms)


class ScanController(BackgroundController):
    """``progress`` carries ScanProgress, ``finished`` a ScanSummary."""

    last_summary: ScanSummary | None

    def __init__(self, service: PyrecService, *, jobs: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(service, parent)
        self.jobs = jobs
        self._queued: list[str] | None | bool = False  # False: nothing queued; None: all folders

    def start(self, roots: Iterable[str] | None = None) -> bool:
        """Scan ``roots`` (default: every library folder). Returns False if a
        scan is already running; the request then runs after it."""
        root_list = [os.path.abspath(r) for r in roots] if roots is not None else None
        if self._thread is not None:
            self._queue(root_list)
            return False
        self._cancel = threading.Event()
        self._launch(_ScanThread(self.service, root_list, self.jobs, self._cancel))
        return True

    def _queue(self, roots: list[str] | None) -> None:
        if roots is None or self._queued is None:
            self._queued = None
        elif self._queued is False:
            self._queued = list(roots)
        else:
            assert isinstance(self._queued, list)
            self._queued = sorted(set(self._queued) | set(roots))

    def cancel(self) -> None:
        self._queued = False
        super().cancel()

    def _ended(self) -> None:
        super()._ended()
        queued, self._queued = self._queued, False
        if queued is not False:
            QTimer.singleShot(0, lambda: self.start(queued))  # type: ignore[arg-type]


def folders_to_watch(roots: Iterable[str], *, skip: Iterable[str] = (), limit: int = 4000) -> list[str]:
    """Every folder under the roots (hidden ones skipped), up to ``limit``:
    QFileSystemWatcher sees changes in a folder, not in its subfolders."""
    skipped = {os.path.abspath(s) for s in skip}
    found: list[str] = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for current, dirs, _files in os.walk(root):
            if os.path.abspath(current) in skipped:
                dirs[:] = []
                continue
            found.append(current)
            if len(found) >= limit:
                return found
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return found


class FolderWatcher(QObject):
    """Watches library folders while the app is open; after changes settle
    for ``delay_ms`` it asks for a rescan of the roots that changed."""

    changed = Signal(list)  # roots to rescan

    def __init__(self, *, delay_ms: int = 4000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._dir_changed)
        self.roots: list[str] = []
        self.skip: list[str] = []
        self._dirty: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._fire)
        self.enabled = True

    def set_folders(self, roots: list[str], dirs: list[str]) -> None:
        """Watch ``dirs`` (from folders_to_watch, computed off the GUI thread)."""
        self.roots = [os.path.abspath(r) for r in roots]
        old = self.watcher.directories()
        if old:
            self.watcher.removePaths(old)
        if dirs and self.enabled:
            self.watcher.addPaths(dirs)

    def watched(self) -> list[str]:
        return self.watcher.directories()

    def stop(self) -> None:
        self.timer.stop()
        old = self.watcher.directories()
        if old:
            self.watcher.removePaths(old)

    def _dir_changed(self, path: str) -> None:
        if not self.enabled:
            return
        root = next((r for r in self.roots if path == r or path.startswith(r.rstrip(os.sep) + os.sep)), None)
        if root is not None:
            self._dirty.add(root)
            self.timer.start()  # restart: wait for the copy to finish

    def _fire(self) -> None:
        roots, self._dirty = sorted(self._dirty), set()
        if roots:
            self.changed.emit(roots)
