"""What a file's name and folders say about it: title, year, season/episode,
series, and folder/collection nodes for the graph. Pure functions, no I/O."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from guessit import guessit

from pyrec.records import EntityRef, TextInfo

# Phone/camera names ("IMG_1234.MOV", "PXL_20230101_…") guessit reads as
# release names, turning 1234 into season 12 episode 34.
_CAMERA = re.compile(
    r"^(img|vid|mov|mvi|dsc[fn]?|pxl|gopr|g[phx]\d\d|dji|mah|cimg|sam|wp|pano|video|screen[ _-]?recording"
    r"|screenrecorder|signal|whatsapp video)[-_ ]?\d|^\d{8}[-_ ]\d{4,}",
    re.IGNORECASE,
)
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
# Folder names that group files by structure, not by meaning.
_GENERIC_FOLDER = re.compile(
    r"^(season|series|staffel|saison|temporada|stagione|disc|disk|cd|dvd|part|vol(ume)?)[ ._-]*\d+$"
    r"|^s\d{1,2}$|^(specials?|extras?|featurettes?|behind the scenes|deleted scenes|interviews|trailers?"
    r"|samples?|subs|subtitles|video_ts|bdmv|stream|dcim|\d{3}[a-z]{4,5}|camera|new folder)$",
    re.IGNORECASE,
)
# "Alien (1979)" or "Alien [1979]": a folder holding one film, not a collection.
_TITLE_YEAR_FOLDER = re.compile(r"[(\[]\s*(19|20)\d\d\s*[)\]]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_TITLE = 300


def parse_name(path: str | os.PathLike[str]) -> TextInfo:
    """Title, year, season/episode and media type ('movie', 'episode', 'clip')
    guessed from the file name (and, for episodes, the folders above it)."""
    p = PurePath(os.fspath(path))
    stem = _tidy(p.stem if p.suffix else p.name)
    if _CAMERA.search(p.name):
        return TextInfo(title=stem, year=_date_year(p.name), media_type="clip", sources=(str(p),))
    guess = _guess(p.name)
    if _is_episode(guess):
        # The series is often only in the folders: "Breaking Bad/Season 1/01 - Pilot.mkv".
        wide = _guess(str(PurePath(*p.parts[-3:])))
        if not _is_episode(wide):
            wide = {}
        series = _text(wide.get("title"))
        if series and series.casefold() != _text(guess.get("title")).casefold():
            episode_title = _text(wide.get("episode_title")) or _text(guess.get("title"))
        else:
            series = _text(guess.get("title")) or series
            episode_title = _text(guess.get("episode_title"))
        return TextInfo(
            title=episode_title or series or stem,
            year=_year(guess.get("year")),
            season=_first_number(guess.get("season"), wide.get("season")),
            episode=_first_number(guess.get("episode"), wide.get("episode")),
            media_type="episode",
            series=series,
            sources=(str(p),),
        )
    title = _text(guess.get("title")) or stem
    date = guess.get("date")
    if date is not None and hasattr(date, "year"):  # "Some Home Video 2019-07-04"
        return TextInfo(title=title, year=_year(date.year), media_type="clip", sources=(str(p),))
    return TextInfo(title=title, year=_year(guess.get("year")), media_type="movie", sources=(str(p),))


def series_entities(text: TextInfo) -> list[EntityRef]:
    """The series node for an episode whose series parse_name recognised."""
    return [EntityRef(kind="series", name=text.series)] if text.series else []


def folder_entities(
    path: str | os.PathLike[str], roots: Iterable[str | os.PathLike[str]], exclude: Iterable[str] = ()
) -> list[EntityRef]:
    """Graph nodes from the folders between a scan root and the file.

    - kind 'folder': the containing folder, relative to its root ("Holidays/2019
      Spain"), so files side by side are linked even if the name is generic.
    - kind 'collection': each meaningful folder name on the way ("Holidays",
      "2019 Spain"), nearer folders weighing more. Structural names (Season 2,
      Extras, DCIM), per-film folders ("Alien (1979)") and names in ``exclude``
      (say the series or title, already nodes of their own) are skipped."""
    p = PurePath(os.fspath(path))
    root = _deepest_root(p, roots)
    if root is None:
        return []
    folders = p.relative_to(root).parts[:-1]
    if not folders:
        return []
    skip = {_tidy(x).casefold() for x in exclude}
    relative = "/".join(name for name in (_tidy(f) for f in folders) if name)
    refs = [EntityRef(kind="folder", name=relative)] if relative else []
    for depth, folder in enumerate(reversed(folders)):
        name = _tidy(folder)
        if not name or _GENERIC_FOLDER.match(name) or _TITLE_YEAR_FOLDER.search(name) or name.casefold() in skip:
            continue
        refs.append(EntityRef(kind="collection", name=name, weight=round(0.8**depth, 4)))
    return refs


def _deepest_root(path: PurePath, roots: Iterable[str | os.PathLike[str]]) -> PurePath | None:
    best: PurePath | None = None
    for root in roots:
        r = PurePath(os.fspath(root))
        if path.is_relative_to(r) and path != r and (best is None or len(r.parts) > len(best.parts)):
            best = r
    return best


def _guess(name: str) -> dict[str, Any]:
    try:
        return dict(guessit(name))
    except Exception:  # guessit is heuristic; a name it chokes on is still a file
        return {}


def _is_episode(guess: dict[str, Any]) -> bool:
    return guess.get("type") == "episode" and (guess.get("season") is not None or guess.get("episode") is not None)


def _text(value: object) -> str:
    if isinstance(value, list):  # guessit returns lists for ambiguous fields
        value = value[0] if value else ""
    return _tidy(str(value)) if value is not None else ""


def _tidy(name: str) -> str:
    """One line of valid text: lone surrogates from undecodable names become U+FFFD."""
    return " ".join(_SURROGATE.sub("\ufffd", name).split())[:_MAX_TITLE]


def _number(value: object) -> int | None:
    if isinstance(value, list):  # S01E01E02: the first episode names the file
        value = value[0] if value else None
    return value if isinstance(value, int) and 0 <= value < 100_000 else None


def _first_number(*values: object) -> int | None:
    for value in values:
        number = _number(value)
        if number is not None:
            return number
    return None


def _year(value: object) -> int | None:
    return value if isinstance(value, int) and 1870 <= value <= 2200 else None


def _date_year(name: str) -> int | None:
    match = _DATE.search(name)
    return int(match.group(1)) if match else None
