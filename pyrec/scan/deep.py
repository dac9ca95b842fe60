"""The deep pass: after the fast scan, run the slow readers (speech
transcripts, on-screen text: :class:`pyrec.features.deep.DeepStage`) over
every video they have not read yet, each within a time budget per file.

Every result is stored as soon as it is ready (one transaction per file and
stage), so a killed or cancelled pass resumes with the next file, and a
file rescanned because it changed is read again (its deep rows go with its
other rows). A stage that cannot run here (its extra is not installed) is
named once and skipped; a file a stage cannot read is recorded as failed
with one line and not retried until the file or the stage changes.

The stages run in a worker process, like the scan's decoders: a native
crash (FFmpeg, CTranslate2, ONNX Runtime) costs the file in hand, recorded
as failed and tried again on the next pass (a crash is the machine's
verdict, not the file's), and the pass goes on in a fresh worker. One
worker serves file after file, so a stage's model is loaded once per pass.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from pyrec.errors import ModelError, PyrecError
from pyrec.features.deep import DeepResult, DeepStage
from pyrec.records import Moment
from pyrec.scan.heard_text import embed_with_heard_text
from pyrec.scan.passages import embed_missing_passages

if TYPE_CHECKING:
    from pyrec.library import Library
    from pyrec.library.deep import DeepTodo

DEFAULT_BUDGET = 120.0  # seconds of compute per file and stage: a 2-hour film gets a sample
WORKER_CRASHED = "worker process crashed while reading"


def hang_limit(budget_seconds: float) -> float:
    """Wall seconds after which a stage still reading one file is stopped.
    Stages keep to their budget themselves (checked between windows); one
    past three times it, or a minute over it, is stuck in native code (a
    decoder waiting on a dead network share, a model in a loop), not slow."""
    return max(3.0 * budget_seconds, budget_seconds + 60.0)


def default_stages() -> list[DeepStage]:
    """Every slow reader pyrec has; the pass runs those whose ``unavailable()`` is None.
    (A new reader is one more entry here.)"""
    from pyrec.features.onscreen import ScreenTextStage
    from pyrec.features.shots import ShotStage
    from pyrec.features.speech import SpeechStage

    return [SpeechStage(), ScreenTextStage(), ShotStage()]


@dataclass
class DeepSummary:
    done: int = 0  # (file, stage) pairs read and stored
    failed: int = 0
    changed: int = 0  # rescanned or removed while being read: left for the next pass
    moments: int = 0
    pending: int = 0  # left when the pass stopped (cancelled or limited)
    seconds: float = 0.0
    cancelled: bool = False
    unavailable: dict[str, str] = field(default_factory=dict)  # stage -> why it did not run
    errors: list[str] = field(default_factory=list)  # one line each, "path: reason"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass(frozen=True)
class DeepProgress:
    stage: str
    done: int
    total: int
    path: str
    elapsed: float


DeepProgressCallback = Callable[[DeepProgress], None]


# What reading one file with one stage came to, as plain data (it crosses
# back from the worker process): its moments, a one-line failure of the file,
# or a one-line failure of the stage's model (the stage stops, nothing marked).
Outcome = tuple[Literal["done"], list[Moment] | DeepResult] | tuple[Literal["failed", "model"], str]


class DeepPass:
    def __init__(self, library: Library, stages: Sequence[DeepStage] | None = None, *,
                 budget_seconds: float = DEFAULT_BUDGET, only: str | None = None,
                 in_process: bool = False, hang_seconds: float | None = None) -> None:
        """``in_process``: read in this process instead of a worker (a native
        crash then ends the pass and this process, and a hang is not timed
        out; for debugging). ``hang_seconds``: see :func:`hang_limit`."""
        stages = list(default_stages() if stages is None else stages)
        if only is not None:
            known = [s.name for s in stages]
            if only not in known:
                raise ValueError(f"no deep stage {only!r}; known: {', '.join(known) or 'none'}")
            stages = [s for s in stages if s.name == only]
        self.library = library
        self.stages = stages
        self.budget_seconds = float(budget_seconds)
        self.in_process = in_process
        self.hang_seconds = hang_limit(self.budget_seconds) if hang_seconds is None else float(hang_seconds)
        self._pool: ProcessPoolExecutor | None = None

    def status(self) -> dict[str, dict[str, object]]:
        """Per stage: whether it can run here, and how many videos it has done, failed on, or still to read."""
        return {s.name: {"version": s.version, "unavailable": s.unavailable(),
                         **self.library.deep_counts(s.name, s.version)} for s in self.stages}

    def run(self, *, progress: DeepProgressCallback | None = None, cancel: threading.Event | None = None,
            limit: int | None = None) -> DeepSummary:
        started = time.monotonic()
        summary = DeepSummary()
        work: list[tuple[DeepTodo, DeepStage]] = []
        for stage in self.stages:
            reason = stage.unavailable()
            if reason is not None:
                summary.unavailable[stage.name] = reason
                continue
            work += [(todo, stage) for todo in self.library.deep_pending(stage.name, stage.version)]
        work.sort(key=lambda pair: pair[0].video_id)  # file by file: every stage of one file, then the next
        if limit is not None:
            summary.pending = max(0, len(work) - limit)
            work = work[:limit]
        total = len(work)
        if work and not self.in_process and (why := self._start_worker()) is not None:
            # Not any file's fault (a stage that cannot be handed over, no memory left): name it, mark nothing.
            summary.unavailable.update((s.name, why) for s in self.stages if s.name not in summary.unavailable)
            work, summary.pending = [], summary.pending + total
        try:
            for i, (todo, stage) in enumerate(work):
                if _cancelled(cancel):
                    summary.cancelled = True
                    summary.pending += total - i
                    break
                if stage.name in summary.unavailable:  # its model failed on an earlier file
                    summary.pending += 1
                    continue
                if progress:
                    progress(DeepProgress(stage.name, i, total, todo.path, time.monotonic() - started))
                self._one(todo, stage, summary, cancel)
        finally:
            self._close_pool()
        summary.seconds = time.monotonic() - started
        if progress:
            progress(DeepProgress("", total - summary.pending, total, "", summary.seconds))
        return summary

    def _one(self, todo: DeepTodo, stage: DeepStage, summary: DeepSummary, cancel: threading.Event | None) -> None:
        t0 = time.monotonic()
        if self.in_process:
            outcome = read_one(stage, todo.path, todo.duration, self.budget_seconds)
        else:
            crashed = self._in_worker(todo, stage, cancel)
            if crashed is None:  # cancelled while it read: the file stays pending
                summary.cancelled = True
                summary.pending += 1
                return
            if isinstance(crashed, str):
                self._failed(todo, stage, summary, crashed, t0, transient=True)
                return
            outcome = crashed
        if outcome[0] == "model":  # the stage's model, not the file: stop the stage, mark nothing
            summary.unavailable[stage.name] = outcome[1]
            summary.pending += 1
        elif outcome[0] == "failed":
            self._failed(todo, stage, summary, outcome[1], t0)
        else:
            result = outcome[1] if isinstance(outcome[1], DeepResult) else DeepResult(outcome[1])
            if self.library.store_deep(todo, stage.name, stage.version, result.moments, time.monotonic() - t0,
                                       stats=result.stats):
                summary.done += 1
                summary.moments += len(result.moments)
                if result.moments:
                    embed_with_heard_text(self.library, todo.video_id)
                embed_missing_passages(self.library, [todo.video_id])  # the new lines, searchable by meaning
            else:
                summary.changed += 1

    def _in_worker(self, todo: DeepTodo, stage: DeepStage, cancel: threading.Event | None) -> Outcome | str | None:
        """Read in the worker: its outcome, the crash line if the worker died,
        or None when cancelled. Cancel and a hang stop the worker at once
        (the file in hand is lost, not waited for: it may take its whole
        budget, or never end)."""
        if self._pool is None:
            self._pool = self._new_pool()
        started = time.monotonic()
        try:
            fut: Future[Outcome] = self._pool.submit(_read_in_worker, stage.name, todo.path, todo.duration,
                                                     self.budget_seconds)
            while not fut.done():
                wait([fut], timeout=0.2)
                if fut.done():
                    break
                if _cancelled(cancel):
                    self._stop_worker()
                    return None
                if time.monotonic() - started > self.hang_seconds:
                    self._stop_worker()
                    return ("failed", f"{todo.path}: {stage.name}: still reading after {self.hang_seconds:.0f} s "
                                      f"(budget {self.budget_seconds:.0f} s): stopped")
            return fut.result()
        except BrokenProcessPool:
            self._close_pool()
            return f"{todo.path}: {WORKER_CRASHED} ({stage.name})"

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork (a Qt parent has threads; ONNX Runtime's pools do
        # not survive fork). The stages go over once, and stay in the worker
        # with whatever model they loaded.
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_deep_worker, initargs=(os.getpid(), self.stages))

    def _start_worker(self) -> str | None:
        """Start the worker before the first file; why it cannot start, if so."""
        self._pool = self._new_pool()
        try:
            self._pool.submit(_ready).result()
        except (BrokenProcessPool, pickle.PicklingError, AttributeError, TypeError) as exc:
            # Broken: the worker died loading the stages; the others: they cannot be sent at all.
            self._close_pool()
            detail = "" if isinstance(exc, BrokenProcessPool) else f": {type(exc).__name__}: {' '.join(str(exc).split())}"
            return f"the deep pass's worker process could not start (its stages could not be loaded there{detail})"
        return None

    def _stop_worker(self) -> None:
        """Kill the worker now (shutdown would wait for the file in hand)."""
        if self._pool is None:
            return
        kill = getattr(self._pool, "kill_workers", None)  # Python 3.14+
        if kill is not None:
            kill()
        else:  # before 3.14 the pool's processes are only reachable here
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.kill()
        self._close_pool()

    def _close_pool(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)

    def _failed(self, todo: DeepTodo, stage: DeepStage, summary: DeepSummary, line: str, t0: float, *,
                transient: bool = False) -> None:
        if self.library.record_deep_failure(todo, stage.name, stage.version, line, time.monotonic() - t0,
                                            transient=transient):
            summary.failed += 1
            summary.errors.append(line)
        else:
            summary.changed += 1


def read_one(stage: DeepStage, path: str, duration: float, budget_seconds: float) -> Outcome:
    """Read one file with one stage; any failure becomes one line naming the file."""
    try:
        return ("done", stage.run(path, duration=duration, budget_seconds=budget_seconds))
    except ModelError as exc:
        return ("model", exc.one_line())
    except PyrecError as exc:
        return ("failed", exc.one_line() if exc.path else f"{path}: {exc.one_line()}")
    except MemoryError:
        return ("failed", f"{path}: out of memory while reading ({stage.name})")
    except Exception as exc:  # a bug or an exotic file: one line, and the pass goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return ("failed", f"{path}: {stage.name}: unexpected {type(exc).__name__} ({' '.join(str(exc).split())}) "
                          f"at {os.path.basename(where.filename)}:{where.lineno}")


# The worker's stages, by name: set once per worker, so a model a stage loads
# on its first file serves every later one.
_WORKER_STAGES: dict[str, DeepStage] = {}


def _init_deep_worker(parent_pid: int, stages: list[DeepStage]) -> None:
    from pyrec.scan.scanner import _init_worker

    _init_worker(parent_pid)  # dies with the pass, local-only, quiet: like a scan worker
    _WORKER_STAGES.update((s.name, s) for s in stages)


def _ready() -> bool:
    return True


def _read_in_worker(stage: str, path: str, duration: float, budget_seconds: float) -> Outcome:
    return read_one(_WORKER_STAGES[stage], path, duration, budget_seconds)


def _cancelled(cancel: threading.Event | None) -> bool:
    return bool(cancel and cancel.is_set())
