"""Jellyfin's user data: played, play count, last played, resume position,
favourite and rating, per user and item, from both database layouts:

- 10.11 onwards (EF Core), ``jellyfin.db``: ``UserData(ItemId, UserId,
  PlayCount, Played, LastPlayedDate, PlaybackPositionTicks, IsFavorite,
  Rating)`` keyed to ``BaseItems(Id, Path, Name, ProductionYear, …)``,
  ``Users(Id, Username)``, external ids in ``BaseItemProviders``.
- 10.8–10.10, ``library.db``: ``UserDatas(key, userId, played, playCount,
  lastPlayedDate, playbackPositionTicks, isFavorite, rating)`` keyed through
  ``UserDataKeys(ItemId, UserDataKey, Priority)`` to ``TypedBaseItems(guid,
  Path, Name, …)``; user names in ``jellyfin.db`` ``Users(Id, Username,
  InternalId)`` beside it.

PATH is either file or Jellyfin's data folder. Positions are .NET ticks
(10 000 000 a second); times are UTC."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pyrec.history.accounts import choose_account
from pyrec.history.records import HistorySourceError, SourceEvent, SourceItem, SourceRead
from pyrec.history.sqlite_source import columns, open_readonly, require
from pyrec.history.times import parse_utc

WHAT = "Jellyfin"
TICKS = 10_000_000
_ITEM_COLUMNS = ("Path", "Name", "ProductionYear", "IndexNumber", "ParentIndexNumber", "SeriesName", "RunTimeTicks",
                 "DateCreated")
_PROVIDERS = {"imdb": "imdb", "tmdb": "tmdb", "tvdb": "tvdb"}


def read_jellyfin(path: str | os.PathLike[str], account: str | None = None) -> SourceRead:
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    new, old = folder / "jellyfin.db", folder / "library.db"
    if p.is_file() and p.name != "jellyfin.db" or (p.is_dir() and old.is_file() and not _has_user_data(new)):
        return _read_legacy(p if p.is_file() else old, new, account)
    return _read_current(p if p.is_file() else new, account)


def _has_user_data(db: Path) -> bool:
    if not db.is_file():
        return False
    with open_readonly(db, WHAT) as conn:
        return bool(columns(conn, "UserData"))


def _read_current(db: Path, account: str | None) -> SourceRead:
    with open_readonly(db, WHAT) as conn:
        if not columns(conn, "UserData") and columns(conn, "Users"):
            raise HistorySourceError("this jellyfin.db is from 10.10 or older: its history is in library.db "
                                     "beside it (give the folder or library.db)", db)
        require(conn, db, WHAT, {
            "UserData": ("ItemId", "UserId", "PlayCount", "Played", "LastPlayedDate", "PlaybackPositionTicks",
                         "IsFavorite", "Rating"),
            "BaseItems": ("Id", *_ITEM_COLUMNS), "Users": ("Id", "Username")}, " (a newer Jellyfin?)")
        users = _accounts(conn, "SELECT DISTINCT u.Id, u.Username FROM Users u JOIN UserData d ON d.UserId = u.Id")
        user = choose_account(users, account, db, WHAT)
        providers = _providers(conn)
        rows = conn.execute(
            f"SELECT b.Id, {', '.join('b.' + c for c in _ITEM_COLUMNS)}, d.PlayCount, d.Played, d.LastPlayedDate, "
            "d.PlaybackPositionTicks, d.IsFavorite, d.Rating FROM UserData d JOIN BaseItems b ON b.Id = d.ItemId "
            "WHERE d.UserId = ? ORDER BY b.Id", (user,))
        read = SourceRead("jellyfin", str(db), users[user])
        _events(read, rows, providers)
    return read


def _read_legacy(db: Path, users_db: Path, account: str | None) -> SourceRead:
    names: dict[str, str] = {}
    if users_db.is_file():
        with open_readonly(users_db, WHAT) as conn:
            if {"InternalId", "Username"} <= columns(conn, "Users"):
                names = {str(i): str(n) for i, n in conn.execute("SELECT InternalId, Username FROM Users")}
    with open_readonly(db, WHAT) as conn:
        require(conn, db, WHAT, {
            "UserDatas": ("key", "userId", "played", "playCount", "lastPlayedDate", "playbackPositionTicks",
                          "isFavorite", "rating"),
            "TypedBaseItems": ("guid", *_ITEM_COLUMNS)}, " (not a Jellyfin 10.8–10.10 library.db)")
        with_history = {str(u): names.get(str(u), f"user {u}")
                        for (u,) in conn.execute("SELECT DISTINCT userId FROM UserDatas")}
        user = choose_account(with_history, account, db, WHAT)
        if columns(conn, "UserDataKeys"):
            link = ("JOIN UserDataKeys k ON k.UserDataKey = d.key "
                    "AND k.Priority = (SELECT min(Priority) FROM UserDataKeys WHERE UserDataKey = d.key) "
                    "JOIN TypedBaseItems b ON b.guid = k.ItemId")
        elif "UserDataKey" in columns(conn, "TypedBaseItems"):
            link = "JOIN TypedBaseItems b ON b.UserDataKey = d.key"
        else:
            raise HistorySourceError("unknown Jellyfin schema: no way from UserDatas to items "
                                     "(neither UserDataKeys nor TypedBaseItems.UserDataKey)", db)
        rows = conn.execute(
            f"SELECT hex(b.guid), {', '.join('b.' + c for c in _ITEM_COLUMNS)}, d.playCount, d.played, "
            f"d.lastPlayedDate, d.playbackPositionTicks, d.isFavorite, d.rating FROM UserDatas d {link} "
            "WHERE d.userId = ? AND b.Path IS NOT NULL ORDER BY b.guid", (int(user) if user.isdigit() else user,))
        read = SourceRead("jellyfin", str(db), with_history[user])
        providers = {str(g): ids for g, ids in _legacy_providers(conn)}
        _events(read, rows, providers)
    return read


def _accounts(conn: sqlite3.Connection, sql: str) -> dict[str, str]:
    return {str(i): str(n) for i, n in conn.execute(sql)}


def _providers(conn: sqlite3.Connection) -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, list[tuple[str, str]]] = {}
    if {"ItemId", "ProviderId", "ProviderValue"} <= columns(conn, "BaseItemProviders"):
        for item, provider, value in conn.execute("SELECT ItemId, ProviderId, ProviderValue FROM BaseItemProviders"):
            kind = _PROVIDERS.get(str(provider).casefold())
            if kind and value:
                out.setdefault(str(item), []).append((kind, str(value)))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _legacy_providers(conn: sqlite3.Connection) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    """TypedBaseItems.ProviderIds: 'Imdb=tt0099810|Tmdb=1669'."""
    if "ProviderIds" not in columns(conn, "TypedBaseItems"):
        return
    for guid, text in conn.execute("SELECT hex(guid), ProviderIds FROM TypedBaseItems WHERE ProviderIds <> ''"):
        pairs = []
        for part in str(text or "").split("|"):
            name, _, value = part.partition("=")
            kind = _PROVIDERS.get(name.strip().casefold())
            if kind and value.strip():
                pairs.append((kind, value.strip()))
        yield str(guid), tuple(sorted(pairs))


def _events(read: SourceRead, rows: Iterator[tuple[object, ...]] | sqlite3.Cursor,
            providers: dict[str, tuple[tuple[str, str], ...]]) -> None:
    for (item_id, path, name, year, index, parent, series, ticks, created,
         count, played, last, position, favourite, rating) in rows:
        key = str(item_id)
        item = SourceItem(key=key, path=str(path or ""), title=str(name or ""), year=_int(year),
                          season=_int(parent) if series else None, episode=_int(index) if series else None,
                          series=str(series or ""), ids=providers.get(key, ()))
        duration = float(ticks) / TICKS if isinstance(ticks, (int, float)) and ticks else None
        when = parse_utc(last) or parse_utc(created)  # created: before any play, a lower bound
        plays = _int(count) or 0
        if played or plays:
            read.events.append(SourceEvent(item, "watched", when, f"{key}|watched|{last or ''}",
                                           value=float(max(plays, 1)), duration=duration))
        if isinstance(position, (int, float)) and position > 0:
            read.events.append(SourceEvent(item, "play", when, f"{key}|resume", position=float(position) / TICKS,
                                           duration=duration))
        if favourite:
            read.events.append(SourceEvent(item, "like", when, f"{key}|favourite"))
        if isinstance(rating, (int, float)) and rating > 0:
            read.events.append(SourceEvent(item, "rate", when, f"{key}|rate", value=float(rating)))


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
