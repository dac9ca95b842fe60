"""The deep pass's bookkeeping: which slow readers (speech, on-screen text)
ran on which video at which version, and the moments they found. Each
result is one transaction, so a killed pass loses only the file in hand."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pyrec.library.base import LibraryBase
from pyrec.library.codec import clean_text, encode_stats, one_line
from pyrec.records import MOMENT_KINDS, Moment


@dataclass(frozen=True)
class DeepTodo:
    """A video a stage has still to read, as the library knew it when asked."""

    video_id: int
    path: str
    duration: float
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DeepRun:
    stage: str
    version: int
    status: str  # "done" or "failed"
    error: str | None
    seconds: float
    moments: int
    finished_at: float


class DeepStore(LibraryBase):
    def deep_pending(self, stage: str, version: int, *, limit: int | None = None) -> list[DeepTodo]:
        """Readable videos ``stage`` has not finished or failed on at ``version``, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT v.id, v.path, coalesce(v.playable, v.duration, 0) AS duration, v.size, v.mtime_ns "
                "FROM videos v WHERE v.status = 'ok' AND NOT EXISTS (SELECT 1 FROM deep_runs d "
                "WHERE d.video_id = v.id AND d.stage = ? AND d.version = ?) ORDER BY v.id LIMIT ?",
                (stage, version, -1 if limit is None else limit),
            ).fetchall()
        return [DeepTodo(int(r["id"]), r["path"], float(r["duration"]), int(r["size"]), int(r["mtime_ns"]))
                for r in rows]

    def store_deep(self, todo: DeepTodo, stage: str, version: int, moments: list[Moment], seconds: float, *,
                   stats: Mapping[str, float] | None = None) -> bool:
        """The stage's moments for a video, replacing what an older run of it
        stored, and its ``stats`` over the same names in the video's stats (a
        whole-film measure replacing the fast pass's estimate). False (nothing
        written) when the file was rescanned or removed since ``todo`` was
        read: its new row waits for the next pass."""
        for m in moments:
            if m.kind not in MOMENT_KINDS:
                raise ValueError(f"unknown moment kind {m.kind!r}; use one of {MOMENT_KINDS}")
        with self._write() as conn:
            if not _unchanged(conn, todo):
                return False
            # A stage owns the moments of its own kind ("speech", "screen_text").
            if stage in MOMENT_KINDS:
                conn.execute("DELETE FROM moments WHERE video_id = ? AND kind = ?", (todo.video_id, stage))
            conn.executemany(
                'INSERT INTO moments (video_id, start, "end", kind, text, language) VALUES (?, ?, ?, ?, ?, ?)',
                [(todo.video_id, float(m.start), float(max(m.end, m.start)), m.kind, clean_text(m.text),
                  clean_text(m.language)) for m in moments if m.text.strip()],
            )
            if stats:
                conn.execute("UPDATE videos SET stats = json_patch(stats, ?) WHERE id = ?",
                             (encode_stats(stats), todo.video_id))
            _finish(conn, todo.video_id, stage, version, "done", None, seconds, len(moments))
        return True

    def record_deep_failure(self, todo: DeepTodo, stage: str, version: int, error: str, seconds: float, *,
                            transient: bool = False) -> bool:
        """The stage could not read this file (at this version): not retried until either changes.
        A ``transient`` failure (its worker crashed) is stored at version 0,
        which no stage has, so the next pass tries the file again."""
        with self._write() as conn:
            if not _unchanged(conn, todo):
                return False
            _finish(conn, todo.video_id, stage, 0 if transient else version, "failed",
                    one_line(error) or "unknown error", seconds, 0)
        return True

    def deep_runs(self, video_id: int) -> list[DeepRun]:
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM deep_runs WHERE video_id = ? ORDER BY stage", (video_id,)).fetchall()
        return [DeepRun(r["stage"], int(r["version"]), r["status"], r["error"], float(r["seconds"]),
                        int(r["moments"]), float(r["finished_at"])) for r in rows]

    def deep_counts(self, stage: str, version: int) -> dict[str, int]:
        """How many readable videos ``stage`` finished, failed on, or has still to read."""
        with self._read() as conn:
            done = {str(s): int(n) for s, n in conn.execute(
                "SELECT d.status, count(*) FROM deep_runs d JOIN videos v ON v.id = d.video_id "
                "WHERE v.status = 'ok' AND d.stage = ? AND d.version = ? GROUP BY d.status", (stage, version))}
            total = int(conn.execute("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0])
        counts = {"done": done.get("done", 0), "failed": done.get("failed", 0)}
        counts["pending"] = max(0, total - counts["done"] - counts["failed"])
        return counts


def _unchanged(conn: sqlite3.Connection, todo: DeepTodo) -> bool:
    row = conn.execute("SELECT size, mtime_ns, status FROM videos WHERE id = ?", (todo.video_id,)).fetchone()
    return row is not None and row[2] == "ok" and (int(row[0]), int(row[1])) == (todo.size, todo.mtime_ns)


def _finish(conn: sqlite3.Connection, video_id: int, stage: str, version: int, status: str, error: str | None,
            seconds: float, moments: int) -> None:
    conn.execute(
        "INSERT INTO deep_runs (video_id, stage, version, status, error, seconds, moments, finished_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (video_id, stage) DO UPDATE SET version = excluded.version, "
        "status = excluded.status, error = excluded.error, seconds = excluded.seconds, "
        "moments = excluded.moments, finished_at = excluded.finished_at",
        (video_id, clean_text(stage), int(version), status, error, float(seconds), int(moments), time.time()),
    )
