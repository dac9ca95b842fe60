"""The deep pass reads in a worker process: a native crash (here a real
``os.abort()`` inside the stage, as FFmpeg or CTranslate2 would) costs the
file in hand, recorded as failed with one line and tried again on the next
pass; the rest of the pass goes on, the calling process lives, and the
worker keeps its stage's model loaded from file to file."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

from pyrec.library import Library
from pyrec.records import Moment
from pyrec.scan.deep import WORKER_CRASHED, DeepPass

from .deep_stages import LoudestSecond
from .test_deep_pass import db, library, runs  # noqa: F401  (fixtures shared with the pass's own tests)


class CrashingLoudest(LoudestSecond):
    """LoudestSecond that "loads a model" once per process (logged with its
    pid) and aborts the process on one file, as a native decoder crash would."""

    def __init__(self, victim: str | None, log: Path) -> None:
        super().__init__(log=log)
        self.victim = victim
        self._model: int | None = None

    def run(self, path: str | os.PathLike[str], *, duration: float, budget_seconds: float) -> list[Moment]:
        if self._model is None:
            self._model = os.getpid()
            with self.log.open("a") as out:  # type: ignore[union-attr]
                out.write(f"load {os.getpid()}\n")
        if os.fspath(path) == self.victim:
            os.abort()
        return super().run(path, duration=duration, budget_seconds=budget_seconds)


def _paths(db: Path) -> list[str]:
    with Library.open(db) as lib:
        return [v.file.path for v in sorted(lib.videos(), key=lambda v: v.id)]


def test_a_crash_costs_one_file_and_it_is_retried_next_pass(db: Path, tmp_path: Path) -> None:  # noqa: F811
    paths = _paths(db)
    victim = paths[2]
    log = tmp_path / "read.log"
    with Library.open(db) as lib:
        first = DeepPass(lib, [CrashingLoudest(victim, log)]).run()
        status = DeepPass(lib, [CrashingLoudest(None, log)]).status()["loudest"]
    line = f"{victim}: {WORKER_CRASHED} (loudest)"
    assert (first.done, first.failed, first.pending) == (4, 1, 0)
    assert first.errors == [line]
    assert os.getpid() not in {int(x.split()[1]) for x in log.read_text().splitlines() if x.startswith("load")}
    after = runs(db)
    assert after[victim][0] == "failed" and all(after[p][0] == "done" for p in paths if p != victim)
    with Library.open(db) as lib:
        vid = lib.video_by_path(victim).id  # type: ignore[union-attr]
        assert [(r.status, r.error) for r in lib.deep_runs(vid)] == [("failed", line)]
    assert status == {"version": 1, "unavailable": None, "done": 4, "failed": 0, "pending": 1}

    # One model load per worker: the first worker read two files, then died;
    # its replacement loaded once and read the other two.
    events = log.read_text().splitlines()
    loads = [e for e in events if e.startswith("load")]
    assert len(loads) == 2 and loads[0] != loads[1]
    assert [e for e in events if not e.startswith("load")] == [p for p in paths if p != victim]

    # The crash was the machine's, not the file's: the next pass reads that file only.
    log.unlink()
    with Library.open(db) as lib:
        second = DeepPass(lib, [CrashingLoudest(None, log)]).run()
    assert (second.done, second.failed) == (1, 0)
    assert [e for e in log.read_text().splitlines() if not e.startswith("load")] == [victim]
    assert runs(db)[victim][0] == "done"


def test_in_process_reading_still_works(db: Path, tmp_path: Path) -> None:  # noqa: F811
    with Library.open(db) as lib:
        summary = DeepPass(lib, [LoudestSecond()], in_process=True).run()
    assert (summary.done, summary.failed) == (5, 0)


def _cannot_load() -> None:
    raise ImportError("no module named 'elsewhere'")


class UnloadableLoudest(LoudestSecond):
    """A stage the worker cannot load (as if its module were only on the caller's path)."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_cannot_load, ())


def test_a_worker_that_cannot_start_blames_no_file(db: Path, tmp_path: Path) -> None:  # noqa: F811
    class Local(LoudestSecond):  # cannot even be sent to a worker
        pass

    for stage in (UnloadableLoudest(), Local()):
        with Library.open(db) as lib:
            summary = DeepPass(lib, [stage]).run()
        assert (summary.done, summary.failed, summary.pending) == (0, 0, 5)
        assert summary.unavailable["loudest"].startswith("the deep pass's worker process could not start")
        assert runs(db) == {}  # nothing marked: the next pass reads every file


class HangingLoudest(LoudestSecond):
    """LoudestSecond that never returns on one file (a decoder waiting on a
    dead network share), logging when it starts."""

    def __init__(self, victim: str, log: Path) -> None:
        super().__init__(log=log)
        self.victim = victim

    def run(self, path: str | os.PathLike[str], *, duration: float, budget_seconds: float) -> list[Moment]:
        if os.fspath(path) == self.victim:
            with self.log.open("a") as out:  # type: ignore[union-attr]
                out.write(f"hang {os.fspath(path)}\n")
            time.sleep(120)  # longer than the tests wait: without the stop they fail
        return super().run(path, duration=duration, budget_seconds=budget_seconds)


def test_a_stage_that_hangs_is_stopped_and_the_pass_goes_on(db: Path, tmp_path: Path) -> None:  # noqa: F811
    paths = _paths(db)
    victim = paths[1]
    t0 = time.monotonic()
    with Library.open(db) as lib:
        summary = DeepPass(lib, [HangingLoudest(victim, tmp_path / "read.log")], budget_seconds=1,
                           hang_seconds=3).run()
    took = time.monotonic() - t0
    assert (summary.done, summary.failed, summary.pending) == (4, 1, 0)
    assert summary.errors == [f"{victim}: loudest: still reading after 3 s (budget 1 s): stopped"]
    assert took < 60  # one hang limit plus a new worker, never the stalled read
    after = runs(db)
    assert after[victim][0] == "failed" and all(after[p][0] == "done" for p in paths if p != victim)
    assert not multiprocessing.active_children()


def test_cancel_stops_the_file_in_hand_at_once(db: Path, tmp_path: Path) -> None:  # noqa: F811
    paths = _paths(db)
    cancel = threading.Event()
    log = tmp_path / "read.log"

    def press_cancel_once_reading() -> None:
        while not (log.exists() and paths[0] in log.read_text()):
            time.sleep(0.05)
        cancel.set()

    presser = threading.Thread(target=press_cancel_once_reading, daemon=True)
    presser.start()
    with Library.open(db) as lib:
        t0 = time.monotonic()
        summary = DeepPass(lib, [HangingLoudest(paths[0], log)], budget_seconds=600).run(cancel=cancel)
        waited = time.monotonic() - t0
    assert summary.cancelled and (summary.done, summary.failed, summary.pending) == (0, 0, 5)
    assert waited < 60  # not the file's budget (600 s), nor the stalled read
    assert not multiprocessing.active_children()
    assert runs(db) == {}  # nothing stored for the file that was stopped
