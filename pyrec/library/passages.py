"""Passages of moments with their text-model vectors (meaning search that
says where). The moments triggers drop a kind's passages whenever its
moments change (migration 13), so what is stored is never staler than the
moments; ``passage_todo`` lists what is missing and the scan side embeds it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from pyrec.library.base import LibraryBase
from pyrec.library.codec import clean_text, encode_vector, stack_vectors
from pyrec.library.moments import moment_row
from pyrec.records import MOMENT_KINDS, Moment, Passage

Stamp = tuple[int, int, int]  # moments of one kind of one video: count, max id, total characters


@dataclass(frozen=True)
class PassageVectors:
    """Every stored passage of one model: row ids, their videos, unit vectors [n, d]."""

    ids: np.ndarray  # int64
    video_ids: np.ndarray  # int64
    starts: np.ndarray  # float64 seconds
    kinds: tuple[str, ...]
    vectors: np.ndarray  # float32 [n, d]


@dataclass(frozen=True)
class StoredPassage:
    video_id: int
    passage: Passage


class PassageStore(LibraryBase):
    def passage_todo(self, model: str, video_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
        """(video id, moment kind) of readable videos whose moments of that kind
        have no passages made by ``model`` (new, changed, or never embedded)."""
        where, params = "", tuple[int, ...]()
        if video_ids is not None:
            if not video_ids:
                return []
            where, params = f"AND k.video_id IN ({', '.join('?' * len(video_ids))})", tuple(int(v) for v in video_ids)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT k.video_id, k.kind FROM (SELECT DISTINCT video_id, kind FROM moments) k "
                f"JOIN videos v ON v.id = k.video_id WHERE v.status = 'ok' {where} AND NOT EXISTS ("
                "SELECT 1 FROM moment_passages p WHERE p.video_id = k.video_id AND p.kind = k.kind AND p.model = ?) "
                "ORDER BY k.video_id, k.kind", (*params, model)).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def moments_to_group(self, video_id: int, kind: str) -> tuple[list[Moment], Stamp]:
        """A video's moments of ``kind`` in time order, and a stamp that
        `store_passages` checks (the moments must not change in between)."""
        _check_kind(kind)
        with self._read() as conn:
            rows = conn.execute('SELECT m.start, m."end", m.kind, m.text, m.language FROM moments m '
                                "WHERE m.video_id = ? AND m.kind = ? ORDER BY m.start, m.id",
                                (video_id, kind)).fetchall()
            stamp = _stamp(conn, video_id, kind)
        return [moment_row(r) for r in rows], stamp

    def store_passages(self, video_id: int, kind: str, stamp: Stamp, passages: Sequence[Passage],
                       vectors: np.ndarray, model: str) -> bool:
        """Replace the video's passages of ``kind``; False (nothing stored) when
        its moments of that kind changed since `moments_to_group` read them."""
        _check_kind(kind)
        if len(passages) != len(vectors) or any(p.kind != kind for p in passages):
            raise ValueError(f"one vector per passage of kind {kind!r} is needed")
        now = time.time()
        rows = [(video_id, kind, float(p.start), float(max(p.end, p.start)), clean_text(p.text), int(p.lines),
                 clean_text(model), encode_vector(v)[1], now) for p, v in zip(passages, vectors)]
        with self._write() as conn:
            if _stamp(conn, video_id, kind) != stamp:
                return False
            conn.execute("DELETE FROM moment_passages WHERE video_id = ? AND kind = ?", (video_id, kind))
            conn.executemany('INSERT INTO moment_passages (video_id, kind, start, "end", text, lines, model, vector, '
                             "made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return True

    def passage_stamp(self) -> tuple[int, float]:
        """Changes whenever passages are added, replaced or removed (a search
        session rebuilds its index then): (count, newest made_at)."""
        with self._read() as conn:
            count, newest = conn.execute("SELECT count(*), max(made_at) FROM moment_passages").fetchone()
        return int(count), float(newest or 0.0)

    def passage_vectors(self, model: str, *, status: str = "ok") -> PassageVectors:
        """Every passage ``model`` made, of videos with ``status``, in row order."""
        with self._read() as conn:
            rows = conn.execute("SELECT p.id, p.video_id, p.vector, p.start, p.kind FROM moment_passages p JOIN videos v "
                                "ON v.id = p.video_id WHERE p.model = ? AND v.status = ? ORDER BY p.id",
                                (model, status)).fetchall()
        if not rows:
            return PassageVectors(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), (),
                                  np.zeros((0, 0), np.float32))
        dims = {len(r[2]) for r in rows}
        if len(dims) != 1 or next(iter(dims)) % 4:
            raise ValueError(f"passage vectors of model {model!r} differ in length: {sorted(dims)} bytes")
        return PassageVectors(np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                              np.fromiter((r[1] for r in rows), np.int64, len(rows)),
                              np.fromiter((r[3] for r in rows), np.float64, len(rows)), tuple(str(r[4]) for r in rows),
                              stack_vectors([r[2] for r in rows], next(iter(dims)) // 4))

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, StoredPassage]:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        with self._read() as conn:
            rows = conn.execute('SELECT id, video_id, kind, start, "end", text, lines FROM moment_passages '
                                f"WHERE id IN ({', '.join('?' * len(wanted))})", wanted).fetchall()
        return {int(r["id"]): StoredPassage(int(r["video_id"]), Passage(float(r["start"]), float(r["end"]),
                                                                         str(r["kind"]), str(r["text"]), int(r["lines"])))
                for r in rows}


def _stamp(conn: sqlite3.Connection, video_id: int, kind: str) -> Stamp:
    count, top, chars = conn.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(sum(length(text)), 0) FROM moments "
        "WHERE video_id = ? AND kind = ?", (video_id, kind)).fetchone()
    return int(count), int(top), int(chars)


def _check_kind(kind: str) -> None:
    if kind not in MOMENT_KINDS:
        raise ValueError(f"unknown moment kind {kind!r}; use one of {MOMENT_KINDS}")
