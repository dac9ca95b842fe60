"""Reads of what features and the graph hold: keyframes, labels, vectors,
entities, full-text search. The recommender's view of the catalogue."""

from __future__ import annotations

import numpy as np

from pyrec.errors import LibraryError
from pyrec.library.base import LibraryBase
from pyrec.library.codec import fts_match, normalize_name, stack_vectors
from pyrec.library.rows import VIDEO_STATUSES, EntityLink, EntityStat, SearchHit, VideoEntity
from pyrec.records import Keyframe, Label

# bm25 column weights: title, plot, people, tags, subtitles
_SEARCH_WEIGHTS = "10.0, 2.0, 5.0, 3.0, 1.0"


class ContentReads(LibraryBase):
    def keyframes(self, video_id: int) -> list[Keyframe]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT time, phash, thumbnail, sharpness, brightness FROM keyframes "
                "WHERE video_id = ? ORDER BY idx",
                (video_id,),
            ).fetchall()
        return [Keyframe(r["time"], r["phash"], r["thumbnail"], r["sharpness"], r["brightness"]) for r in rows]

    def first_thumbnails(self, video_ids: list[int]) -> dict[int, str]:
        """A representative thumbnail per video (its sharpest keyframe), for cards."""
        out: dict[int, str] = {}
        with self._read() as conn:
            for start in range(0, len(video_ids), 500):  # stay under SQLite's variable limit
                chunk = [int(v) for v in video_ids[start:start + 500]]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT video_id, thumbnail FROM (SELECT video_id, thumbnail, row_number() OVER "
                    "(PARTITION BY video_id ORDER BY sharpness DESC, idx) AS rank FROM keyframes "
                    f"WHERE video_id IN ({marks}) AND thumbnail IS NOT NULL) WHERE rank = 1",
                    chunk,
                ).fetchall()
                out.update((int(v), str(t)) for v, t in rows)
        return out

    def labels(self, video_id: int) -> list[Label]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT name, score, source FROM labels WHERE video_id = ? ORDER BY score DESC, name",
                (video_id,),
            ).fetchall()
        return [Label(r["name"], r["score"], r["source"]) for r in rows]

    def embeddings(self, model_id: str, status: str | None = "ok") -> tuple[np.ndarray, np.ndarray]:
        """All vectors of one model: (video ids int64 [n], float32 [n, dim]), ids ascending.

        Only 'ok' videos by default: missing or failed files are not recommended.
        One query and one buffer join, so it stays fast for big libraries."""
        where = ""
        params: tuple[str, ...] = (model_id,)
        if status is not None:
            if status not in VIDEO_STATUSES:
                raise ValueError(f"unknown status {status!r}; use one of {VIDEO_STATUSES}")
            where, params = "AND v.status = ?", (model_id, status)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT e.video_id, e.dim, e.dtype, e.vector FROM embeddings e JOIN videos v ON v.id = e.video_id "
                f"WHERE e.model_id = ? {where} ORDER BY e.video_id",
                params,
            ).fetchall()
        if not rows:
            return np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.float32)
        dim = rows[0][1]
        for video_id, row_dim, dtype, blob in rows:
            if row_dim != dim or dtype != "float32" or len(blob) != dim * 4:
                raise LibraryError(
                    f"embedding of video {video_id} for model {model_id!r} is {len(blob)} bytes of {dtype} "
                    f"with dim {row_dim}; expected {dim * 4} bytes of float32 (dim {dim})",
                    self._path,
                )
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ids, stack_vectors([r[3] for r in rows], dim)

    def embedding_models(self) -> dict[str, int]:
        """model_id → dim, for every model that has vectors stored."""
        with self._read() as conn:
            rows = conn.execute("SELECT model_id, max(dim) FROM embeddings GROUP BY model_id").fetchall()
        return {r[0]: r[1] for r in rows}

    def entities_of(self, video_id: int) -> list[VideoEntity]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT e.id, e.kind, e.name, ve.role, ve.weight, ve.extra FROM video_entities ve "
                "JOIN entities e ON e.id = ve.entity_id WHERE ve.video_id = ? "
                "ORDER BY e.kind, ve.weight DESC, e.name",
                (video_id,),
            ).fetchall()
        return [VideoEntity(*r) for r in rows]

    def find_entity(self, kind: str, name: str) -> int | None:
        """The id of an entity, matching its name case-insensitively."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM entities WHERE kind = ? AND name = ? COLLATE NOCASE", (kind, normalize_name(name))
            ).fetchone()
        return None if row is None else int(row[0])

    def videos_with_entity(self, entity_id: int) -> list[EntityLink]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT video_id, role, weight, extra FROM video_entities WHERE entity_id = ? ORDER BY video_id",
                (entity_id,),
            ).fetchall()
        return [EntityLink(*r) for r in rows]

    def entity_stats(self) -> list[EntityStat]:
        """Document frequency of every entity over 'ok' videos (N is count_videos('ok'))."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT e.id, e.kind, e.name, count(DISTINCT ve.video_id) FROM entities e "
                "JOIN video_entities ve ON ve.entity_id = e.id JOIN videos v ON v.id = ve.video_id "
                "WHERE v.status = 'ok' GROUP BY e.id ORDER BY e.id"
            ).fetchall()
        return [EntityStat(*r) for r in rows]

    # -- bulk reads: one query each, for snapshots of the whole catalogue ------
    def all_entity_edges(self, status: str = "ok") -> list[tuple[int, str, str, str, float]]:
        """Every (video_id, kind, name, role, weight) edge of videos with ``status``, by video."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT ve.video_id, e.kind, e.name, ve.role, ve.weight FROM video_entities ve "
                "JOIN entities e ON e.id = ve.entity_id JOIN videos v ON v.id = ve.video_id "
                "WHERE v.status = ? ORDER BY ve.video_id, e.kind, e.name", (status,)
            ).fetchall()
        return [(int(v), str(k), str(n), str(r), float(w)) for v, k, n, r, w in rows]

    def all_labels(self, status: str = "ok") -> list[tuple[int, str, float]]:
        """Every (video_id, label, score) of videos with ``status``, by video, best first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT l.video_id, l.name, l.score FROM labels l JOIN videos v ON v.id = l.video_id "
                "WHERE v.status = ? ORDER BY l.video_id, l.score DESC, l.name", (status,)
            ).fetchall()
        return [(int(v), str(n), float(s)) for v, n, s in rows]

    def all_keyframe_hashes(self, status: str = "ok") -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """video_id -> (phashes int64, times float64) in keyframe order."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT k.video_id, k.phash, k.time FROM keyframes k JOIN videos v ON v.id = k.video_id "
                "WHERE v.status = ? ORDER BY k.video_id, k.idx", (status,)
            ).fetchall()
        grouped: dict[int, tuple[list[int], list[float]]] = {}
        for video_id, phash, when in rows:
            hashes, times = grouped.setdefault(int(video_id), ([], []))
            hashes.append(int(phash))
            times.append(float(when))
        return {v: (np.array(h, dtype=np.int64), np.array(t, dtype=np.float64)) for v, (h, t) in grouped.items()}

    def label_stats(self) -> list[tuple[str, int]]:
        """Every visual label with the number of 'ok' videos carrying it, most common first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT l.name, count(DISTINCT l.video_id) AS n FROM labels l JOIN videos v ON v.id = l.video_id "
                "WHERE v.status = 'ok' GROUP BY l.name ORDER BY n DESC, l.name"
            ).fetchall()
        return [(str(name), int(n)) for name, n in rows]

    def search(self, query: str, *, limit: int = 50, status: str | None = "ok") -> list[SearchHit]:
        """Videos whose title, plot, people, tags or subtitles contain every word
        of ``query`` (the last word may be a prefix). Plain words only: FTS
        syntax in user input is quoted away, so no query can raise."""
        match = fts_match(query)
        if match is None:
            return []
        where, params = ("AND v.status = ?", (status,)) if status is not None else ("", ())
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT s.rowid, bm25(video_search, {_SEARCH_WEIGHTS}) AS rank FROM video_search s "
                f"JOIN videos v ON v.id = s.rowid WHERE video_search MATCH ? {where} ORDER BY rank LIMIT ?",
                (match, *params, limit),
            ).fetchall()
        return [SearchHit(int(r[0]), -float(r[1])) for r in rows]
