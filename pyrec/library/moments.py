"""Moments (timed text: chapters, subtitle cues) and the container's own
account of each video: written with the video's scan, read by ``show`` and
search."""

from __future__ import annotations

import json
import sqlite3

from pyrec.library.base import LibraryBase
from pyrec.library.codec import clean_text, fts_match
from pyrec.library.rows import VIDEO_STATUSES, MediaInfo, MomentHit, TrackRow
from pyrec.records import MOMENT_KINDS, MediaText, Moment, TrackLanguage

_MOMENT_COLUMNS = 'm.start, m."end", m.kind, m.text, m.language'


def insert_media(conn: sqlite3.Connection, video_id: int, media: MediaText | None) -> None:
    """The video's moments and container row (its old ones are already gone)."""
    if media is None:
        return
    info = media.container
    video = next(iter(info.of_kind("video")), None)
    streams = [{"index": s.index, "kind": s.kind, "codec": s.label, "title": s.title, "text_based": s.text_based,
                "cues": media.cue_counts.get(s.index, 0), **_languages(s.language, media.languages.get(s.index))}
               for s in info.streams]
    # Subtitle sidecars beside the video, listed with the tracks (negative indices: not streams).
    streams += [{"index": -n, "kind": "subtitle", "codec": f.label, "title": f.name, "text_based": True,
                 "cues": f.cues, **_languages(f.language.tagged, f.language)}
                for n, f in enumerate(media.subtitle_files, 1)]
    conn.execute(
        "INSERT INTO media_info (video_id, container, video_codec, tags, streams) VALUES (?, ?, ?, ?, ?)",
        (video_id, clean_text(info.label), clean_text(video.label if video else ""),
         json.dumps({clean_text(k): clean_text(v) for k, v in info.tags.items()}, ensure_ascii=False),
         json.dumps(streams, ensure_ascii=False)),
    )
    for m in media.moments:
        if m.kind not in MOMENT_KINDS:
            raise ValueError(f"unknown moment kind {m.kind!r}; use one of {MOMENT_KINDS}")
    conn.executemany(
        'INSERT INTO moments (video_id, start, "end", kind, text, language) VALUES (?, ?, ?, ?, ?, ?)',
        [(video_id, float(m.start), float(max(m.end, m.start)), m.kind, clean_text(m.text), clean_text(m.language))
         for m in media.moments if m.text.strip()],
    )


def _languages(tag: str, judged: TrackLanguage | None) -> dict[str, str]:
    """A stream's language as trusted, the tag it carries, and what its text reads as."""
    if judged is None:
        return {"language": tag, "tagged": tag, "detected": ""}
    return {"language": judged.language, "tagged": tag, "detected": judged.detected}


class MomentReads(LibraryBase):
    def moments(self, video_id: int, kind: str | None = None, *, limit: int | None = None,
                starting: tuple[float, float] | None = None) -> list[Moment]:
        """A video's moments in time order (chapters before lines at the same
        time); ``starting``: only those that start within (from, to) seconds."""
        where, params = ("AND m.kind = ?", (kind,)) if kind is not None else ("", ())
        if starting is not None:
            where, params = f"{where} AND m.start BETWEEN ? AND ?", (*params, float(starting[0]), float(starting[1]))
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_MOMENT_COLUMNS} FROM moments m WHERE m.video_id = ? {where} "
                "ORDER BY m.start, m.kind = 'subtitle', m.id LIMIT ?",
                (video_id, *params, -1 if limit is None else limit),
            ).fetchall()
        return [moment_row(r) for r in rows]

    def media_info(self, video_id: int) -> MediaInfo | None:
        """Format, codec labels, tags and streams; None for a video scanned
        before they were read (or one FFmpeg could not open)."""
        with self._read() as conn:
            row = conn.execute("SELECT container, video_codec, tags, streams FROM media_info WHERE video_id = ?",
                               (video_id,)).fetchone()
        if row is None:
            return None
        streams = tuple(TrackRow(int(s["index"]), str(s["kind"]), str(s["codec"]), str(s["language"]),
                                 str(s["title"]), bool(s["text_based"]), int(s["cues"]),
                                 str(s.get("tagged", s["language"])), str(s.get("detected", "")))
                        for s in json.loads(row["streams"]))
        return MediaInfo(row["container"], row["video_codec"], dict(json.loads(row["tags"])), streams)

    def moment_texts(self, kinds: tuple[str, ...] = ("subtitle", "speech", "screen_text"), *,
                     status: str = "ok", max_chars: int = 20_000) -> dict[int, str]:
        """Per video: the text of its moments of ``kinds`` in time order, the
        first ``max_chars`` of it (what a film is about shows early enough)."""
        for k in kinds:
            if k not in MOMENT_KINDS:
                raise ValueError(f"unknown moment kind {k!r}; use one of {MOMENT_KINDS}")
        marks = ", ".join("?" * len(kinds))
        with self._read() as conn:
            rows = conn.execute(
                "SELECT video_id, substr(group_concat(text, ' '), 1, ?) AS text FROM (SELECT m.video_id, m.text "
                f"FROM moments m JOIN videos v ON v.id = m.video_id WHERE v.status = ? AND m.kind IN ({marks}) "
                "ORDER BY m.video_id, m.start) GROUP BY video_id",
                (max_chars, status, *kinds),
            ).fetchall()
        return {int(r["video_id"]): str(r["text"]) for r in rows}

    def narration_credits(self, *, status: str = "ok") -> dict[int, str]:
        """Per documentary-like video (its genre tag says documentary, it has
        speech, or it sounds talky): the artist its container tags name, the
        voice of such a film."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT mi.video_id, json_extract(mi.tags, '$.artist') AS artist FROM media_info mi "
                "JOIN videos v ON v.id = mi.video_id WHERE v.status = ? AND artist IS NOT NULL AND ("
                "lower(coalesce(json_extract(mi.tags, '$.genre'), '')) LIKE '%documentar%' "
                "OR EXISTS (SELECT 1 FROM moments m WHERE m.video_id = mi.video_id AND m.kind = 'speech') "
                "OR EXISTS (SELECT 1 FROM video_entities ve JOIN entities e ON e.id = ve.entity_id "
                "WHERE ve.video_id = mi.video_id AND e.kind = 'sound' AND e.name = 'talky'))",
                (status,),
            ).fetchall()
        return {int(r["video_id"]): str(r["artist"]) for r in rows if str(r["artist"]).strip()}

    def search_moments(self, query: str, *, limit: int = 200, per_video: int = 3,
                       status: str | None = "ok") -> list[MomentHit]:
        """Moments whose text holds every word of ``query`` (the last one may be
        a prefix), best first, at most ``per_video`` of each video."""
        match = fts_match(query)
        if match is None:
            return []
        where, params = "", tuple[str, ...]()
        if status is not None:
            if status not in VIDEO_STATUSES:
                raise ValueError(f"unknown status {status!r}; use one of {VIDEO_STATUSES}")
            where, params = "AND v.status = ?", (status,)
        with self._read() as conn:
            # Each video's best few in SQL: a film whose every line matches
            # must not crowd the others out of the limit.
            rows = conn.execute(
                f"SELECT * FROM (SELECT m.video_id, {_MOMENT_COLUMNS}, s.rank AS rank, row_number() OVER "
                "(PARTITION BY m.video_id ORDER BY s.rank, m.start) AS nth FROM moment_search s "
                "JOIN moments m ON m.id = s.rowid JOIN videos v ON v.id = m.video_id "
                f"WHERE moment_search MATCH ? {where}) WHERE nth <= ? ORDER BY rank, start LIMIT ?",
                (match, *params, per_video, limit),
            ).fetchall()
        return [MomentHit(int(r["video_id"]), moment_row(r), -float(r["rank"])) for r in rows]


def moment_row(row: sqlite3.Row) -> Moment:
    return Moment(float(row["start"]), float(row["end"]), str(row["kind"]), str(row["text"]), str(row["language"]))
