"""Played state from real .nfo sidecars, and the command line's report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyrec.cli import main
from pyrec.history.times import parse_local
from pyrec.service import PyrecService
from tests.history.builders import kodi_db
from tests.history.conftest import add_video

HOSTILE = """<?xml version="1.0"?>
<!DOCTYPE movie [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<movie><title>&b;</title><playcount>1</playcount></movie>
"""


def test_nfo_sidecars_import_and_a_hostile_one_is_one_skipped_line(tmp_path: Path) -> None:
    films = tmp_path / "films"
    films.mkdir()
    for name in ("Heat", "Bomb", "Plain"):
        (films / f"{name}.mkv").write_bytes(b"\x1aE\xdf\xa3" + name.encode())
    (films / "Heat.nfo").write_text(
        "<movie>\n  <title>Heat</title>\n  <playcount>3</playcount>\n  <lastplayed>2020-02-02 22:00:00</lastplayed>\n"
        "  <userrating>9</userrating>\n  <resume><position>600.0</position><total>10200.0</total></resume>\n</movie>\n",
        encoding="utf-8")
    (films / "Bomb.nfo").write_text(HOSTILE)
    (films / "Plain.nfo").write_text("https://www.imdb.com/title/tt0113277/")  # a URL-only .nfo says nothing
    with PyrecService(tmp_path / "lib.db", cache_dir=tmp_path / "cache") as service:
        heat = add_video(service, str(films / "Heat.mkv"), "Heat", year=1995)
        add_video(service, str(films / "Bomb.mkv"), "Bomb")
        report = service.import_history("nfo", films)
        assert report["summary"] == {"matched": 1, "ambiguous": 0, "unmatched": 0, "events": 3, "skipped": 1}
        assert "Bomb.nfo" in report["skipped"][0] and "refused" in report["skipped"][0]
        p = service.library.find_profile("default")
        assert p is not None
        got = {(e.video_id, e.kind, e.value, e.position, e.created_at) for e in service.library.interactions(p.id)}
        when = parse_local("2020-02-02 22:00:00")
        assert got == {(heat, "watched", 3.0, None, when), (heat, "rate", 9.0, None, when),
                       (heat, "play", None, 600.0, when)}


def test_cli_import_prints_the_report_and_forget_source_undoes_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        add_video(service, "/media/movies/Hunt.mkv", "The Hunt for Red October", year=1990)
    kodi = kodi_db(tmp_path / "MyVideos131.db")
    args = ["--db", str(db), "import", "kodi", str(kodi), "--map", "smb://nas/movies/=/media/movies/"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 matched, 0 ambiguous, 3 unmatched" in out and "would add 2 events" in out
    assert "Elsewhere" in out and "unmatched" in out and "nothing stored" in out
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 2 and report["items"][0]["method"] == "path"
    assert main(["--db", str(db), "forget", "--source", "kodi"]) == 0
    assert "forgot 2 events imported from kodi" in capsys.readouterr().out
    assert main(["--db", str(db), "import", "kodi", str(tmp_path / "nope.db")]) == 1
    err = capsys.readouterr().err
    assert "nope.db" in err and "no Kodi database here" in err and len(err.strip().splitlines()) == 1


def test_movie_nfo_speaks_for_a_folder_with_one_video_only(tmp_path: Path) -> None:
    from pyrec.history.kodi_nfo import read_nfo_folder

    one, two = tmp_path / "One (2001)", tmp_path / "Two"
    one.mkdir()
    two.mkdir()
    (one / "one.mkv").write_bytes(b"x")
    (two / "a.mkv").write_bytes(b"x")
    (two / "b.mkv").write_bytes(b"x")
    for folder in (one, two):
        (folder / "movie.nfo").write_text("<movie><title>T</title><playcount>1</playcount></movie>")
    read = read_nfo_folder(tmp_path)
    assert [e.item.path for e in read.events] == [str(one / "one.mkv")]


def test_unknown_sources_are_one_line(service: PyrecService) -> None:
    from pyrec.errors import PyrecError

    with pytest.raises(PyrecError, match="unknown history source 'pyrec'"):
        service.forget_source("pyrec")
