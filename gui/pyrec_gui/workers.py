"""Run service calls off the GUI thread and hand results back to it.

One ``ServiceRunner`` per window owns a QThreadPool. A job is a callable that
takes the shared ``PyrecService``; its result (or its exception) comes back
through a queued signal, so callbacks always run on the GUI thread. Callbacks
bound to a widget are dropped if the widget was deleted meanwhile.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from pyrec.errors import PyrecError

if TYPE_CHECKING:
    from pyrec.service import PyrecService

T = TypeVar("T")
JobFn = Callable[["PyrecService"], T]  # a job: a call on the shared service


def error_line(exc: BaseException) -> str:
    """One readable line for any error: the typed ones already know how."""
    if isinstance(exc, PyrecError):
        return exc.one_line()
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, (OSError, ValueError)) else f"{type(exc).__name__}: {text}"


class _Relay(QObject):
    """Lives on the GUI thread; emitting from a pool thread queues the call."""

    done = Signal(object)
    failed = Signal(object)


class Job(Generic[T]):
    """A submitted call. ``cancel()`` drops its callbacks (the call itself may
    still finish; service calls are short or take their own cancel event)."""

    def __init__(self) -> None:
        self.cancelled = False
        self.finished = False

    def cancel(self) -> None:
        self.cancelled = True


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the notice bar
            exc.__dict__.setdefault("gui_traceback", traceback.format_exc())
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class ServiceRunner(QObject):
    """Submit ``fn(service)`` to a thread pool; get ``on_done(result)`` on the GUI thread."""

    error = Signal(str)  # a job without its own on_error failed: one line for the notice bar
    busy_changed = Signal(bool)

    def __init__(self, service: PyrecService, *, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, threads))
        self._live: set[_Relay] = set()  # relays must outlive their task
        self._lock = threading.Lock()
        self.closed = False

    @property
    def pending(self) -> int:
        return len(self._live)

    def submit(
        self,
        fn: JobFn[T],
        on_done: Callable[[T], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Job[T]:
        job: Job[T] = Job()
        if self.closed:
            job.cancelled = True
            return job
        relay = _Relay()
        self._live.add(relay)
        was_idle = len(self._live) == 1

        def alive() -> bool:
            return not job.cancelled and not self.closed and (owner is None or shiboken6.isValid(owner))

        def finish() -> None:
            job.finished = True
            self._live.discard(relay)
            relay.deleteLater()
            if not self._live:
                self.busy_changed.emit(False)

        def done(result: object) -> None:
            finish()
            if alive() and on_done is not None:
                on_done(result)  # type: ignore[arg-type]

        def failed(exc: object) -> None:
            finish()
            if not alive():
                return
            assert isinstance(exc, BaseException)
            if on_error is not None:
                on_error(exc)
            else:
                self.error.emit(error_line(exc))

        relay.done.connect(done)
        relay.failed.connect(failed)
        service = self.service
        self.pool.start(_Task(lambda: fn(service), relay))
        if was_idle:
            self.busy_changed.emit(True)
        return job

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Let queued jobs (a last play being recorded) finish, drop their
        callbacks, and wait; True if everything finished in time."""
        self.closed = True
        return self.pool.waitForDone(timeout_ms)
