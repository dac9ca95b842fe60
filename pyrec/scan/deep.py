"""The deep pass: after the fast scan, run the slow readers (speech
transcripts, on-screen text: :class:`pyrec.features.deep.DeepStage`) over
every video they have not read yet, each within a time budget per file.

Every result is stored as soon as it is ready (one transaction per file and
stage), so a killed or cancelled pass resumes with the next file, and a
file rescanned because it changed is read again (its deep rows go with its
other rows). A stage that cannot run here (its extra is not installed) is
named once and skipped; a file a stage cannot read is recorded as failed
with one line and not retried until the file or the stage changes.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from pyrec.errors import ModelError, PyrecError
from pyrec.features.deep import DeepStage

if TYPE_CHECKING:
    from pyrec.library import Library
    from pyrec.library.deep import DeepTodo

DEFAULT_BUDGET = 120.0  # seconds of compute per file and stage: a 2-hour film gets a sample


def default_stages() -> list[DeepStage]:
    """Every slow reader pyrec has; the pass runs those whose ``unavailable()`` is None.
    (A new reader is one more entry here.)"""
    from pyrec.features.onscreen import ScreenTextStage
    from pyrec.features.speech import SpeechStage

    return [SpeechStage(), ScreenTextStage()]


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


class DeepPass:
    def __init__(self, library: Library, stages: Sequence[DeepStage] | None = None, *,
                 budget_seconds: float = DEFAULT_BUDGET, only: str | None = None) -> None:
        stages = list(default_stages() if stages is None else stages)
        if only is not None:
            known = [s.name for s in stages]
            if only not in known:
                raise ValueError(f"no deep stage {only!r}; known: {', '.join(known) or 'none'}")
            stages = [s for s in stages if s.name == only]
        self.library = library
        self.stages = stages
        self.budget_seconds = float(budget_seconds)

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
        for i, (todo, stage) in enumerate(work):
            if cancel is not None and cancel.is_set():
                summary.cancelled = True
                summary.pending += total - i
                break
            if stage.name in summary.unavailable:  # its model failed on an earlier file
                summary.pending += 1
                continue
            if progress:
                progress(DeepProgress(stage.name, i, total, todo.path, time.monotonic() - started))
            self._one(todo, stage, summary)
        summary.seconds = time.monotonic() - started
        if progress:
            progress(DeepProgress("", total - summary.pending, total, "", summary.seconds))
        return summary

    def _one(self, todo: DeepTodo, stage: DeepStage, summary: DeepSummary) -> None:
        t0 = time.monotonic()
        try:
            moments = stage.run(todo.path, duration=todo.duration, budget_seconds=self.budget_seconds)
        except ModelError as exc:  # the stage's model, not the file: stop the stage, mark nothing
            summary.unavailable[stage.name] = exc.one_line()
            summary.pending += 1
            return
        except PyrecError as exc:
            self._failed(todo, stage, summary, exc.one_line() if exc.path else f"{todo.path}: {exc.one_line()}", t0)
            return
        except MemoryError:
            self._failed(todo, stage, summary, f"{todo.path}: out of memory while reading ({stage.name})", t0)
            return
        except Exception as exc:  # a bug or an exotic file: one line, and the pass goes on
            where = traceback.extract_tb(exc.__traceback__)[-1]
            line = (f"{todo.path}: {stage.name}: unexpected {type(exc).__name__} ({' '.join(str(exc).split())}) "
                    f"at {os.path.basename(where.filename)}:{where.lineno}")
            self._failed(todo, stage, summary, line, t0)
            return
        if self.library.store_deep(todo, stage.name, stage.version, moments, time.monotonic() - t0):
            summary.done += 1
            summary.moments += len(moments)
        else:
            summary.changed += 1

    def _failed(self, todo: DeepTodo, stage: DeepStage, summary: DeepSummary, line: str, t0: float) -> None:
        if self.library.record_deep_failure(todo, stage.name, stage.version, line, time.monotonic() - t0):
            summary.failed += 1
            summary.errors.append(line)
        else:
            summary.changed += 1
