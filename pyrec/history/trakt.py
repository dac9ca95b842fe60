"""Trakt's JSON export (the files of its data export, or of its API):
history (each viewing with ``watched_at``), ratings (1–10, ``rated_at``),
watched totals (``plays``, ``last_watched_at``) and the watchlist.

PATH is one .json file or a folder of them; each file is a list whose
entries say what they are by their fields, so file names do not matter.
Trakt knows no file paths: its items are matched by external ids, then
title/year/season/episode. A watchlist entry is intent, not history: it is
reported, not imported (pyrec has no watchlist)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pyrec.history.records import HistorySourceError, SourceEvent, SourceItem, SourceRead
from pyrec.history.times import parse_utc

MAX_JSON_BYTES = 512 * 1024**2


def read_trakt(path: str | os.PathLike[str]) -> SourceRead:
    p = Path(path)
    files = sorted(f for f in p.rglob("*.json") if f.is_file()) if p.is_dir() else [p]
    if not files:
        raise HistorySourceError("no .json files here (unpack Trakt's export first)", p)
    read = SourceRead("trakt", str(p))
    with_history: set[str] = set()
    totals: list[tuple[SourceItem, dict[str, Any]]] = []
    for file in files:
        for entry in _entries(file):
            _read_entry(read, entry, with_history, totals, file)
    for item, entry in totals:  # totals only for what the history does not already tell
        if item.key not in with_history:
            when = parse_utc(entry.get("last_watched_at"))
            read.events.append(SourceEvent(item, "watched", when, f"{item.key}|plays|{entry.get('last_watched_at')}",
                                           value=float(_int(entry.get("plays")) or 1)))
    return read


def _entries(file: Path) -> Iterator[dict[str, Any]]:
    try:
        if file.stat().st_size > MAX_JSON_BYTES:
            raise HistorySourceError(f"larger than {MAX_JSON_BYTES >> 20} MiB: not a Trakt export", file)
        data = json.loads(file.read_bytes())
    except OSError as exc:
        raise HistorySourceError(f"cannot read the Trakt export: {exc.strerror or exc}", file) from exc
    except (ValueError, RecursionError) as exc:
        raise HistorySourceError(f"not valid JSON ({' '.join(str(exc).split())[:120]})", file) from exc
    if isinstance(data, dict):  # some tools wrap the lists: {"history": [...], "ratings": [...]}
        lists = [v for v in data.values() if isinstance(v, list)]
    elif isinstance(data, list):
        lists = [data]
    else:
        raise HistorySourceError("not a Trakt export (expected a list of entries)", file)
    for entries in lists:
        for entry in entries:
            if isinstance(entry, dict):
                yield entry


def _read_entry(read: SourceRead, entry: dict[str, Any], with_history: set[str],
                totals: list[tuple[SourceItem, dict[str, Any]]], file: Path) -> None:
    item = _item(entry)
    if item is None:
        kind = entry.get("type") or "entry"
        if "listed_at" not in entry:
            read.skipped.append(f"{file.name}: a {kind} rating or total is not about one video (skipped)")
        return
    if "listed_at" in entry:
        read.skipped.append(f"{item.label}: on the Trakt watchlist (pyrec has no watchlist; not imported)")
    elif "watched_at" in entry:
        when = parse_utc(entry.get("watched_at"))
        key = f"history|{entry['id']}" if entry.get("id") is not None else f"{item.key}|{entry.get('watched_at')}"
        read.events.append(SourceEvent(item, "watched", when, key, value=1.0))
        with_history.add(item.key)
    elif "rated_at" in entry and entry.get("rating") is not None:
        rating = _float(entry.get("rating"))
        if rating is not None and 0 < rating <= 10:
            read.events.append(SourceEvent(item, "rate", parse_utc(entry.get("rated_at")), f"{item.key}|rate",
                                           value=rating))
    elif "plays" in entry:
        totals.append((item, entry))


def _item(entry: Mapping[str, Any]) -> SourceItem | None:
    movie, episode, show = (entry.get(k) for k in ("movie", "episode", "show"))
    if isinstance(movie, dict):
        ids = _ids(movie.get("ids"))
        return SourceItem(key=_key("movie", movie), title=str(movie.get("title") or ""), year=_int(movie.get("year")),
                          ids=ids)
    if isinstance(episode, dict):
        series = show if isinstance(show, dict) else {}
        return SourceItem(key=_key("episode", episode), title=str(episode.get("title") or ""),
                          season=_int(episode.get("season")), episode=_int(episode.get("number")),
                          series=str(series.get("title") or ""), year=None, ids=_ids(episode.get("ids")))
    return None


def _key(kind: str, thing: Mapping[str, Any]) -> str:
    found = thing.get("ids")
    ids: Mapping[str, Any] = found if isinstance(found, dict) else {}
    for name in ("trakt", "imdb", "tmdb", "tvdb"):
        if ids.get(name):
            return f"{kind}:{name}:{ids[name]}"
    return f"{kind}:{thing.get('title')}:{thing.get('year') or ''}:{thing.get('season')}:{thing.get('number')}"


def _ids(ids: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(ids, dict):
        return ()
    return tuple((k, str(ids[k])) for k in ("imdb", "tmdb", "tvdb") if ids.get(k))


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _float(value: object) -> float | None:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None
