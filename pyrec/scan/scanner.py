"""Drive a scan: walk, sort files into unchanged / moved / new / changed /
missing, index the new and changed ones in worker processes, and store each
result as soon as it arrives (commit per file), so an interrupted scan resumes
where it stopped and a cancelled one loses nothing already stored.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from pyrec import lifeline, netguard
from pyrec.records import EXTRACTOR_VERSION, FileStat, ScanFailure, VideoRecord
from pyrec.scan.heard_text import embed_with_heard_text
from pyrec.scan.quickhash import quick_hash

if TYPE_CHECKING:  # the indexer pulls in OpenCV, ONNX Runtime and the models: load it when a scan runs
    from pyrec.library import Library
    from pyrec.scan.indexer import IndexOptions


@dataclass
class ScanSummary:
    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    missing: int = 0
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)  # one line each, "path: reason"
    warnings: list[str] = field(default_factory=list)

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    def nothing_readable(self) -> bool:
        """True when the scan found files but could read none of them (exit 1)."""
        seen = self.added + self.updated + self.moved + self.unchanged + self.failed
        return (seen > 0 and self.failed == seen) or (seen == 0 and bool(self.errors))

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass(frozen=True)
class ScanProgress:
    phase: str  # "walking", "indexing", "passages" (meaning search's text, no file opened), "done"
    done: int
    total: int
    path: str
    elapsed: float

    @property
    def files_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.files_per_second
        return (self.total - self.done) / rate if rate > 0 and self.total >= self.done else None


ProgressCallback = Callable[[ScanProgress], None]
IndexFn = Callable[[FileStat, "IndexOptions"], "VideoRecord | ScanFailure"]

WORKER_CRASHED = "worker process crashed while decoding"


@dataclass
class _Plan:
    to_index: list[tuple[FileStat, bool]] = field(default_factory=list)  # (stat, is_update)
    moved: list[tuple[int, FileStat]] = field(default_factory=list)
    unchanged: int = 0
    reappeared: list[tuple[int, FileStat]] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)


class Scanner:
    """Scans folders into a Library. The library is only written from the
    thread that calls ``scan``; workers return records."""

    def __init__(
        self,
        library: Library,
        *,
        thumbnail_dir: str | os.PathLike[str] | None = None,
        jobs: int | None = None,
        exclude: Iterable[str] = (),
        follow_outside: bool = False,
        max_keyframes: int = 16,
        embed_text: bool = True,
        index_fn: IndexFn | None = None,
        in_process: bool | None = None,
    ) -> None:
        """``index_fn`` turns one file into a record (default: the indexer's
        ``index_file``); tests pass a wrapper (it must be picklable: a
        module-level function) to inject faults.

        ``in_process``: index in this process instead of worker processes.
        None (default) does so only for ``jobs=1``; False always uses worker
        processes, even one (a GUI: a decoder crash must not take the app
        down, and decoding must not hold the app's GIL)."""
        self.library = library
        self.thumbnail_dir = None if thumbnail_dir is None else os.fspath(thumbnail_dir)
        self.jobs = max(1, jobs if jobs else (os.cpu_count() or 1))
        self.in_process = self.jobs == 1 if in_process is None else bool(in_process)
        self.exclude = tuple(exclude)
        self.follow_outside = follow_outside
        self.max_keyframes = max_keyframes
        self.embed_text = embed_text
        if index_fn is None:
            from pyrec.scan.indexer import index_file

            index_fn = index_file
        self.index_fn = index_fn

    # -- planning ---------------------------------------------------------
    def _plan(self, files: list[FileStat], roots: list[str], summary: ScanSummary) -> _Plan:
        plan = _Plan()
        known = self.library.known_files(roots)
        on_disk = {f.path for f in files}
        fresh: list[FileStat] = []
        for f in files:
            k = known.get(f.path)
            if k is not None and k.size == f.size and k.mtime_ns == f.mtime_ns:
                if k.status == "missing":  # drive came back (indexed again, if old, on the next scan)
                    plan.reappeared.append((k.id, replace(f, quick_hash=k.quick_hash)))
                    continue
                if k.extracted >= EXTRACTOR_VERSION:
                    plan.unchanged += 1
                    continue
                # Unchanged, but stored by older extractors: index it again (the upgrade pass).
            fresh.append(f)
        vanished = {path: k for path, k in known.items() if path not in on_disk and k.status != "missing"}
        claimed: set[int] = set()
        for f in fresh:
            try:
                f = replace(f, quick_hash=quick_hash(f.path, f.size))
            except OSError as exc:  # vanished or unreadable since the walk
                summary.failed += 1
                summary.errors.append(f"{f.path}: {exc.strerror or exc}")
                continue
            k = known.get(f.path)
            if k is None:
                moved_from = self._moved_from(f, on_disk, claimed)
                if moved_from is not None:
                    claimed.add(moved_from)
                    plan.moved.append((moved_from, f))
                    continue
            plan.to_index.append((f, k is not None))
        plan.missing_ids = [k.id for k in vanished.values() if k.id not in claimed]
        return plan

    def _moved_from(self, f: FileStat, on_disk: set[str], claimed: set[int]) -> int | None:
        """The id of a known video with the same content whose old path is gone."""
        for candidate in self.library.find_by_quick_hash(f.size, f.quick_hash):
            if candidate.id in claimed or candidate.path in on_disk:
                continue
            if candidate.status == "missing" or not os.path.exists(candidate.path):
                return candidate.id
        return None

    # -- running ----------------------------------------------------------
    def scan(
        self,
        roots: Iterable[str | os.PathLike[str]],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanSummary:
        from pyrec.scan.indexer import IndexOptions
        from pyrec.scan.walk import Walker

        started = time.monotonic()
        summary = ScanSummary()
        root_list = [os.path.abspath(os.fspath(r)) for r in roots]
        walker = Walker(self.exclude, follow_outside=self.follow_outside, inside=self.library.library_folders())
        report = walker.walk(root_list)
        summary.errors.extend(report.errors)
        summary.warnings.extend(report.skipped_links)
        if progress:
            progress(ScanProgress("walking", 0, len(report.files), "", time.monotonic() - started))
        # A root that is gone (drive unplugged) must not mark its videos missing
        # one by one as if deleted: its files are simply unknown this time.
        reachable = [r for r in root_list if r not in report.unreachable_roots]
        plan = self._plan(report.files, reachable, summary)
        summary.unchanged = plan.unchanged
        for video_id, f in plan.moved:
            self.library.move_video(video_id, f)
            summary.moved += 1
        for video_id, f in plan.reappeared:
            self.library.mark_present(video_id, f)
            summary.unchanged += 1
        if plan.missing_ids:
            self.library.mark_missing(plan.missing_ids)
            summary.missing = len(plan.missing_ids)

        options = IndexOptions(
            roots=tuple(reachable),
            thumbnail_dir=self.thumbnail_dir,
            max_keyframes=self.max_keyframes,
            embed_text=self.embed_text,
        )
        is_update = {f.path: upd for f, upd in plan.to_index}
        total = len(plan.to_index)
        done = 0
        for result in self._results([f for f, _ in plan.to_index], options, cancel):
            self._store(result, is_update[result.file.path], summary)
            done += 1
            if progress:
                progress(ScanProgress("indexing", done, total, result.file.path, time.monotonic() - started))
        summary.cancelled = bool(cancel and cancel.is_set()) and done < total
        if self.embed_text and not _cancelled(cancel):
            self._embed_passages(summary, progress, cancel, started)
        summary.seconds = time.monotonic() - started
        if progress:
            progress(ScanProgress("done", done, total, "", summary.seconds))
        return summary

    def _embed_passages(self, summary: ScanSummary, progress: ProgressCallback | None,
                        cancel: threading.Event | None, started: float) -> None:
        """Meaning search's passages for every video that lacks them: the files
        just stored and, from their stored moments, files scanned before
        passages existed (no file is opened)."""
        from pyrec.errors import ModelError
        from pyrec.scan.passages import embed_missing_passages

        def report(done: int, total: int) -> None:
            if progress:
                progress(ScanProgress("passages", done, total, "", time.monotonic() - started))

        try:
            summary.warnings += embed_missing_passages(self.library, progress=report, cancel=cancel).errors
        except ModelError as exc:  # the text model, not a file: search keeps its word hits
            summary.warnings.append(f"passages for meaning search not made: {exc}")

    def _store(self, result: VideoRecord | ScanFailure, is_update: bool, summary: ScanSummary) -> None:
        if isinstance(result, ScanFailure):
            self.library.record_failure(result)
            summary.failed += 1
            summary.errors.append(result.error)
            return
        video_id = self.library.upsert_video(result)
        summary.warnings.extend(result.warnings)
        if is_update:
            summary.updated += 1
            # An unchanged file indexed again by newer extractors keeps what the deep
            # pass heard and read (library.upsert_video); its text vector takes it in again.
            embed_with_heard_text(self.library, video_id)
        else:
            summary.added += 1

    def _results(
        self, files: list[FileStat], options: IndexOptions, cancel: threading.Event | None
    ) -> Iterator[VideoRecord | ScanFailure]:
        """Index results as they complete; stops early (cleanly) on cancel.

        A worker that dies (a decoder segfault or abort, the OOM killer) breaks
        the whole pool and every file in flight with it. The files in flight
        are then retried one at a time in a pool of their own, so only the
        file that kills a worker again is recorded as failed, and the rest of
        the queue goes on in a fresh pool."""
        if not files:
            return
        if self.in_process:  # asked for no workers: a decoder crash ends the scan (and this process)
            quiet_native_logs()
            for f in files:
                if _cancelled(cancel):
                    return
                yield self.index_fn(f, options)
            return
        queue = deque(files)
        while queue and not _cancelled(cancel):
            suspects: list[FileStat] = []
            yield from self._pool_run(queue, options, cancel, suspects)
            if suspects:
                yield from self._isolated(suspects, options, cancel)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        # spawn, not fork: the parent may be a Qt app with threads, and ONNX
        # Runtime's thread pools do not survive fork. Workers are local-only
        # like the parent and die with it: both are set up by their initializer.
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(os.getpid(),))

    def _pool_run(
        self, queue: deque[FileStat], options: IndexOptions, cancel: threading.Event | None, suspects: list[FileStat]
    ) -> Iterator[VideoRecord | ScanFailure]:
        """Drain ``queue`` through one pool. If the pool breaks, the files that
        were in it go to ``suspects`` and this returns early."""
        workers = min(self.jobs, len(queue))
        pool = self._new_pool(workers)
        pending: dict[Future[VideoRecord | ScanFailure], FileStat] = {}
        try:
            while queue and len(pending) < workers * 2:  # a short queue: cancel takes effect soon
                f = queue.popleft()
                pending[pool.submit(self.index_fn, f, options)] = f
            while pending:
                if _cancelled(cancel):
                    return
                finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for fut in finished:
                    f = pending.pop(fut)
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        suspects.append(f)
                        continue
                    yield fut.result() if exc is None else _failure(f, exc)
                if any(isinstance(fut.exception(), BrokenProcessPool) for fut in finished):
                    # Everything still in this pool is lost with it; results that
                    # arrived before the break are kept.
                    for fut, f in list(pending.items()):
                        lost = fut.exception() if fut.done() else None
                        if not fut.done() or isinstance(lost, BrokenProcessPool):
                            suspects.append(f)
                        else:
                            yield fut.result() if lost is None else _failure(f, lost)
                    pending.clear()
                    return
                while queue and len(pending) < workers * 2 and not _cancelled(cancel):
                    f = queue.popleft()
                    try:
                        pending[pool.submit(self.index_fn, f, options)] = f
                    except BrokenProcessPool:  # a worker died since the wait: its future says so next round
                        queue.appendleft(f)
                        break
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def _isolated(
        self, files: list[FileStat], options: IndexOptions, cancel: threading.Event | None
    ) -> Iterator[VideoRecord | ScanFailure]:
        """One file at a time in a one-worker pool: a crash now names its file."""
        pool: ProcessPoolExecutor | None = None
        try:
            for f in files:
                if _cancelled(cancel):
                    return
                if pool is None:
                    pool = self._new_pool(1)
                fut = pool.submit(self.index_fn, f, options)
                while not _wait_one(fut, cancel):
                    pass
                if not fut.done():  # cancelled while it ran
                    return
                exc = fut.exception()
                if isinstance(exc, BrokenProcessPool):
                    yield ScanFailure(f, f"{f.path}: {WORKER_CRASHED}", transient=True)
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = None
                    continue
                yield fut.result() if exc is None else _failure(f, exc)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)


def quiet_native_logs() -> None:
    """FFmpeg and OpenCV print their own complaints about broken files
    straight to stderr, between and inside pyrec's lines; pyrec reports each
    broken file as one error line instead. Takes effect for the FFmpeg
    backend only if no video was opened in this process yet."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


def _init_worker(parent_pid: int) -> None:
    """Every scan worker dies with the scan, is local-only and quiet, like its parent."""
    lifeline.bind_to_parent(parent_pid)
    netguard.install()
    quiet_native_logs()


def _cancelled(cancel: threading.Event | None) -> bool:
    return bool(cancel and cancel.is_set())


def _wait_one(fut: Future[VideoRecord | ScanFailure], cancel: threading.Event | None) -> bool:
    """Wait a little for ``fut``; True once it is done or the scan was cancelled."""
    wait([fut], timeout=0.2)
    return fut.done() or _cancelled(cancel)


def _failure(f: FileStat, exc: BaseException) -> ScanFailure:
    """A worker raised instead of returning a ScanFailure (e.g. a result that
    could not be pickled back): report it against its file and go on."""
    return ScanFailure(f, f"{f.path}: worker process failed ({type(exc).__name__}: {' '.join(str(exc).split())})",
                       transient=True)
