"""Finding the library video a source item is about, most certain way first:

1. path, after ``OLD=NEW`` prefix remapping (another machine's mount point,
   a Windows drive, an ``smb://`` share);
2. content: the file the source names is readable here under another path:
   its quick hash (size + sampled blocks) finds the same bytes in the library;
   or the source recorded the file's size, and one library file has that
   name and exactly that size;
3. external ids (imdb/tmdb/tvdb) against those in the library videos' .nfo;
4. title + year for a film, show + season + episode for an episode.

More than one library video at any step is *ambiguous*, reported with the
candidates, never picked: a guess would put someone's history on the wrong
video. Nothing found is *unmatched*, with what was tried."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pyrec.history.nfo_state import ids_beside
from pyrec.history.records import SourceItem
from pyrec.scan.quickhash import quick_hash

MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
_WORDS = re.compile(r"[^\w]+")
_ARTICLE = re.compile(r"^(the|a|an) ")


class Candidate(Protocol):
    """A library video as matching sees it (pyrec.library.MatchCandidate)."""

    @property
    def id(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def quick_hash(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def year(self) -> int | None: ...
    @property
    def season(self) -> int | None: ...
    @property
    def episode(self) -> int | None: ...
    @property
    def series(self) -> str: ...


@dataclass(frozen=True)
class Match:
    status: str  # MATCHED, AMBIGUOUS or UNMATCHED
    video_id: int | None  # set when matched
    method: str  # "path", "hash", "name+size", "ids", "title", "episode"; "" when unmatched
    reason: str  # one line a person can act on


def parse_maps(specs: Iterable[str]) -> list[tuple[str, str]]:
    """``OLD=NEW`` prefix pairs (ValueError for a malformed one), longest OLD first."""
    pairs = []
    for spec in specs:
        old, sep, new = spec.partition("=")
        if not sep or not old:
            raise ValueError(f"--map needs OLD_PREFIX=NEW_PREFIX, got {spec!r}")
        pairs.append((old, new))
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def remap(path: str, maps: Sequence[tuple[str, str]]) -> str:
    """The path as it would be on this machine: first (longest) matching prefix replaced."""
    for old, new in maps:
        if path.startswith(old) or (_windows(old) and path.casefold().startswith(old.casefold())):
            rest = path[len(old):]
            if "\\" in old or _windows(old):
                rest = rest.replace("\\", "/")  # a Windows path's remainder, on a POSIX mount
            if rest and not new.endswith("/") and not rest.startswith("/"):
                rest = "/" + rest
            path = new + rest
            break
    if "://" in path:
        return path  # still a URL: nothing on this machine has that path
    return os.path.normpath(path)


def _windows(prefix: str) -> bool:
    return len(prefix) >= 2 and prefix[1] == ":"


def normal_title(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _ARTICLE.sub("", " ".join(_WORDS.sub(" ", plain).split()))


class Matcher:
    def __init__(self, candidates: Sequence[Candidate], maps: Sequence[tuple[str, str]] = (),
                 ids_of: Callable[[str], tuple[tuple[str, str], ...]] = ids_beside) -> None:
        self.maps = list(maps)
        self._by_path = {c.path: c for c in candidates}
        self._by_hash: dict[tuple[int, str], list[Candidate]] = defaultdict(list)
        self._by_name_size: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
        self._by_title: dict[str, list[Candidate]] = defaultdict(list)
        self._by_episode: dict[tuple[str, int, int], list[Candidate]] = defaultdict(list)
        for c in candidates:
            if c.quick_hash:
                self._by_hash[(c.size, c.quick_hash)].append(c)
            self._by_name_size[(os.path.basename(c.path).casefold(), c.size)].append(c)
            if c.title:
                self._by_title[normal_title(c.title)].append(c)
            if c.series and c.season is not None and c.episode is not None:
                self._by_episode[(normal_title(c.series), c.season, c.episode)].append(c)
        self._candidates = list(candidates)
        self._ids_of = ids_of
        self._by_id: dict[tuple[str, str], list[Candidate]] | None = None  # read from .nfo on first need
        self._cache: dict[str, Match] = {}

    def match(self, item: SourceItem) -> Match:
        found = self._cache.get(item.key)
        if found is None:
            found = self._cache[item.key] = self._match(item)
        return found

    def _match(self, item: SourceItem) -> Match:
        tried = []
        if item.path:
            local = remap(item.path, self.maps)
            hit = self._by_path.get(local) or self._by_path.get(item.path)
            if hit is not None:
                return Match(MATCHED, hit.id, "path", f"same path {local}")
            tried.append(f"no library video at {local}")
            found = self._by_content(item, local)
            if found is not None:
                return found
        if item.ids:
            found = self._by_external_ids(item)
            if found is not None:
                return found
            tried.append("no library .nfo with " + ", ".join(f"{k} {v}" for k, v in item.ids))
        found = self._by_titles(item)
        if found is not None:
            return found
        if item.title or item.series:
            tried.append(f"no library video titled {item.name!r}")
        return Match(UNMATCHED, None, "", "; ".join(tried) or "the source names no path, id or title")

    def _by_content(self, item: SourceItem, local: str) -> Match | None:
        if "://" not in local and os.path.isfile(local):
            try:
                size = os.path.getsize(local)
                digest = quick_hash(local, size)
            except OSError:
                digest = ""
            if digest:
                found = self._decide(self._by_hash.get((size, digest), []), "hash",
                                     f"same content as {local} (size and sampled blocks)")
                if found is not None:
                    return found
        if item.size:
            name = os.path.basename(local.replace("\\", "/")).casefold()
            return self._decide(self._by_name_size.get((name, item.size), []), "name+size",
                                f"same file name and exact size ({item.size} bytes)")
        return None

    def _by_external_ids(self, item: SourceItem) -> Match | None:
        if self._by_id is None:
            self._by_id = defaultdict(list)
            for c in self._candidates:
                for pair in self._ids_of(c.path):
                    self._by_id[pair].append(c)
        for kind, value in item.ids:
            found = self._decide(self._by_id.get((kind, value), []), "ids", f"{kind} id {value} in the video's .nfo")
            if found is not None:
                return found
        return None

    def _by_titles(self, item: SourceItem) -> Match | None:
        if item.series and item.season is not None and item.episode is not None:
            key = (normal_title(item.series), item.season, item.episode)
            return self._decide(self._by_episode.get(key, []), "episode",
                                f"{item.series} S{item.season:02d}E{item.episode:02d}")
        if not item.title:
            return None
        same = self._by_title.get(normal_title(item.title), [])
        if item.year is not None:
            exact = [c for c in same if c.year == item.year]
            same = exact or [c for c in same if c.year is None]
        return self._decide(same, "title", f"title {item.title!r}" + (f" and year {item.year}" if item.year else ""))

    @staticmethod
    def _decide(found: Sequence[Candidate], method: str, why: str) -> Match | None:
        unique = {c.id: c for c in found}
        if len(unique) == 1:
            return Match(MATCHED, next(iter(unique)), method, why)
        if len(unique) > 1:
            ids = ", ".join(str(i) for i in sorted(unique)[:5]) + (" …" if len(unique) > 5 else "")
            return Match(AMBIGUOUS, None, method, f"{len(unique)} library videos have {why} (ids {ids}); "
                                                  "none chosen")
        return None
