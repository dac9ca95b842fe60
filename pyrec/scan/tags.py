"""What a container's own tags say about a video, as text and graph edges.

Precedence (the indexer applies it): a .nfo sidecar beats the container's
tags, which beat what the file name suggests. Tags are muxed by whatever made
the file and are often generic, a sidecar is written on purpose for this file.

People: a tag names a role only loosely, so each maps to a role that stays
true for every kind of file that carries it:
- ``director`` -> director (the tag says exactly that);
- ``artist`` -> creator: Matroska defines ARTIST as the person "responsible
  for the work", MP4 muxers write the maker there; for a home video that is
  the one behind the camera and for a music video the performer, so "actor"
  would often claim an on-screen part we do not know of;
- ``composer`` -> creator, with ``extra`` "composer": the graph has no music
  role, and the edge still links films scored by the same person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyrec.records import EntityRef, TextInfo

# A year alone or starting a date: "2019", "2019-05-01", "20190501", "May 2003".
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?=\d{4}(?!\d)|(?!\d))")
_NUMBER = re.compile(r"\d+")
_GENRE_SPLIT = re.compile(r"\s*[,;/|]\s*")
_PEOPLE_SPLIT = re.compile(r"\s*(?:[;/|]|,(?!\s*(?:jr|sr)\b))\s*", re.IGNORECASE)
# tag -> (role, extra), in the order their edges are made
PERSON_TAGS = {"director": ("director", ""), "artist": ("creator", ""), "composer": ("creator", "composer")}
MAX_VALUES = 12  # a tag listing a whole crew must not flood the graph


def text_from_tags(tags: Mapping[str, str]) -> TextInfo:
    """Title, year, plot, series/season/episode from normalised container tags
    (pyrec.features.container.normalise_tags); empty fields where tags are silent."""
    series = tags.get("show", "")
    return TextInfo(
        title=tags.get("title", ""),
        year=_year(tags.get("date", "")),
        plot=tags.get("description") or tags.get("comment", ""),
        series=series,
        season=_number(tags.get("season", "")),
        episode=_number(tags.get("episode", "")),
        media_type="episode" if series else "",
    )


def entities_from_tags(tags: Mapping[str, str]) -> list[EntityRef]:
    refs = [EntityRef("genre", g) for g in _split(_GENRE_SPLIT, tags.get("genre", ""))]
    for tag, (role, extra) in PERSON_TAGS.items():
        names = _split(_PEOPLE_SPLIT, tags.get(tag, ""))
        # Billing order decays the weight, as for a .nfo's cast.
        refs += [EntityRef("person", n, role, 1.0 / (1 + 0.1 * i), extra) for i, n in enumerate(names)]
    return refs


def fill_silent(sidecar: list[EntityRef], tagged: list[EntityRef]) -> list[EntityRef]:
    """The tag edges a sidecar is silent about: genres only if it names no
    genre, people of a role only if it names nobody in that role."""
    said = {(e.kind, e.role if e.kind == "person" else "") for e in sidecar}
    return [e for e in tagged if (e.kind, e.role if e.kind == "person" else "") not in said]


def _split(pattern: re.Pattern[str], value: str) -> list[str]:
    """The distinct values (case aside) of a list in one tag, first spelling kept."""
    found: dict[str, str] = {}
    for v in pattern.split(value):
        if v.strip():
            found.setdefault(v.strip().casefold(), v.strip())
    return list(found.values())[:MAX_VALUES]


def _year(value: str) -> int | None:
    found = _YEAR.search(value)
    return int(found.group(1)) if found else None


def _number(value: str) -> int | None:
    """"3" or "3/10" -> 3; nothing sensible -> None."""
    found = _NUMBER.search(value)
    number = int(found.group()) if found else 0
    return number if 0 < number < 10_000 else None
