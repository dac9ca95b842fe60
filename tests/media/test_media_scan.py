"""End to end with real media made by the ffmpeg tool: a scan stores what
the container carries (tags, chapters, embedded subtitle lines), and
`pyrec show`, `pyrec search` and `pyrec play --at` use it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from pyrec.cli import main
from pyrec.library import Library
from pyrec.scan.scanner import Scanner

from .makers import Run, make_binary_track_film, make_film, make_huge_track_film, make_mp4_with_text

NFO = """<movie><title>Harbour Lights</title><year>2011</year><plot>A ferry captain's last crossing.</plot>
<genre>Documentary</genre><director>Ida Brenner</director></movie>"""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> tuple[Path, Path]:
    """An MKV with tags, chapters and an English SubRip track; an MP4 with a
    mov_text track; the MKV again beside an .nfo. Scanned once; tests copy the library."""
    base = tmp_path_factory.mktemp("mediatext")
    folder = base / "media"
    make_film(ffmpeg, folder / "Storm.Watch.mkv")
    make_mp4_with_text(ffmpeg, folder / "market.mp4")
    make_film(ffmpeg, folder / "Other Name.mkv")
    (folder / "Other Name.nfo").write_text(NFO)
    with Library.open(base / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=base / "thumbs", jobs=1).scan([folder])
    assert (summary.added, summary.failed, summary.warnings) == (3, 0, [])
    return base / "lib.sqlite", folder


@pytest.fixture
def db(scanned: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(scanned[0], tmp_path / "lib.sqlite"))


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """`pyrec … --json` in this process, its output parsed."""
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def video_id(db: Path, name: str) -> int:
    with Library.open(db) as lib:
        return next(v.id for v in lib.videos() if Path(v.file.path).name == name)


def test_moments_and_container_rows(db: Path) -> None:
    film, mp4 = video_id(db, "Storm.Watch.mkv"), video_id(db, "market.mp4")
    with Library.open(db) as lib:
        moments = [(m.kind, round(m.start, 1), m.text, m.language) for m in lib.moments(film)]
        assert moments == [("chapter", 0.0, "Calm", ""), ("subtitle", 1.0, "The lighthouse keeper waits.", "eng"),
                           ("chapter", 4.0, "Storm", ""), ("subtitle", 6.0, "Ships pass the lighthouse at night.", "eng")]
        assert [(m.kind, m.text, m.language) for m in lib.moments(mp4)] == [
            ("subtitle", "Welcome to the harbour market.", "nor")]
        info = lib.media_info(film)
        assert info is not None and (info.container, info.video_codec) == ("Matroska", "H.264")
        assert [(t.kind, t.codec, t.language, t.cues) for t in info.streams] == [
            ("video", "H.264", "", 0), ("subtitle", "SubRip", "eng", 2)]
        mp4_info = lib.media_info(mp4)
        assert mp4_info is not None and mp4_info.container == "MP4" and mp4_info.tags == {"title": "Harbour Market"}


def test_tags_become_text_and_graph(db: Path) -> None:
    with Library.open(db) as lib:
        film = lib.video(video_id(db, "Storm.Watch.mkv"))
        assert (film.text.title, film.text.year, film.text.plot) == ("Storm Watch", 2019, "A keeper and a storm.")
        edges = {(e.kind, e.name, e.role, e.extra) for e in lib.entities_of(film.id)}
        assert {("genre", "Drama", "", ""), ("genre", "Sea", "", ""), ("genre", "Weather", "", ""),
                ("person", "Ole Brekke", "director", ""), ("person", "Ingrid Solberg", "creator", ""),
                ("person", "Kari Lunde", "creator", "composer")} <= edges
        assert lib.video(video_id(db, "market.mp4")).text.title == "Harbour Market"


def test_nfo_beats_tags_where_both_speak_and_tags_fill_the_rest(db: Path) -> None:
    with Library.open(db) as lib:
        video = lib.video(video_id(db, "Other Name.mkv"))
        assert (video.text.title, video.text.year, video.text.plot) == \
               ("Harbour Lights", 2011, "A ferry captain's last crossing.")
        edges = {(e.kind, e.name, e.role) for e in lib.entities_of(video.id)}
        assert ("genre", "Documentary", "") in edges and ("genre", "Drama", "") not in edges
        assert ("person", "Ida Brenner", "director") in edges and ("person", "Ole Brekke", "director") not in edges
        assert ("person", "Ingrid Solberg", "creator") in edges  # the .nfo names no creator


def test_show_json_lists_tags_chapters_tracks_and_moments(db: Path, capsys) -> None:
    shown = cli_json(capsys, "show", str(video_id(db, "Storm.Watch.mkv")), "--db", str(db))
    assert shown["media"]["label"] == "H.264 in Matroska"
    assert shown["media"]["tags"]["artist"] == "Ingrid Solberg"
    assert [(c["text"], c["time"], c["where"]) for c in shown["chapters"]] == [
        ("Calm", 0.0, "chapter 'Calm' at 0:00"), ("Storm", 4.0, "chapter 'Storm' at 0:04")]
    assert [(t["language"], t["codec"], t["cues"]) for t in shown["subtitle_tracks"]] == [("eng", "SubRip", 2)]
    lines = [m for m in shown["moments"] if m["kind"] == "subtitle"]
    assert [(m["where"], m["text"]) for m in lines] == [("said at 0:01", "The lighthouse keeper waits."),
                                                      ("said at 0:06", "Ships pass the lighthouse at night.")]
    assert main(["show", str(shown["id"]), "--db", str(db)]) == 0
    human = capsys.readouterr().out
    assert "H.264 in Matroska" in human and "0:04 Storm" in human and "eng SubRip (2 lines)" in human


def test_search_finds_subtitle_and_chapter_text_and_says_where(db: Path, capsys) -> None:
    hits = cli_json(capsys, "search", "lighthouse", "--db", str(db))
    film = next(h for h in hits if h["title"] == "Storm Watch")
    assert [(m["where"], m["kind"]) for m in film["moments"]] == [("said at 0:01", "subtitle"),
                                                                ("said at 0:06", "subtitle")]
    assert film["reasons"]  # the existing contract is kept
    hits = cli_json(capsys, "search", "welcome", "--db", str(db))
    assert hits[0]["title"] == "Harbour Market" and hits[0]["moments"][0]["where"] == "said at 0:02"
    chapter = cli_json(capsys, "search", "storm", "--db", str(db))
    assert any(m["where"] == "chapter 'Storm' at 0:04" for h in chapter for m in h.get("moments", []))
    assert main(["search", "lighthouse", "--db", str(db)]) == 0
    # The table wraps long cells; its continuation rows are empty but for the "why" column.
    text = " ".join(capsys.readouterr().out.translate({ord(c): " " for c in "│┃"}).split())
    assert 'said at 0:06: "Ships pass the lighthouse at night."' in text


def test_play_at_a_time_tells_mpv_where_to_start(db: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    mpv = tmp_path / "bin" / "mpv"  # a stand-in that records how it was called
    mpv.parent.mkdir()
    mpv.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                   f"pathlib.Path({str(tmp_path / 'args.json')!r}).write_text(__import__('json').dumps(sys.argv[1:]))\n")
    mpv.chmod(mpv.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PYREC_PLAYER", str(mpv))
    film = video_id(db, "Storm.Watch.mkv")
    played = cli_json(capsys, "play", str(film), "--at", "0:06", "--db", str(db))
    assert played["recorded"] is True
    args = json.loads((tmp_path / "args.json").read_text())
    assert args[0] == "--start=6.000" and args[-1].endswith("Storm.Watch.mkv")
    with Library.open(db) as lib:
        position = lib.interactions(lib.ensure_profile("default").id)[0].position
    assert position is not None and position >= 6.0


def test_rescan_of_unchanged_files_does_not_reopen_them(scanned, db: Path, monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was opened again")

    monkeypatch.setattr("pyrec.scan.indexer.scan_media", refuse)
    with Library.open(db) as lib:
        summary = Scanner(lib, jobs=1).scan([scanned[1]])
        assert (summary.unchanged, summary.added, summary.updated, summary.failed) == (3, 0, 0, 0)
        assert len(lib.moments(video_id(db, "Storm.Watch.mkv"))) == 4


def test_changed_file_replaces_its_moments_and_delete_removes_them(scanned, db: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    shutil.copytree(scanned[1], media)
    with Library.open(tmp_path / "fresh.sqlite") as lib:
        Scanner(lib, jobs=1).scan([media])
        film = next(v.id for v in lib.videos() if v.file.path.endswith("Storm.Watch.mkv"))
        os.utime(media / "Storm.Watch.mkv", (1, 1))  # changed on disk: indexed again
        assert Scanner(lib, jobs=1).scan([media]).updated == 1
        assert len(lib.moments(film)) == 4  # replaced, not doubled
        lib.delete_videos([film])
        assert lib.moments(film) == [] and lib.media_info(film) is None
    conn = sqlite3.connect(tmp_path / "fresh.sqlite")
    try:  # the search index lost the rows too: only "Other Name.mkv"'s two lines are left
        found = conn.execute("SELECT count(*) FROM moment_search WHERE moment_search MATCH 'lighthouse'").fetchone()
        assert found[0] == 2
        conn.execute("INSERT INTO moment_search (moment_search, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


@pytest.mark.parametrize(("make", "says"), [(make_binary_track_film, "not text (binary or mislabelled), skipped"),
                                            (make_huge_track_film, "too large, read its first 5000 lines only")])
def test_hostile_subtitle_track_costs_one_warning_and_the_video_indexes(tmp_path: Path, ffmpeg: Run, make,
                                                                        says: str) -> None:
    path = make(ffmpeg, tmp_path / "media" / "bad.mkv")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, jobs=1).scan([tmp_path / "media"])
        assert (summary.added, summary.failed) == (1, 0)
        lines = [w for w in summary.warnings if "subtitle track" in w]
        assert lines == [f"{path}: subtitle track 1 (und, SubRip): {says}"]
        video = lib.videos()[0]
        assert len(lib.moments(video.id)) <= 5000 and lib.media_info(video.id) is not None


def test_text_reading_that_fails_costs_one_line_not_the_video(tmp_path: Path, ffmpeg: Run, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise ValueError("an odd container")

    monkeypatch.setattr("pyrec.features.extract.read_media_text", broken)
    path = make_film(ffmpeg, tmp_path / "media" / "film.mkv")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, jobs=1).scan([tmp_path / "media"])
        assert (summary.added, summary.failed) == (1, 0)
        assert summary.warnings == [f"{path}: tags and subtitles not read (ValueError: an odd container)"]
        video = lib.videos()[0]
        assert lib.moments(video.id) == [] and lib.media_info(video.id) is None
        assert video.text.title == "film"  # the file name still speaks


def test_sidecar_subtitle_lines_are_moments_in_their_language(tmp_path: Path, ffmpeg: Run, capsys) -> None:
    folder = tmp_path / "media"
    make_mp4_with_text(ffmpeg, folder / "Quay.mp4")
    (folder / "Quay.de.srt").write_text(
        "1\n00:00:01,200 --> 00:00:02,900\nDer <i>Leuchtturm</i> wartet.\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\nWelcome to the harbour market.\n\n"  # also embedded: kept once
        "3\nno timing line here\n", encoding="utf-8")
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([folder])
    shown = cli_json(capsys, "show", str(video_id(db, "Quay.mp4")), "--db", str(db))
    lines = [(m["where"], m["text"], m["language"]) for m in shown["moments"] if m["kind"] == "subtitle"]
    assert ("said at 0:01", "Der Leuchtturm wartet.", "ger") in lines  # ISO 639-2/B, as tracks and speech store it
    assert sum(text.casefold().startswith("welcome") for _, text, _ in lines) == 1, lines
    hits = cli_json(capsys, "search", "Leuchtturm", "--db", str(db))
    assert hits[0]["moments"][0]["where"] == "said at 0:01"


def test_a_twenty_hour_duration_claim_is_measured_not_believed(tmp_path: Path, ffmpeg: Run) -> None:
    """A 6 s Matroska file whose header claims 20 hours (a broken muxer, a
    hostile file): the scan samples what is really there, stores it as
    damaged with the seconds that play, and says so in one line."""
    import struct

    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "claims.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:d=6", "-f", "lavfi", "-i", "sine=d=6", "-c:v", "libx264",
           "-c:a", "aac", "-shortest", str(path))
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89\x88")  # Segment Info Duration, an 8-byte float in milliseconds
    assert at > 0
    data[at + 3:at + 11] = struct.pack(">d", 20 * 3600 * 1000.0)
    path.write_bytes(bytes(data))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([folder])
        stored = lib.video_by_path(path)
        keyframes = lib.keyframes(stored.id) if stored is not None else []
    assert (summary.added, summary.failed) == (1, 0)
    assert summary.warnings == [f"{path}: damaged: only 0:06 of 20:00:00 plays (truncated?)"]
    assert stored is not None and stored.probe is not None
    assert stored.probe.duration == pytest.approx(72000.0) and stored.probe.playable == pytest.approx(6.0, abs=0.5)
    assert keyframes and all(k.time <= 6.5 for k in keyframes)
