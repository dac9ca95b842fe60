"""Meaning search that says where, end to end on real media made by ffmpeg,
the real MiniLM model and real SQLite: a scan groups each video's lines into
passages and embeds them, and a paraphrase that shares none of a line's
words finds the film and says when the line is said; a ten-minute film is
found by its one matching scene; nonsense finds no passage; a changed file's
passages are replaced, the deep pass adds passages for what it reads, and a
nothing-changed rescan embeds nothing again."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from pyrec.cli import main
from pyrec.features.container import opened
from pyrec.library import Library
from pyrec.records import Moment
from pyrec.scan.deep import DeepPass
from pyrec.scan.scanner import Scanner
from pyrec.service import PyrecService

from .makers import Run, _ts, make_film, make_mp4_with_text
from .test_media_scan import cli_json

PARAPHRASE = "vessels going past a tower with a lamp after dark"  # "Ships pass the lighthouse at night." at 0:06
LAUNCH = ("Ten seconds to ignition.", "Main engines running. Lift-off!", "The rocket clears the tower.")
TRIAL = ("All rise. The court is now in session.", "The witness will answer the question.",
         "Objection, your honour, that is hearsay.")
SMALL_TALK = ("Did you send the invoice to accounts?", "The printer on the second floor is jammed again.",
              "Who took my stapler?", "Let's move the meeting to Thursday.", "Is there any coffee left?",
              "I'll forward you the spreadsheet.", "The parking lot is full today.",
              "Can you sign this form before lunch?", "My inbox has four hundred emails.",
              "We need the slides by Friday.")
SCENE_AT = 360.0  # 6:00 in a ten-minute film


def office_srt(scene: tuple[str, ...]) -> str:
    """Ten minutes of office small talk, one line every 7 s, and ``scene`` at 6:00."""
    cues: list[tuple[float, str]] = [(t, SMALL_TALK[i % len(SMALL_TALK)])
                                     for i, t in enumerate(range(5, 600, 7)) if not SCENE_AT - 10 < t < SCENE_AT + 20]
    cues += [(SCENE_AT + 3 * i, line) for i, line in enumerate(scene)]
    cues.sort()
    return "".join(f"{n}\n{_ts(t)} --> {_ts(t + 2.5)}\n{line}\n\n" for n, (t, line) in enumerate(cues, 1))


def make_office_film(ffmpeg: Run, path: Path, scene: tuple[str, ...] = LAUNCH) -> Path:
    """Ten minutes of tiny H.264 with an English sidecar .srt: small talk and one scene."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x36:rate=1:duration=600", "-c:v", "libx264", "-g", "60", str(path))
    path.with_suffix(".en.srt").write_text(office_srt(scene), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("passages")
    folder = base / "media"
    make_film(ffmpeg, folder / "Storm.Watch.mkv")
    make_mp4_with_text(ffmpeg, folder / "market.mp4")
    make_office_film(ffmpeg, folder / "Office.Days.mkv")
    with Library.open(base / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=base / "thumbs", jobs=1).scan([folder])
    assert (summary.added, summary.failed) == (3, 0), summary.errors
    return base / "lib.sqlite", folder


@pytest.fixture
def db(scanned: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copy(scanned[0], tmp_path / "lib.sqlite"))  # a copy per test


def passages(db: Path, name: str) -> list[tuple[int, str, float, str, float]]:
    """(row id, kind, start, text, made_at) of a video's passages."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute('SELECT p.id, p.kind, p.start, p.text, p.made_at FROM moment_passages p JOIN videos v '
                            "ON v.id = p.video_id WHERE v.path LIKE ? ORDER BY p.start, p.kind",
                            (f"%{name}",)).fetchall()
    finally:
        conn.close()


def test_a_scan_groups_lines_into_passages(db: Path) -> None:
    storm = passages(db, "Storm.Watch.mkv")
    assert [(k, s, t) for _, k, s, t, _ in storm] == [
        ("chapter", 0.0, "Calm"),
        ("subtitle", 1.0, "The lighthouse keeper waits. Ships pass the lighthouse at night."),
        ("chapter", 4.0, "Storm")]
    office = [p for p in passages(db, "Office.Days.mkv") if p[1] == "subtitle"]
    # 84 lines in short passages: never past 30 s or 240 characters, each line in exactly one
    assert 10 <= len(office) <= 40
    launch = [p for p in office if "Lift-off" in p[3]]
    assert len(launch) == 1 and launch[0][2] == SCENE_AT and all(line in launch[0][3] for line in LAUNCH)


def test_a_paraphrase_finds_the_film_and_says_when_the_line_is_said(db: Path, capsys) -> None:
    hits = cli_json(capsys, "search", PARAPHRASE, "--db", str(db))
    assert hits[0]["title"] == "Storm Watch"
    # Not the passage's first line (0:01) but the line in it that means what was asked.
    assert hits[0]["moments"][0] == {"time": 6.0, "end": 8.5, "kind": "subtitle",
                                     "text": "Ships pass the lighthouse at night.", "language": "eng",
                                     "where": "said at 0:06"}
    assert any(r["kind"] == "search_passage" and r["data"]["time"] == 6.0 for r in hits[0]["reason_details"])
    assert main(["search", PARAPHRASE, "--db", str(db)]) == 0
    text = " ".join(capsys.readouterr().out.replace("│", " ").split())  # the table's cells, unwrapped
    assert 'said at 0:06: "Ships pass the lighthouse at night."' in text


def test_a_long_film_is_found_by_its_one_scene(db: Path, capsys) -> None:
    hits = cli_json(capsys, "search", "a spacecraft launch countdown", "--db", str(db))
    assert hits and Path(hits[0]["path"]).name == "Office.Days.mkv"
    assert hits[0]["moments"][0]["where"] == "said at 6:00" and hits[0]["moments"][0]["text"] == LAUNCH[0]
    # The film's one vector (title + the first 2,000 characters of its small talk) does not reach it.
    assert "search_semantic" not in [r["kind"] for r in hits[0]["reason_details"]]


@pytest.mark.parametrize("query", ["qwxz zzkj", "tax return spreadsheet", "knitting a wool scarf"])
def test_nonsense_or_unrelated_finds_no_passage(db: Path, capsys, query: str) -> None:
    hits = cli_json(capsys, "search", query, "--db", str(db))
    assert not [h for h in hits if any(r["kind"] == "search_passage" for r in h["reason_details"])], hits
    assert not [h for h in hits if h.get("moments")]


def test_a_changed_file_gets_new_passages(scanned: tuple[Path, Path], tmp_path: Path, ffmpeg: Run, capsys) -> None:
    media = tmp_path / "media"
    shutil.copytree(scanned[1], media)
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        Scanner(lib, jobs=1).scan([media])
    assert any("Lift-off" in p[3] for p in passages(db, "Office.Days.mkv"))
    (media / "Office.Days.en.srt").write_text(office_srt(TRIAL), encoding="utf-8")
    os.utime(media / "Office.Days.mkv", (1, 1))  # changed on disk: indexed again
    with Library.open(db) as lib:
        assert Scanner(lib, jobs=1).scan([media]).updated == 1
    office = passages(db, "Office.Days.mkv")
    assert not any("Lift-off" in p[3] for p in office)
    assert [p[2] for p in office if "hearsay" in p[3]] == [SCENE_AT]
    hits = cli_json(capsys, "search", "testimony in front of a jury", "--db", str(db))
    assert Path(hits[0]["path"]).name == "Office.Days.mkv" and hits[0]["moments"][0]["text"] in TRIAL
    assert hits[0]["moments"][0]["where"] in {f"said at 6:0{3 * i}" for i in range(len(TRIAL))}


def test_a_nothing_changed_rescan_embeds_nothing_again(scanned: tuple[Path, Path], db: Path) -> None:
    before = passages(db, "Office.Days.mkv") + passages(db, "Storm.Watch.mkv")
    with Library.open(db) as lib:
        summary = Scanner(lib, jobs=1).scan([scanned[1]])
        assert summary.unchanged == 3
        assert lib.passage_todo("minilm-l6-v2/text") == []
    assert passages(db, "Office.Days.mkv") + passages(db, "Storm.Watch.mkv") == before  # same rows, same made_at


class Headline:
    """A small real deep-pass reader: opens the file, and reports a flood
    warning on screen at the middle of it (as the OCR stage would)."""

    name = "headline"
    version = 1

    def unavailable(self) -> str | None:
        return None

    def run(self, path: str | os.PathLike[str], *, duration: float, budget_seconds: float) -> list[Moment]:
        with opened(path) as container:
            middle = float(container.duration or 0) / 1e6 / 2 if container.duration else duration / 2
        return [Moment(round(middle, 1), round(middle, 1) + 2.0, "screen_text", "FLOOD WARNING: RIVER LEVELS RISING")]


def test_the_deep_pass_adds_passages_for_what_it_reads(db: Path, tmp_path: Path, capsys) -> None:
    with Library.open(db) as lib:
        summary = DeepPass(lib, [Headline()], in_process=True).run()
        assert summary.done == 3
    shown = [p for p in passages(db, "Office.Days.mkv") if p[1] == "screen_text"]
    assert [(p[2], p[3]) for p in shown] == [(300.0, "FLOOD WARNING: RIVER LEVELS RISING")]
    assert any("Lift-off" in p[3] for p in passages(db, "Office.Days.mkv"))  # the subtitle passages stay
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        hits = service.search("the water in the stream is getting dangerously high")
    office = next(h for h in hits if Path(h["path"]).name == "Office.Days.mkv")
    assert office["moments"][0]["where"] == "on screen at 5:00"


def test_subtitles_in_several_languages_with_the_same_cue_times(tmp_path: Path, ffmpeg: Run) -> None:
    """A film's English and French tracks share every cue time: each language
    gets its own passages (a passage is read in one language), and lines long
    enough to fill a passage each at the same start store side by side
    (a uniqueness of start per kind failed the whole scan)."""
    plain = make_office_film(ffmpeg, tmp_path / "plain" / "office.mkv")
    english = office_srt(LAUNCH)
    french = english.replace("Ten seconds to ignition.", "Dix secondes avant l'allumage. " * 9)
    english = english.replace("Ten seconds to ignition.", "Ten seconds to ignition, all systems are go. " * 6)
    (tmp_path / "en.srt").write_text(english, encoding="utf-8")
    (tmp_path / "fr.srt").write_text(french, encoding="utf-8")
    film = tmp_path / "media" / "Two.Tongues.mkv"
    film.parent.mkdir()
    ffmpeg("-i", str(plain), "-i", str(tmp_path / "en.srt"), "-i", str(tmp_path / "fr.srt"), "-map", "0:v",
           "-map", "1", "-map", "2", "-c:v", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=eng",
           "-metadata:s:s:1", "language=fre", str(film))
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([film.parent])
    assert (summary.added, summary.failed) == (1, 0), summary.errors
    rows = passages(tmp_path / "lib.sqlite", "Two.Tongues.mkv")
    at_scene = [text for _, kind, start, text, _ in rows if kind == "subtitle" and start == SCENE_AT]
    assert len(at_scene) == 2, at_scene  # one per language, both at 6:00
    assert any(t.startswith("Ten seconds") for t in at_scene) and any(t.startswith("Dix secondes") for t in at_scene)
    assert not any("Dix" in t and "Ten seconds" in t for _, _, _, t, _ in rows)  # never mixed
