"""File and folder names → titles, episodes, series and folder nodes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrec.records import EntityRef
from pyrec.records import TextInfo
from pyrec.scan.names import folder_entities, parse_name, series_entities


def test_movie_release_name() -> None:
    info = parse_name("/media/Movies/The.Matrix.1999.1080p.BluRay.x264.mkv")
    assert (info.title, info.year, info.media_type, info.season, info.episode) == (
        "The Matrix", 1999, "movie", None, None)
    assert series_entities(info) == []
    assert info.sources == ("/media/Movies/The.Matrix.1999.1080p.BluRay.x264.mkv",)


def test_episode_release_name() -> None:
    info = parse_name("/downloads/Show.Name.S02E05.720p.mkv")
    assert (info.season, info.episode, info.media_type, info.series) == (2, 5, "episode", "Show Name")
    assert series_entities(info) == [EntityRef(kind="series", name="Show Name")]


def test_series_from_the_folders() -> None:
    info = parse_name("/media/TV/Breaking Bad/Season 1/01 - Pilot.mkv")
    assert (info.title, info.series, info.season, info.episode) == ("Pilot", "Breaking Bad", 1, 1)


def test_multi_episode_file_takes_the_first_number() -> None:
    info = parse_name("Show.Name.S01E01E02.mkv")
    assert (info.season, info.episode) == (1, 1)


def test_dated_home_video_is_a_clip() -> None:
    info = parse_name("/home/me/Videos/Some Home Video 2019-07-04.mp4")
    assert (info.title, info.year, info.media_type, info.season, info.episode) == (
        "Some Home Video", 2019, "clip", None, None)
    assert series_entities(info) == []


@pytest.mark.parametrize("name,year", [
    ("IMG_1234.MOV", None),  # guessit alone would say season 12 episode 34
    ("VID_20190704_123456.mp4", 2019),
    ("PXL_20230101_101010123.mp4", 2023),
    ("20190704_123456.mp4", 2019),
    ("GOPR0042.MP4", None),
])
def test_camera_names_are_clips_named_as_they_are(name: str, year: int | None) -> None:
    info = parse_name(f"/photos/{name}")
    assert (info.media_type, info.season, info.episode, info.year) == ("clip", None, None, year)
    assert info.title == name.rsplit(".", 1)[0]


def test_undecodable_and_empty_names() -> None:
    info = parse_name("/media/caf\udce9.mkv")
    assert info.title == "caf\ufffd"  # valid text, ready for storage
    assert parse_name("").title == ""
    assert isinstance(parse_name("/"), TextInfo)


def test_folder_entities() -> None:
    refs = folder_entities("/home/me/Videos/Holidays/2019 Spain/beach.mp4", ["/home/me", "/home/me/Videos"])
    assert refs == [
        EntityRef(kind="folder", name="Holidays/2019 Spain"),
        EntityRef(kind="collection", name="2019 Spain", weight=1.0),
        EntityRef(kind="collection", name="Holidays", weight=0.8),
    ]


def test_folder_entities_skip_structure_films_and_excluded_names() -> None:
    refs = folder_entities("/media/TV/Breaking Bad/Season 1/Extras/x.mkv", ["/media/TV"], exclude=["breaking  bad"])
    assert refs == [EntityRef(kind="folder", name="Breaking Bad/Season 1/Extras")]
    refs = folder_entities("/media/Movies/Sci-Fi/Alien (1979)/Alien.mkv", ["/media/Movies"])
    assert [(r.kind, r.name) for r in refs] == [("folder", "Sci-Fi/Alien (1979)"), ("collection", "Sci-Fi")]
    assert folder_entities("/media/Movies/x.mkv", ["/media/Movies"]) == []  # directly in the root
    assert folder_entities("/elsewhere/a/x.mkv", ["/media"]) == []
    assert folder_entities("/media/ab/x.mkv", ["/media/a"]) == []  # a sibling, not inside


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\x00" not in s),
                      min_size=1, max_size=4))
def test_fuzz_names_never_raise(parts: list[str]) -> None:
    path = "/media/" + "/".join(parts)
    info = parse_name(path)
    assert info.media_type in ("movie", "episode", "clip")
    assert "\n" not in info.title and not any("\ud800" <= c <= "\udfff" for c in info.title)
    refs = folder_entities(path, ["/media"])
    assert all(r.name for r in refs)
