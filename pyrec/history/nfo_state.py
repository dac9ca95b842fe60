"""What a Kodi/Jellyfin .nfo sidecar says about watching (``<playcount>``,
``<lastplayed>``, ``<userrating>``, ``<resume><position>``) and which
external ids it carries (``<uniqueid type="imdb">``, ``<imdbid>``, …).
Parsed as safely as the scan parses .nfo (no DTDs, no entities)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from pyrec.errors import SidecarError
from pyrec.scan.nfo import find_nfo, read_nfo_root

ID_KINDS = ("imdb", "tmdb", "tvdb")
_IMDB = re.compile(r"\btt\d{5,10}\b")


@dataclass(frozen=True)
class NfoState:
    path: str  # the .nfo file
    root: str  # its root tag: movie, episodedetails, …
    title: str
    year: int | None
    season: int | None
    episode: int | None
    play_count: int
    last_played: str  # as written, "" when absent
    user_rating: float | None
    resume: float | None  # seconds
    total: float | None  # seconds, the length <resume> was measured against
    ids: tuple[tuple[str, str], ...]


def read_state(nfo_path: str | os.PathLike[str]) -> NfoState | None:
    """The played state of one .nfo, None for a non-XML one; SidecarError
    naming the file when it is malformed or hostile."""
    root = read_nfo_root(nfo_path)
    if root is None:
        return None
    return NfoState(path=os.fspath(nfo_path), root=str(root.tag).casefold(), title=_text(root, "title"),
                    year=_int(_text(root, "year")), season=_int(_text(root, "season")),
                    episode=_int(_text(root, "episode")), play_count=_int(_text(root, "playcount")) or 0,
                    last_played=_text(root, "lastplayed"), user_rating=_float(_text(root, "userrating")),
                    resume=_float(_text(root, "resume/position")), total=_float(_text(root, "resume/total")),
                    ids=external_ids(root))


def external_ids(root: Element) -> tuple[tuple[str, str], ...]:
    """(kind, value) pairs, kinds among ID_KINDS, first mention wins."""
    found: dict[str, str] = {}
    for el in root.findall("uniqueid"):
        kind = (el.get("type") or "").casefold()
        if kind in ID_KINDS and (el.text or "").strip():
            found.setdefault(kind, el.text.strip())  # type: ignore[union-attr]
    for kind in ID_KINDS:
        value = _text(root, f"{kind}id") or _text(root, f"{kind}")
        if value:
            found.setdefault(kind, value)
    if "imdb" not in found:
        m = _IMDB.search(_text(root, "id"))
        if m:
            found["imdb"] = m.group(0)
    return tuple(sorted(found.items()))


def ids_beside(video_path: str) -> tuple[tuple[str, str], ...]:
    """External ids in the most specific .nfo describing a video (none when
    it has none or it cannot be read: matching then falls back to titles)."""
    for nfo in reversed(find_nfo(video_path)):
        if os.path.basename(nfo).casefold() == "tvshow.nfo":
            continue  # a show's ids are not an episode's
        try:
            root = read_nfo_root(nfo)
        except SidecarError:
            continue
        if root is not None:
            ids = external_ids(root)
            if ids:
                return ids
    return ()


def _text(root: Element, path: str) -> str:
    el = root.find(path)
    return " ".join((el.text or "").split()) if el is not None else ""


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _float(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
