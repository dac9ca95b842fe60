"""Plex Media Server's library (``com.plexapp.plugins.library.db``):
per account, view counts, last viewed, resume offsets and ratings
(``metadata_item_settings``), and each viewing with its own time
(``metadata_item_views``) where the server kept them.

Items are ``metadata_items`` (type 1 movie, 4 episode; an episode's parent
is its season, whose parent is the show); files are ``media_parts.file``
through ``media_items``; settings and views are keyed by the item's guid.
Offsets and durations are milliseconds; times are unix seconds (older
servers: 'YYYY-MM-DD HH:MM:SS' UTC)."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from pyrec.history.accounts import choose_account
from pyrec.history.records import SourceEvent, SourceItem, SourceRead
from pyrec.history.sqlite_source import columns, open_readonly, require
from pyrec.history.times import parse_utc

WHAT = "Plex"
DB_NAME = "com.plexapp.plugins.library.db"
MOVIE, EPISODE = 1, 4
_GUID_IDS = (("imdb", re.compile(r"(?:imdb://)(tt\d+)")), ("tmdb", re.compile(r"(?:themoviedb|tmdb)://(\d+)")),
             ("tvdb", re.compile(r"(?:thetvdb|tvdb)://(\d+)")))


def read_plex(path: str | os.PathLike[str], account: str | None = None) -> SourceRead:
    p = Path(path)
    db = p / DB_NAME if p.is_dir() else p
    with open_readonly(db, WHAT) as conn:
        require(conn, db, WHAT, {
            "metadata_items": ("id", "parent_id", "metadata_type", "guid", "title", "year", "index", "duration"),
            "media_items": ("id", "metadata_item_id"), "media_parts": ("media_item_id", "file", "size"),
            "metadata_item_settings": ("account_id", "guid", "rating", "view_offset", "view_count", "last_viewed_at"),
            "accounts": ("id", "name")}, " (a newer Plex Media Server?)")
        has_views = {"account_id", "guid", "viewed_at"} <= columns(conn, "metadata_item_views")
        users = {str(i): str(n) for i, n in conn.execute(
            "SELECT id, name FROM accounts WHERE id IN (SELECT account_id FROM metadata_item_settings "
            + ("UNION SELECT account_id FROM metadata_item_views" if has_views else "") + ")")}
        user = choose_account(users, account, db, WHAT)
        items = _items(conn)
        views = _views(conn, int(user)) if has_views else {}
        read = SourceRead("plex", str(db), users[user])
        for guid, rating, offset, count, last in conn.execute(
                "SELECT guid, rating, view_offset, view_count, last_viewed_at FROM metadata_item_settings "
                "WHERE account_id = ? ORDER BY guid", (int(user),)):
            found = items.get(str(guid))
            if found is None:
                read.skipped.append(f"{guid}: not a movie or episode with a file in this Plex library")
                continue
            item, duration = found
            when = parse_utc(last)
            seen = views.pop(str(guid), [])
            for at in seen:
                read.events.append(SourceEvent(item, "watched", at, f"{guid}|view|{at:.0f}", duration=duration))
            if not seen and int(count or 0) > 0:
                read.events.append(SourceEvent(item, "watched", when, f"{guid}|watched|{last or ''}",
                                               value=float(count), duration=duration))
            if offset and float(offset) > 0:
                read.events.append(SourceEvent(item, "play", when, f"{guid}|resume", position=float(offset) / 1000,
                                               duration=duration))
            if rating and float(rating) > 0:
                read.events.append(SourceEvent(item, "rate", when, f"{guid}|rate", value=float(rating)))
        for guid, seen in views.items():  # viewed, with no settings row left (e.g. after a reset)
            if guid in items:
                item, duration = items[guid]
                for at in seen:
                    read.events.append(SourceEvent(item, "watched", at, f"{guid}|view|{at:.0f}", duration=duration))
    return read


def _items(conn: sqlite3.Connection) -> dict[str, tuple[SourceItem, float | None]]:
    """guid -> (item, duration in seconds), movies and episodes with a file."""
    out: dict[str, tuple[SourceItem, float | None]] = {}
    # One join, first part of first media per item (a correlated subquery per
    # item would scan media tables once per film on a database without indexes).
    for guid, kind, title, year, index, duration, season, show, path, size in conn.execute(
            'SELECT m.guid, m.metadata_type, m.title, m.year, m."index", m.duration, s."index", sh.title, '
            "p.file, p.size FROM metadata_items m "
            "JOIN media_items mi ON mi.metadata_item_id = m.id JOIN media_parts p ON p.media_item_id = mi.id "
            "LEFT JOIN metadata_items s ON s.id = m.parent_id LEFT JOIN metadata_items sh ON sh.id = s.parent_id "
            "WHERE m.metadata_type IN (?, ?) ORDER BY m.id DESC, mi.id DESC, p.id DESC", (MOVIE, EPISODE)):
        if not guid or not path:
            continue
        episode = kind == EPISODE
        item = SourceItem(key=str(guid), path=str(path), title=str(title or ""), year=None if episode else _int(year),
                          season=_int(season) if episode else None, episode=_int(index) if episode else None,
                          series=str(show or "") if episode else "", ids=_ids(str(guid)),
                          size=_int(size))
        out[str(guid)] = (item, float(duration) / 1000 if duration else None)  # rows come last-first: first wins
    return out


def _views(conn: sqlite3.Connection, account: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for guid, viewed in conn.execute("SELECT guid, viewed_at FROM metadata_item_views WHERE account_id = ? "
                                     "ORDER BY viewed_at", (account,)):
        at = parse_utc(viewed)
        if at is not None and guid:
            out.setdefault(str(guid), []).append(at)
    return out


def _ids(guid: str) -> tuple[tuple[str, str], ...]:
    return tuple((kind, m.group(1)) for kind, pattern in _GUID_IDS if (m := pattern.search(guid)))


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
