"""Where container tags stand: a .nfo beats them, they beat the file name,
and each field or edge falls back on its own when the stronger source is
silent. Also how tags are read: years from dates, genres split, people's roles."""

from __future__ import annotations

from pathlib import Path

from pyrec.records import ContainerInfo, EntityRef, MediaText
from pyrec.scan.indexer import describe_text
from pyrec.scan.tags import entities_from_tags, text_from_tags

TAGS = {"title": "Storm Watch", "date": "2019-05-01", "genre": "Drama; Sea/Weather", "artist": "Ingrid Solberg",
        "director": "Ole Brekke", "comment": "A keeper and a storm."}


def media(tags: dict[str, str]) -> MediaText:
    return MediaText(ContainerInfo(format="matroska,webm", label="Matroska", duration=8.0, tags=tags))


def describe(path: Path, tags: dict[str, str] | None) -> tuple[object, set[tuple[str, str, str]]]:
    warnings: list[str] = []
    text, entities, _ = describe_text(str(path), (str(path.parent),), warnings, None if tags is None else media(tags))
    assert warnings == []
    return text, {(e.kind, e.name, e.role) for e in entities if e.kind in ("genre", "person", "series")}


def test_tags_beat_the_file_name(tmp_path: Path) -> None:
    text, edges = describe(tmp_path / "Some.Other.Name.2001.mkv", TAGS)
    assert (text.title, text.year, text.plot) == ("Storm Watch", 2019, "A keeper and a storm.")
    assert {("genre", "Drama", ""), ("genre", "Sea", ""), ("genre", "Weather", ""),
            ("person", "Ole Brekke", "director"), ("person", "Ingrid Solberg", "creator")} <= edges


def test_the_file_name_stands_where_tags_are_silent(tmp_path: Path) -> None:
    text, _ = describe(tmp_path / "Some.Other.Name.2001.mkv", {"genre": "Drama"})
    assert (text.title, text.year) == ("Some Other Name", 2001)
    text, edges = describe(tmp_path / "Some.Other.Name.2001.mkv", None)
    assert (text.title, text.year, edges) == ("Some Other Name", 2001, set())


def test_nfo_beats_tags_field_by_field_and_edge_by_edge(tmp_path: Path) -> None:
    video = tmp_path / "Storm.mkv"
    (tmp_path / "Storm.nfo").write_text("<movie><title>Harbour Lights</title><genre>Documentary</genre>"
                                        "<director>Ida Brenner</director></movie>")
    text, edges = describe(video, TAGS)
    assert text.title == "Harbour Lights"  # the .nfo says it
    assert (text.year, text.plot) == (2019, "A keeper and a storm.")  # the .nfo is silent: tags fill in
    assert ("genre", "Documentary", "") in edges and ("genre", "Drama", "") not in edges
    assert ("person", "Ida Brenner", "director") in edges and ("person", "Ole Brekke", "director") not in edges
    assert ("person", "Ingrid Solberg", "creator") in edges  # no creator in the .nfo


def test_series_season_episode_from_tags(tmp_path: Path) -> None:
    text, edges = describe(tmp_path / "clip.mp4", {"show": "Coast Guard", "season": "2", "episode": "5/10"})
    assert (text.series, text.season, text.episode, text.media_type) == ("Coast Guard", 2, 5, "episode")
    assert ("series", "Coast Guard", "") in edges


def test_reading_tags() -> None:
    assert text_from_tags({"date": "20190501"}).year == 2019
    assert text_from_tags({"date": "120190"}).year is None  # no year in it: better none than a wrong one
    assert text_from_tags({"date": "May 2003"}).year == 2003
    assert text_from_tags({"description": "Long.", "comment": "Short."}).plot == "Long."
    assert text_from_tags({"episode": "0"}).episode is None
    assert entities_from_tags({"composer": "Kari Lunde", "genre": "Drama, drama"}) == [
        EntityRef("genre", "Drama"), EntityRef("person", "Kari Lunde", "creator", 1.0, "composer")]
    many = entities_from_tags({"artist": "; ".join(f"P{i}" for i in range(40))})
    assert len(many) == 12 and many[1].weight < many[0].weight
