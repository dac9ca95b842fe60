"""Kodi/Jellyfin .nfo sidecars (movie, tvshow, episodedetails, musicvideo).

Hostile XML is refused, never expanded: no DTDs, so no entity bombs and no
external entities (nothing is ever fetched from disk or network). Non-XML
.nfo files (a bare IMDb URL, a release group's ASCII art) are tolerated and
say nothing; malformed XML is a SidecarError.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pyrec.errors import SidecarError
from pyrec.records import EntityRef, TextInfo
from pyrec.scan.subtitles import decode_text, read_sidecar_bytes

MAX_NFO_BYTES = 2 * 1024 * 1024
_MAX_PER_KIND = 300  # entities of one kind from one file: a cap against junk
_MAX_NAME = 300
_MAX_PLOT = 20_000

_MEDIA_TYPES = {"movie": "movie", "episodedetails": "episode", "musicvideo": "musicvideo", "tvshow": ""}
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ROOT_TAG = re.compile(r"<\s*([A-Za-z_][\w.-]*)")
_LIST_SPLIT = re.compile(r"\s*[/|;,]\s*")
_SLASH_SPLIT = re.compile(r"\s+/\s+")
_CREDIT = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")  # "Name (Screenplay)"
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+(?:[.,]\d+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Jellyfin lists crew as <actor> with a <type>.
_PERSON_TYPES = {"actor": "actor", "gueststar": "actor", "director": "director", "writer": "writer",
                 "producer": "producer", "creator": "creator"}


def find_nfo(video_path: str | os.PathLike[str]) -> list[str]:
    """The .nfo files describing a video, most general first, so a caller that
    merges them in order lets the most specific one win:
    ``../tvshow.nfo``, ``tvshow.nfo``, ``movie.nfo``, then ``<stem>.nfo``.
    Names match case-insensitively; only regular files are returned."""
    video = Path(video_path)
    folder = video.parent
    candidates = [
        _match(folder.parent, "tvshow.nfo") if folder.parent != folder else None,
        _match(folder, "tvshow.nfo"),
        _match(folder, "movie.nfo"),
        _match(folder, video.stem + ".nfo"),
    ]
    found: list[str] = []
    for path in candidates:
        if path is not None and path not in found:
            found.append(path)
    return found


def _match(folder: Path, name: str) -> str | None:
    exact = folder / name
    if exact.is_file():
        return str(exact)
    wanted = name.casefold()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.casefold() == wanted and entry.is_file():
                    return entry.path
    except OSError:
        pass
    return None


def parse_nfo(path: str | os.PathLike[str]) -> tuple[TextInfo, list[EntityRef]]:
    """Text fields and graph edges from one .nfo file."""
    data = read_sidecar_bytes(path, MAX_NFO_BYTES)
    declared = _DECLARED.match(data)
    text = decode_text(data, path, declared.group(1).decode("ascii") if declared else None)
    return parse_nfo_text(text, path)


def read_nfo_root(path: str | os.PathLike[str]) -> Element | None:
    """The root element of one .nfo file, parsed as safely as parse_nfo does
    (None for a non-XML .nfo); raises only SidecarError."""
    data = read_sidecar_bytes(path, MAX_NFO_BYTES)
    declared = _DECLARED.match(data)
    return nfo_root(decode_text(data, path, declared.group(1).decode("ascii") if declared else None), path)


def nfo_root(text: str, path: str | os.PathLike[str]) -> Element | None:
    body = _DECLARATION.sub("", text, count=1).lstrip("\ufeff \t\r\n")
    return _parse_xml(body, path) if body.startswith("<") else None


def parse_nfo_text(text: str, path: str | os.PathLike[str]) -> tuple[TextInfo, list[EntityRef]]:
    """parse_nfo for already decoded text; raises only SidecarError."""
    root = nfo_root(text, path)
    if root is None:
        return TextInfo(), []  # a URL-only or ASCII-art .nfo: nothing to learn
    kind = root.tag.casefold() if isinstance(root.tag, str) else ""
    if kind not in _MEDIA_TYPES:
        return TextInfo(), []
    return _read(root, kind, str(path))


def _parse_xml(body: str, path: str | os.PathLike[str]) -> Element:
    body = _SURROGATE.sub("\ufffd", body)  # expat takes only valid UTF-8
    try:
        try:
            return _fromstring(body)
        except ParseError:
            # Kodi allows trailing text (a scraper URL) and multi-episode files
            # with several roots: then the first root element alone must parse.
            end = _end_of_first_root(body)
            if end is None or not body[end:].strip():
                raise
        return _fromstring(body[:end])
    except ParseError as exc:
        raise SidecarError(f"malformed XML ({_reason(exc)})", path) from exc
    except DefusedXmlException as exc:
        raise _hostile(exc, path) from exc


def _fromstring(body: str) -> Element:
    try:
        root: Element = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        return root
    except DefusedXmlException:  # a ValueError too, but hostile rather than broken
        raise
    except (ValueError, RecursionError) as exc:  # odd input expat refuses outright
        raise ParseError(str(exc)) from exc


def _hostile(exc: DefusedXmlException, path: str | os.PathLike[str]) -> SidecarError:
    return SidecarError(
        f"refused: the XML declares a DTD or entities ({type(exc).__name__}), "
        "which .nfo files never need and XML bombs and external-entity attacks use",
        path,
    )


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _end_of_first_root(body: str) -> int | None:
    match = _ROOT_TAG.search(body)
    if match is None:
        return None
    close = re.search(rf"</\s*{re.escape(match.group(1))}\s*>", body)
    return close.end() if close else None


# ---- reading the tree -----------------------------------------------------

def _read(root: Element, kind: str, source: str) -> tuple[TextInfo, list[EntityRef]]:
    fields = _Fields(root)
    refs: list[EntityRef] = []
    for genre in fields.split_all("genre", _LIST_SPLIT):
        refs.append(EntityRef("genre", genre))
    for tag in fields.split_all("tag", _SLASH_SPLIT):
        refs.append(EntityRef("tag", tag))
    for studio in fields.split_all("studio", _SLASH_SPLIT):
        refs.append(EntityRef("studio", studio))
    for director in fields.split_all("director", _SLASH_SPLIT):
        refs.append(EntityRef("person", director, "director"))
    for writer in [*fields.split_all("credits", _SLASH_SPLIT), *fields.split_all("writer", _SLASH_SPLIT)]:
        name, note = _credit(writer)
        refs.append(EntityRef("person", name, "writer", extra=note))
    for producer in fields.split_all("producer", _SLASH_SPLIT):
        refs.append(EntityRef("person", producer, "producer"))
    refs += _actors(root)
    for collection in _sets(root):
        refs.append(EntityRef("collection", collection))
    if kind == "musicvideo":
        refs += [EntityRef("person", a, "creator") for a in fields.split_all("artist", _SLASH_SPLIT)]
        refs += [EntityRef("collection", a) for a in fields.all("album")]

    title = fields.one("title")
    series = fields.one("showtitle") or (title if kind == "tvshow" else "")
    if series:
        refs.append(EntityRef("series", series))
    plot = (fields.one("plot", _MAX_PLOT) or fields.one("outline", _MAX_PLOT))
    if kind == "tvshow":
        # A show's file describes the series, not this episode: its title
        # became the series node, its plot is a fallback for the episode's.
        return TextInfo(plot=plot, sources=(source,)), _capped(refs)
    original = fields.one("originaltitle")
    info = TextInfo(
        title=title,
        original_title=original if original.casefold() != title.casefold() else "",
        year=_year(fields.one("year")) or _year(fields.one("premiered")) or _year(fields.one("aired"))
        or _year(fields.one("releasedate")),
        season=_count(fields.one("season")) if kind == "episodedetails" else None,
        episode=_count(fields.one("episode")) if kind == "episodedetails" else None,
        plot=plot,
        tagline=fields.one("tagline"),
        rating=_rating(root),
        media_type=_MEDIA_TYPES[kind],
        sources=(source,),
    )
    return info, _capped(refs)


class _Fields:
    """Direct children by lower-case tag; Kodi writes lower case, people don't always."""

    def __init__(self, root: Element) -> None:
        self._by_tag: dict[str, list[Element]] = {}
        for child in root:
            if isinstance(child.tag, str):
                self._by_tag.setdefault(child.tag.casefold(), []).append(child)

    def all(self, tag: str, limit: int = _MAX_NAME) -> list[str]:
        values = (_text(e, limit) for e in self._by_tag.get(tag, []))
        return [v for v in values if v]

    def one(self, tag: str, limit: int = _MAX_NAME) -> str:
        values = self.all(tag, limit)
        return values[0] if values else ""

    def split_all(self, tag: str, separator: re.Pattern[str]) -> list[str]:
        return [part for value in self.all(tag) for part in separator.split(value) if part]


def _text(element: Element, limit: int) -> str:
    return " ".join(_SURROGATE.sub("\ufffd", "".join(element.itertext())).split())[:limit]


def _actors(root: Element) -> list[EntityRef]:
    refs = []
    for position, actor in enumerate(_children(root, "actor")):
        fields = _Fields(actor)
        name = fields.one("name") or (_text(actor, _MAX_NAME) if len(actor) == 0 else "")
        kind = fields.one("type").casefold().replace(" ", "")
        role = _PERSON_TYPES.get(kind) if kind else "actor"
        if not name or role is None:
            continue  # e.g. a Jellyfin <type>Composer</type>
        order = _count(fields.one("order"))
        rank = min(position if order is None else order, 1000)
        # Billing order → weight: the lead 1.0, tenth billed ~0.27, never below 0.1.
        weight = max(0.1, round(1.0 / (1.0 + 0.3 * rank), 4))
        refs.append(EntityRef("person", name, role, weight, fields.one("role") if role == "actor" else ""))
    return refs


def _children(element: Element, tag: str) -> list[Element]:
    return [e for e in element if isinstance(e.tag, str) and e.tag.casefold() == tag]


def _sets(root: Element) -> list[str]:
    names = []
    for element in _children(root, "set"):
        inner = _Fields(element).one("name")
        names.append(inner or (_text(element, _MAX_NAME) if len(element) == 0 else ""))
    return [n for n in names if n]


def _credit(value: str) -> tuple[str, str]:
    """("Name", "Screenplay") from "Name (Screenplay)"."""
    match = _CREDIT.match(value)
    return (match.group(1), match.group(2)) if match and match.group(1) else (value, "")


def _capped(refs: list[EntityRef]) -> list[EntityRef]:
    per_kind: dict[str, int] = {}
    kept = []
    for ref in refs:
        per_kind[ref.kind] = per_kind.get(ref.kind, 0) + 1
        if per_kind[ref.kind] <= _MAX_PER_KIND and ref.name:
            kept.append(ref)
    return kept


def _rating(root: Element) -> float | None:
    """A 0..10 rating: the default one in <ratings>, else the first, else <rating>."""
    ratings = [r for group in _children(root, "ratings") for r in _children(group, "rating")]
    ratings.sort(key=lambda e: str(e.get("default", "")).casefold() != "true")
    for element in ratings:
        value = _float(_Fields(element).one("value"))
        scale = _float(element.get("max") or "10")
        if value is not None and scale:
            return _clamp_rating(value * 10.0 / scale)
    for element in _children(root, "rating"):
        if len(element) == 0:
            return _clamp_rating(_float(_text(element, 50)))
    return None


def _clamp_rating(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or value < 0 or value > 10:
        return None
    return round(value, 3)


def _float(text: str) -> float | None:
    match = _FLOAT.search(text or "")
    return float(match.group(0).replace(",", ".")) if match else None


def _count(text: str) -> int | None:
    """Season/episode/order: Kodi writes -1 for unknown."""
    match = _INT.search(text or "")
    if match is None or len(match.group(0)) > 7:
        return None
    value = int(match.group(0))
    return value if value >= 0 else None


def _year(text: str) -> int | None:
    match = re.search(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)", text or "")
    return int(match.group(1)) if match else None
