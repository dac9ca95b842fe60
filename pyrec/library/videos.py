"""Writing and reading the videos table and everything scan attaches to a video."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pyrec.errors import LibraryError, NotFoundError
from pyrec.library.base import LibraryBase
from pyrec.library.codec import (
    PATH_SQL,
    clean_text,
    decode_sources,
    decode_stats,
    encode_sources,
    encode_stats,
    encode_vector,
    normalize_name,
    one_line,
    path_param,
)
from pyrec.library.moments import insert_media
from pyrec.library.rows import VIDEO_STATUSES, KnownFile, VideoInfo
from pyrec.records import (
    DEEP_MOMENT_KINDS,
    DEEP_STATS,
    EXTRACTOR_VERSION,
    CREDITS_SECONDS,
    ENTITY_KINDS,
    LONG_VIDEO_SECONDS,
    WATCHED_FRACTION,
    Embedding,
    EntityRef,
    FileStat,
    MediaProbe,
    ScanFailure,
    TextInfo,
    VideoRecord,
)

# Child tables replaced wholesale when a file is scanned again. Each edge or
# text change re-indexes the video's search row (a trigger); with the long
# subtitle text gone first and added last, those re-indexes stay cheap.
_CHILD_TABLES = ("texts", "keyframes", "labels", "embeddings", "video_entities", "moments", "media_info",
                 "frame_grids", "deep_runs")  # deep_runs: the deep pass reads a changed file again

_ORDERS = {
    "id": "v.id",
    "path": "v.path",
    "title": "v.title COLLATE NOCASE",
    "added_at": "v.added_at",
    "updated_at": "v.updated_at",
    "year": "v.year",
    "duration": "v.duration",
}

_VIDEO_SELECT = """
SELECT v.*, t.original_title, t.tagline, t.subtitles, t.sources
FROM videos v LEFT JOIN texts t ON t.video_id = v.id
"""

_IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters

_KNOWN_SELECT = "SELECT id, path, size, mtime_ns, quick_hash, status, extracted FROM videos"

# Restoring a returning file: back to 'failed' if its last scan failed.
_PRESENT_STATUS = "CASE WHEN error IS NULL THEN 'ok' ELSE 'failed' END"


class _KeptDeep(NamedTuple):
    stages: tuple[str, ...]  # deep stages whose results stay
    stats: dict[str, float]  # and the stats they wrote


def _deep_results_kept(conn: sqlite3.Connection, record: VideoRecord) -> _KeptDeep:
    """When an unchanged file (same size, mtime and content hash) is indexed
    again, by newer extractors (the upgrade pass), what the deep pass read of
    it stays: minutes of speech recognition per film are not thrown away
    because a fast-pass extractor improved. A changed file loses them."""
    f = record.file
    row = conn.execute(f"SELECT id, size, mtime_ns, quick_hash, stats FROM videos WHERE path = {PATH_SQL}",
                       (path_param(f.path),)).fetchone()
    if row is None or (row[1], row[2], row[3]) != (f.size, f.mtime_ns, f.quick_hash) or not f.quick_hash:
        return _KeptDeep((), {})
    stages = tuple(str(r[0]) for r in conn.execute(
        "SELECT stage FROM deep_runs WHERE video_id = ? AND status = 'done'", (row[0],)))
    prior = decode_stats(row[4])
    stats = {k: prior[k] for s in stages for k in DEEP_STATS.get(s, ()) if k in prior}
    return _KeptDeep(stages, stats)


class VideoStore(LibraryBase):
    # ---- writes -----------------------------------------------------------

    def upsert_video(self, record: VideoRecord) -> int:
        """Store everything scan learned about one file, in one transaction.

        A path seen before keeps its id, ``added_at`` and interactions; its
        keyframes, labels, embeddings, entity edges and text are replaced."""
        vectors = [(clean_text(e.model_id), *encode_vector(e.vector)) for e in record.embeddings]
        edges = _clean_edges(record.entities)
        now = time.time()
        f, p, t = record.file, record.probe, record.text
        with self._write() as conn:
            kept = _deep_results_kept(conn, record)
            stats = {**record.stats, **kept.stats}
            video_id = conn.execute(
                f"""
                INSERT INTO videos (path, size, mtime_ns, quick_hash, duration, fps, width, height,
                    codec, rotation, frame_count, playable, status, error, added_at, updated_at,
                    title, year, season, episode, plot, media_type, rating, stats, extracted)
                VALUES ({PATH_SQL}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ok', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        {EXTRACTOR_VERSION})
                ON CONFLICT (path) DO UPDATE SET
                    size = excluded.size, mtime_ns = excluded.mtime_ns, quick_hash = excluded.quick_hash,
                    duration = excluded.duration, fps = excluded.fps, width = excluded.width,
                    height = excluded.height, codec = excluded.codec, rotation = excluded.rotation,
                    frame_count = excluded.frame_count, playable = excluded.playable, status = 'ok', error = NULL,
                    updated_at = excluded.updated_at, title = excluded.title, year = excluded.year,
                    season = excluded.season, episode = excluded.episode, plot = excluded.plot,
                    media_type = excluded.media_type, rating = excluded.rating, stats = excluded.stats,
                    extracted = excluded.extracted
                RETURNING id
                """,
                (
                    path_param(f.path), f.size, f.mtime_ns, f.quick_hash,
                    p.duration, p.fps, p.width, p.height, clean_text(p.codec), p.rotation, p.frame_count,
                    p.playable, now, now,
                    clean_text(t.title), t.year, t.season, t.episode, clean_text(t.plot),
                    clean_text(t.media_type), t.rating, encode_stats(stats),
                ),
            ).fetchone()[0]
            old_entities = [r[0] for r in conn.execute(
                "SELECT entity_id FROM video_entities WHERE video_id = ?", (video_id,))]
            for table in _CHILD_TABLES:
                if table in ("moments", "deep_runs") and kept.stages:
                    continue
                conn.execute(f"DELETE FROM {table} WHERE video_id = ?", (video_id,))
            if kept.stages:  # what the deep pass read of this same file stays; the rest is the scan's to write
                marks = ",".join("?" * len(kept.stages))
                conn.execute(f"DELETE FROM deep_runs WHERE video_id = ? AND stage NOT IN ({marks})",
                             (video_id, *kept.stages))
                conn.execute("DELETE FROM moments WHERE video_id = ? AND kind NOT IN (?, ?)",
                             (video_id, *DEEP_MOMENT_KINDS))
            conn.executemany(
                "INSERT INTO keyframes (video_id, idx, time, thumbnail, phash, sharpness, brightness) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(video_id, i, k.time, k.thumbnail, k.phash, k.sharpness, k.brightness)
                 for i, k in enumerate(record.keyframes)],
            )
            conn.executemany(
                "INSERT INTO labels (video_id, name, score, source) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET score = max(score, excluded.score)",
                [(video_id, clean_text(lb.name), lb.score, clean_text(lb.source)) for lb in record.labels],
            )
            if record.frame_grids is not None:
                fg = record.frame_grids
                conn.execute("INSERT INTO frame_grids (video_id, step, grids, audio_step, audio) VALUES (?, ?, ?, ?, ?)",
                             (video_id, fg.step, fg.grids.tobytes(), fg.audio_step,
                              None if fg.audio is None else fg.audio.astype("<u4").tobytes()))
            self._insert_vectors(conn, video_id, vectors)
            self._insert_edges(conn, video_id, edges)
            self._insert_text(conn, video_id, t)
            insert_media(conn, video_id, record.media)
            _drop_orphan_entities(conn, old_entities)
        return int(video_id)

    def record_failure(self, failure: ScanFailure) -> int:
        """Mark a file that could not be indexed as 'failed' with its one-line error.

        A file that indexed fine before and is now unreadable keeps its earlier
        text, vectors and history (the scan will replace them once it reads
        again); its new size/mtime are stored so an unchanged broken file is not
        retried on every scan, unless the failure was transient (stored as
        made by no extractor, so the next scan's upgrade pass retries it)."""
        f = failure.file
        now = time.time()
        with self._write() as conn:
            row = conn.execute(
                f"""
                INSERT INTO videos (path, size, mtime_ns, quick_hash, status, error, added_at, updated_at, extracted)
                VALUES ({PATH_SQL}, ?, ?, ?, 'failed', ?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET
                    size = excluded.size, mtime_ns = excluded.mtime_ns, quick_hash = excluded.quick_hash,
                    status = 'failed', error = excluded.error, updated_at = excluded.updated_at,
                    extracted = excluded.extracted
                RETURNING id
                """,
                (path_param(f.path), f.size, f.mtime_ns, f.quick_hash,
                 one_line(failure.error) or "unknown error", now, now, 0 if failure.transient else EXTRACTOR_VERSION),
            ).fetchone()
        return int(row[0])

    def move_video(self, video_id: int, new_stat: FileStat) -> None:
        """A file was moved or renamed: same row, id and history, new path."""
        with self._write() as conn:
            other = conn.execute(
                f"SELECT id FROM videos WHERE path = {PATH_SQL}", (path_param(new_stat.path),)
            ).fetchone()
            if other is not None and other[0] != video_id:
                raise LibraryError(
                    f"cannot move video {video_id} there: the path already belongs to video {other[0]}",
                    new_stat.path,
                )
            cur = conn.execute(
                f"UPDATE videos SET path = {PATH_SQL}, size = ?, mtime_ns = ?, quick_hash = ?, "
                f"status = {_PRESENT_STATUS}, updated_at = ? WHERE id = ?",
                (path_param(new_stat.path), new_stat.size, new_stat.mtime_ns, new_stat.quick_hash,
                 time.time(), video_id),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no video with id {video_id}", self._path)

    def mark_missing(self, video_ids: Iterable[int]) -> int:
        """Files no longer on disk: kept (with history) but not recommended. Returns rows changed."""
        now = time.time()
        with self._write() as conn:
            cur = conn.executemany(
                "UPDATE videos SET status = 'missing', updated_at = ? WHERE id = ? AND status <> 'missing'",
                [(now, int(i)) for i in video_ids],
            )
            return cur.rowcount

    def mark_present(self, video_id: int, stat: FileStat) -> None:
        """A missing file is back at its old path, unchanged."""
        with self._write() as conn:
            row = conn.execute("SELECT path FROM videos WHERE id = ?", (video_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no video with id {video_id}", self._path)
            if row[0] != stat.path:
                raise ValueError(f"video {video_id} lives at {row[0]!r}, not {stat.path!r}; use move_video")
            conn.execute(
                f"UPDATE videos SET size = ?, mtime_ns = ?, quick_hash = ?, status = {_PRESENT_STATUS}, "
                "updated_at = ? WHERE id = ?",
                (stat.size, stat.mtime_ns, stat.quick_hash, time.time(), video_id),
            )

    def delete_videos(self, video_ids: Iterable[int]) -> int:
        """Forget videos entirely, with their history. Returns how many were deleted."""
        ids = [(int(i),) for i in video_ids]
        with self._write() as conn:
            old_entities = [r[0] for (vid,) in ids for r in conn.execute(
                "SELECT entity_id FROM video_entities WHERE video_id = ?", (vid,))]
            # rowcount counts the videos only, not the rows cascaded from them
            deleted = conn.executemany("DELETE FROM videos WHERE id = ?", ids).rowcount
            _drop_orphan_entities(conn, old_entities)
            return deleted

    # ---- reads ------------------------------------------------------------

    def known_files(self, roots: Iterable[str | os.PathLike[str]]) -> dict[str, KnownFile]:
        """Every stored file under any of ``roots`` (any status), by path."""
        found: dict[str, KnownFile] = {}
        with self._read() as conn:
            for root in roots:
                raw = os.fsencode(root)
                if not raw:
                    raise ValueError("an empty root would mean every file")
                prefix = raw.rstrip(b"/")  # "/" becomes "", whose range is every absolute path
                # A byte range instead of LIKE: LIKE is case-insensitive and
                # treats % and _ in folder names as wildcards. '0' follows '/'.
                rows = conn.execute(
                    f"{_KNOWN_SELECT} WHERE path = {PATH_SQL} OR (path >= {PATH_SQL} AND path < {PATH_SQL})",
                    (prefix, prefix + b"/", prefix + b"0"),
                )
                found.update((r["path"], _known(r)) for r in rows)
        return found

    def find_by_quick_hash(self, size: int, quick_hash: str) -> list[KnownFile]:
        """Stored files with this content fingerprint (to spot moves and renames)."""
        if not quick_hash:
            return []  # an uncomputed hash matches nothing
        with self._read() as conn:
            rows = conn.execute(
                f"{_KNOWN_SELECT} WHERE size = ? AND quick_hash = ? ORDER BY id", (size, quick_hash)
            )
            return [_known(r) for r in rows]

    def video(self, video_id: int) -> VideoInfo:
        with self._read() as conn:
            row = conn.execute(f"{_VIDEO_SELECT} WHERE v.id = ?", (video_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no video with id {video_id}", self._path)
        return _video(row)

    def videos_by_ids(self, video_ids: Iterable[int]) -> dict[int, VideoInfo]:
        """Many videos in one read, by id (any status). Ids that name no video
        are left out: the caller decides whether that is an error."""
        wanted = list(dict.fromkeys(int(i) for i in video_ids))
        found: dict[int, VideoInfo] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), _IDS_PER_QUERY):
                chunk = wanted[start:start + _IDS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                for row in conn.execute(f"{_VIDEO_SELECT} WHERE v.id IN ({marks})", chunk):
                    found[int(row["id"])] = _video(row)
        return found

    def video_by_path(self, path: str | os.PathLike[str]) -> VideoInfo | None:
        with self._read() as conn:
            row = conn.execute(f"{_VIDEO_SELECT} WHERE v.path = {PATH_SQL}", (path_param(path),)).fetchone()
        return None if row is None else _video(row)

    def videos(
        self,
        status: str | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str = "id",
        entity_id: int | None = None,
        label: str | None = None,
        entity_ids: Sequence[int] = (),
        watched: str | None = None,
        profile_id: int | None = None,
    ) -> list[VideoInfo]:
        """A page of videos. ``order`` is one of id, path, title, added_at,
        updated_at, year, duration; prefix '-' for descending. ``entity_id``
        keeps videos linked to that graph node (a genre, a person, a folder…),
        ``label`` those with that visual label, ``entity_ids`` those linked to
        every one of them; ``watched`` ("watched", "in-progress", "unwatched")
        is judged from ``profile_id``'s events: a "watched" mark or a play that
        pyrec.records.is_watched counts as watched (90 %, or the end credits)."""
        column = _ORDERS.get(order.lstrip("-"))
        if column is None:
            raise ValueError(f"unknown order {order!r}; use one of {sorted(_ORDERS)}")
        direction = "DESC" if order.startswith("-") else "ASC"
        where, params = _filters(status, entity_id, label, entity_ids, watched, profile_id)
        sql = f"{_VIDEO_SELECT} {where} ORDER BY {column} {direction}, v.id {direction} LIMIT ? OFFSET ?"
        with self._read() as conn:
            rows = conn.execute(sql, (*params, -1 if limit is None else limit, offset)).fetchall()
        return [_video(r) for r in rows]

    def count_videos(self, status: str | None = None, *, entity_id: int | None = None, label: str | None = None,
                     entity_ids: Sequence[int] = (), watched: str | None = None, profile_id: int | None = None) -> int:
        where, params = _filters(status, entity_id, label, entity_ids, watched, profile_id)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM videos v {where}", params).fetchone()[0])

    # ---- helpers ----------------------------------------------------------

    @staticmethod
    def _insert_text(conn: sqlite3.Connection, video_id: int, t: TextInfo) -> None:
        if not (t.original_title or t.tagline or t.subtitles or t.sources):
            return
        conn.execute(
            "INSERT INTO texts (video_id, original_title, tagline, subtitles, sources) VALUES (?, ?, ?, ?, ?)",
            (video_id, clean_text(t.original_title), clean_text(t.tagline), clean_text(t.subtitles),
             encode_sources(t.sources)),
        )

    def store_embedding(self, video_id: int, embedding: Embedding) -> None:
        """Replace one of a video's vectors (the deep pass re-embeds a video's
        text once its speech and on-screen text are read)."""
        with self._write() as conn:
            self._insert_vectors(conn, video_id, [(clean_text(embedding.model_id), *encode_vector(embedding.vector))])

    @staticmethod
    def _insert_vectors(conn: sqlite3.Connection, video_id: int, vectors: list[tuple[str, int, bytes]]) -> None:
        for model_id, dim, blob in vectors:
            other = conn.execute("SELECT dim FROM embeddings WHERE model_id = ? LIMIT 1", (model_id,)).fetchone()
            if other is not None and other[0] != dim:
                raise ValueError(f"model {model_id!r} has dim {other[0]} in the library, got {dim}")
            conn.execute(
                "INSERT INTO embeddings (video_id, model_id, dim, dtype, vector) VALUES (?, ?, ?, 'float32', ?) "
                "ON CONFLICT DO UPDATE SET dim = excluded.dim, vector = excluded.vector",
                (video_id, model_id, dim, blob),
            )

    @staticmethod
    def _insert_edges(conn: sqlite3.Connection, video_id: int, edges: list[EntityRef]) -> None:
        for ref in edges:
            row = conn.execute(
                "SELECT id FROM entities WHERE kind = ? AND name = ? COLLATE NOCASE", (ref.kind, ref.name)
            ).fetchone()
            entity_id = row[0] if row is not None else conn.execute(
                "INSERT INTO entities (kind, name) VALUES (?, ?) RETURNING id", (ref.kind, ref.name)
            ).fetchone()[0]
            # The same person credited twice in one .nfo: keep the strongest edge.
            conn.execute(
                "INSERT INTO video_entities (video_id, entity_id, role, weight, extra) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET weight = max(weight, excluded.weight), "
                "extra = CASE WHEN extra = '' THEN excluded.extra ELSE extra END",
                (video_id, entity_id, ref.role, ref.weight, ref.extra),
            )


def _clean_edges(refs: Iterable[EntityRef]) -> list[EntityRef]:
    edges = []
    for ref in refs:
        if ref.kind not in ENTITY_KINDS:
            raise ValueError(f"unknown entity kind {ref.kind!r}; use one of {ENTITY_KINDS}")
        name = normalize_name(ref.name)
        if name:
            edges.append(EntityRef(ref.kind, name, clean_text(ref.role), float(ref.weight), clean_text(ref.extra)))
    return edges


def _drop_orphan_entities(conn: sqlite3.Connection, entity_ids: list[int]) -> None:
    """Entities no video points at any more (only those this call unlinked)."""
    conn.executemany(
        "DELETE FROM entities WHERE id = ? AND NOT EXISTS (SELECT 1 FROM video_entities WHERE entity_id = ?)",
        [(e, e) for e in set(entity_ids)],
    )


def _status_filter(status: str | None) -> tuple[str, tuple[str, ...]]:
    if status is None:
        return "", ()
    if status not in VIDEO_STATUSES:
        raise ValueError(f"unknown status {status!r}; use one of {VIDEO_STATUSES}")
    return "WHERE v.status = ?", (status,)


# A play of a known length counts as watched by pyrec.records.is_watched (the
# one rule), written out in SQL over watched seconds and the event's duration.
_WATCHED_PLAY_SQL = (f"i.kind = 'play' AND i.duration > 0 AND (i.watched_seconds >= {WATCHED_FRACTION!r} * i.duration OR "
                     f"(i.duration >= {LONG_VIDEO_SECONDS!r} AND i.duration - i.watched_seconds < {CREDITS_SECONDS!r}))")
_WATCHED_SQL = ("EXISTS (SELECT 1 FROM interactions i WHERE i.video_id = v.id AND i.profile_id = ? AND "
                f"(i.kind = 'watched' OR ({_WATCHED_PLAY_SQL})))")
_STARTED_SQL = ("EXISTS (SELECT 1 FROM interactions i WHERE i.video_id = v.id AND i.profile_id = ? AND "
                "i.kind = 'play' AND coalesce(i.watched_seconds, 0) > 0)")
WATCHED_STATES = ("watched", "in-progress", "unwatched")


def _filters(status: str | None, entity_id: int | None, label: str | None, entity_ids: Sequence[int] = (),
             watched: str | None = None, profile_id: int | None = None) -> tuple[str, tuple[object, ...]]:
    where, params = _status_filter(status)
    clauses = [where.removeprefix("WHERE ")] if where else []
    values: list[object] = list(params)
    for one in ([] if entity_id is None else [entity_id]) + list(entity_ids):
        clauses.append("EXISTS (SELECT 1 FROM video_entities ve WHERE ve.video_id = v.id AND ve.entity_id = ?)")
        values.append(int(one))
    if watched is not None:
        if watched not in WATCHED_STATES or profile_id is None:
            raise ValueError(f"watched takes one of {WATCHED_STATES} and needs a profile")
        if watched == "watched":
            clauses.append(_WATCHED_SQL)
            values.append(profile_id)
        elif watched == "in-progress":
            clauses.append(f"{_STARTED_SQL} AND NOT {_WATCHED_SQL}")
            values += [profile_id, profile_id]
        else:
            clauses.append(f"NOT {_STARTED_SQL} AND NOT {_WATCHED_SQL}")
            values += [profile_id, profile_id]
    if label is not None:
        clauses.append("EXISTS (SELECT 1 FROM labels l WHERE l.video_id = v.id AND l.name = ?)")
        values.append(label)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(values)


def _known(row: sqlite3.Row) -> KnownFile:
    return KnownFile(row["id"], row["path"], row["size"], row["mtime_ns"], row["quick_hash"], row["status"],
                     row["extracted"])


def _video(row: sqlite3.Row) -> VideoInfo:
    probe = None
    if None not in (row["duration"], row["fps"], row["width"], row["height"], row["codec"]):
        probe = MediaProbe(
            duration=row["duration"], fps=row["fps"], width=row["width"], height=row["height"],
            codec=row["codec"], rotation=row["rotation"] or 0, frame_count=row["frame_count"] or 0,
            playable=row["playable"],
        )
    text = TextInfo(
        title=row["title"], original_title=row["original_title"] or "", year=row["year"],
        season=row["season"], episode=row["episode"], plot=row["plot"], tagline=row["tagline"] or "",
        rating=row["rating"], media_type=row["media_type"], subtitles=row["subtitles"] or "",
        sources=decode_sources(row["sources"]),
    )
    return VideoInfo(
        id=row["id"],
        file=FileStat(row["path"], row["size"], row["mtime_ns"], row["quick_hash"]),
        probe=probe,
        status=row["status"],
        error=row["error"],
        added_at=row["added_at"],
        updated_at=row["updated_at"],
        text=text,
        stats=decode_stats(row["stats"]),
    )
