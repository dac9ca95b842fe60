"""Kodi's video database (``MyVideos<N>.db``, SQLite): play counts, last
played, resume points and user ratings, per file.

Tables as Kodi's VideoDatabase.cpp creates them (schema 75 onwards, Kodi
17–21+): ``files(idFile, idPath, strFilename, playCount, lastPlayed,
dateAdded)``, ``path(idPath, strPath)``, ``bookmark(idFile, timeInSeconds,
totalTimeInSeconds, type)`` where type 1 is the resume point,
``movie``/``episode(idFile, userrating, …)``, ``tvshow`` and ``uniqueid``.
Kodi writes times as local wall-clock 'YYYY-MM-DD HH:MM:SS'."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pyrec.history.records import HistorySourceError, SourceEvent, SourceItem, SourceRead
from pyrec.history.sqlite_source import columns, open_readonly, require
from pyrec.history.times import parse_local

WHAT = "Kodi"
KNOWN_VERSION = 131  # MyVideos131.db: Kodi 21; newer ones are read while the columns below are there
RESUME = 1  # CBookmark::RESUME
_YEAR = re.compile(r"^(\d{4})")
_NEEDED = {"files": ("idFile", "idPath", "strFilename", "playCount", "lastPlayed", "dateAdded"),
           "path": ("idPath", "strPath"),
           "bookmark": ("idFile", "timeInSeconds", "totalTimeInSeconds", "type")}


def find_database(path: str | os.PathLike[str]) -> Path:
    """The file itself, or the newest MyVideos*.db in a Kodi Database folder."""
    p = Path(path)
    if p.is_dir():
        found = sorted(p.glob("MyVideos*.db"), key=lambda f: _version_of(f.name))
        if not found:
            raise HistorySourceError("no MyVideos*.db in this folder (Kodi's userdata/Database)", p)
        return found[-1]
    return p


def _version_of(name: str) -> int:
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 0


def read_kodi(path: str | os.PathLike[str]) -> SourceRead:
    db = find_database(path)
    read = SourceRead("kodi", str(db))
    with open_readonly(db, WHAT) as conn:
        version = _schema_version(conn)
        hint = f" (MyVideos schema {version} is newer than {KNOWN_VERSION}, which this pyrec knows)" \
            if version > KNOWN_VERSION else ""
        require(conn, db, WHAT, _NEEDED, hint)
        items = _items(conn)
        resume = {int(r[0]): (float(r[1]), float(r[2] or 0) or None) for r in conn.execute(
            "SELECT idFile, timeInSeconds, totalTimeInSeconds FROM bookmark WHERE type = ? AND timeInSeconds > 0",
            (RESUME,))}
        for id_file, folder, name, play_count, last_played, added in conn.execute(
                "SELECT f.idFile, p.strPath, f.strFilename, f.playCount, f.lastPlayed, f.dateAdded "
                "FROM files f JOIN path p ON p.idPath = f.idPath ORDER BY f.idFile"):
            file_path = _full_path(str(folder or ""), str(name or ""))
            if not file_path:
                continue
            meta = items.get(int(id_file), _Meta())
            item = SourceItem(key=file_path, path=file_path, title=meta.title, year=meta.year, season=meta.season,
                              episode=meta.episode, series=meta.series, ids=meta.ids)
            last = parse_local(last_played)
            when = last if last is not None else parse_local(added)  # added: before any play, a lower bound
            count = int(play_count or 0)
            if count > 0:
                read.events.append(SourceEvent(item, "watched", when, f"{file_path}|watched|{last_played or ''}",
                                               value=float(count)))
            if int(id_file) in resume:
                position, total = resume[int(id_file)]
                read.events.append(SourceEvent(item, "play", when, f"{file_path}|resume", position=position,
                                               duration=total))
            if meta.rating:
                read.events.append(SourceEvent(item, "rate", when, f"{file_path}|rate", value=meta.rating))
    return read


def _schema_version(conn: sqlite3.Connection) -> int:
    if not columns(conn, "version"):
        return 0
    row = conn.execute("SELECT max(idVersion) FROM version").fetchone()
    return int(row[0] or 0)


def _full_path(folder: str, name: str) -> str:
    if name.startswith("stack://"):
        # "stack:///a/part1.avi , /a/part2.avi": the first part stands for the stack
        return name[len("stack://"):].split(" , ")[0].replace(",,", ",")
    if "://" in name or name.startswith("/"):
        return name  # a full path or URL stored as the file name (plugins, archives)
    return folder + name


@dataclass(frozen=True)
class _Meta:
    title: str = ""
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    series: str = ""
    rating: float | None = None
    ids: tuple[tuple[str, str], ...] = ()


def _items(conn: sqlite3.Connection) -> dict[int, _Meta]:
    """Title, year, season/episode, user rating and external ids per idFile."""
    out: dict[int, _Meta] = {}
    ids = _unique_ids(conn)
    movie = columns(conn, "movie")
    if {"idFile", "c00", "idMovie"} <= movie:
        rating = "userrating" if "userrating" in movie else "NULL"
        year = "premiered" if "premiered" in movie else "c07"
        for id_file, id_movie, title, when, user_rating in conn.execute(
                f"SELECT idFile, idMovie, c00, {year}, {rating} FROM movie"):
            out[int(id_file)] = _Meta(title=str(title or ""), year=_year(when), rating=_rating(user_rating),
                                      ids=tuple(ids.get(("movie", int(id_movie)), [])))
    episode = columns(conn, "episode")
    if {"idFile", "c00", "c12", "c13", "idShow", "idEpisode"} <= episode:
        rating = "e.userrating" if "userrating" in episode else "NULL"
        for id_file, id_episode, title, season, number, show, user_rating in conn.execute(
                f"SELECT e.idFile, e.idEpisode, e.c00, e.c12, e.c13, t.c00, {rating} FROM episode e "
                "LEFT JOIN tvshow t ON t.idShow = e.idShow"):
            out[int(id_file)] = _Meta(title=str(title or ""), season=_int(season), episode=_int(number),
                                      series=str(show or ""), rating=_rating(user_rating),
                                      ids=tuple(ids.get(("episode", int(id_episode)), [])))
    return out


def _unique_ids(conn: sqlite3.Connection) -> dict[tuple[str, int], list[tuple[str, str]]]:
    out: dict[tuple[str, int], list[tuple[str, str]]] = {}
    if {"media_id", "media_type", "value", "type"} <= columns(conn, "uniqueid"):
        for media_id, media_type, value, kind in conn.execute(
                "SELECT media_id, media_type, value, type FROM uniqueid"):
            if value:
                out.setdefault((str(media_type), int(media_id)), []).append((str(kind).casefold(), str(value)))
    return out


def _year(text: object) -> int | None:
    m = _YEAR.match(str(text or ""))
    return int(m.group(1)) if m and int(m.group(1)) > 1800 else None


def _rating(value: object) -> float | None:
    try:
        rating = float(str(value))
    except (TypeError, ValueError):
        return None
    return rating if 0 < rating <= 10 else None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
