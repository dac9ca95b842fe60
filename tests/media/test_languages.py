"""Subtitle languages that are wrong or missing (#13, "mislabelled languages"):
real Matroska files made with the ffmpeg tool, carrying SubRip and ASS tracks
in several languages with wrong, missing and right tags, and sidecars with
wrong names; scanned by the real scanner into a real library, read back with
`pyrec show`."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pyrec.cli import main
from pyrec.features.container import opened
from pyrec.features.language import judge, normalise, preferred_languages
from pyrec.features.media_text import read_media_text, subtitle_digest
from pyrec.library import Library
from pyrec.records import Moment
from pyrec.scan.scanner import Scanner

from .makers import Run
from .subtitle_lines import LINES

# ISO 639-1 keys of LINES -> what pyrec stores (ISO 639-2/B)
STORED = {"en": "eng", "fr": "fre", "de": "ger", "es": "spa", "it": "ita", "pt": "por", "nl": "dut", "sv": "swe",
          "ja": "jpn", "ru": "rus"}
TOO_LITTLE = ["♪ ♪ ♪", "1942", "Oh!"]  # three lines, numbers, music notes: no language to read


def srt(lines: Sequence[str], every: float = 2.0, offset: float = 0.0) -> str:
    def clock(t: float) -> str:
        return f"00:{int(t) // 60:02d}:{int(t) % 60:02d},{int(t * 1000) % 1000:03d}"

    return "\n".join(f"{n}\n{clock(offset + n * every)} --> {clock(offset + n * every + every - 0.5)}\n{line}\n"
                     for n, line in enumerate(lines, 1))


def make_tracks_film(ffmpeg: Run, path: Path, tracks: Sequence[tuple[Sequence[str], str, str | None]]) -> Path:
    """A Matroska film with one subtitle track per (lines, codec, language tag or None)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    seconds = int(2 * max(len(lines) for lines, _, _ in tracks)) + 4
    args: list[str] = ["-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=5:duration={seconds}"]
    for n, (lines, _, _) in enumerate(tracks):
        sub = path.parent / f".{path.stem}.{n}.srt"
        # Each track a little later than the one before: main's passage grouping (scan/passages.py)
        # stores two passages with one start and fails the whole scan when many tracks share timings.
        sub.write_text(srt(lines, offset=0.1 * n), encoding="utf-8")
        args += ["-i", str(sub)]
    args += ["-map", "0:v", *[a for n in range(len(tracks)) for a in ("-map", f"{n + 1}:s")], "-c:v", "libx264"]
    for n, (_, codec, tag) in enumerate(tracks):
        args += [f"-c:s:{n}", codec]
        if tag is not None:
            args += [f"-metadata:s:s:{n}", f"language={tag}"]
    ffmpeg(*args, str(path))
    for n in range(len(tracks)):
        (path.parent / f".{path.stem}.{n}.srt").unlink()
    return path


# stream index (video is 0) -> (lines, codec, tag, what pyrec must trust)
TRACKS: list[tuple[list[str], str, str | None, str]] = [
    (LINES["en"], "srt", "eng", "eng"),  # 1: right: never changed
    (LINES["fr"], "srt", "eng", "fre"),  # 2: French tagged English: mislabelled
    (LINES["de"][:20], "srt", None, "ger"),  # 3: no tag
    (LINES["es"], "ass", "und", "spa"),  # 4: und, ASS
    (LINES["ja"], "srt", "fre", "jpn"),  # 5: Japanese tagged French
    (TOO_LITTLE, "srt", None, ""),  # 6: too little to say: unknown, not a guess
    (LINES["nl"][:8], "srt", "dut", "dut"),  # 7: right, short
    (LINES["it"][:2], "srt", "spa", "spa"),  # 8: two Italian lines tagged Spanish: too little to overrule
]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> tuple[Path, Path, list[str]]:
    base = tmp_path_factory.mktemp("languages")
    film = make_tracks_film(ffmpeg, base / "media" / "Babel.mkv", [(lines, c, tag) for lines, c, tag, _ in TRACKS])
    with Library.open(base / "lib.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=base / "thumbs", jobs=1).scan([base / "media"])
    assert (summary.added, summary.failed) == (1, 0)
    return base / "lib.sqlite", film, list(summary.warnings)


def show(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> Any:
    with Library.open(db) as lib:
        video_id = lib.videos()[0].id
    code = main(["show", str(video_id), "--db", str(db), *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out) if "--json" in extra else out


def test_each_track_is_stored_in_the_language_it_is_written_in(scanned: tuple[Path, Path, list[str]],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    db, _, _ = scanned
    shown = show(capsys, db, "--json")
    tracks = {t["index"]: t for t in shown["subtitle_tracks"]}
    assert {i: tracks[i]["language"] for i in tracks} == {n: want for n, (*_, want) in enumerate(TRACKS, 1)}
    # the claimed tag is kept beside the trusted language
    assert [tracks[i]["tagged"] for i in (1, 2, 5, 8)] == ["eng", "eng", "fre", "spa"]
    assert tracks[4]["tagged"] in ("und", "")  # Matroska writes "und" as no language
    assert tracks[2]["detected"] == "fre" and tracks[6]["detected"] == ""
    assert tracks[2]["note"] == "tagged English, reads as French"
    assert tracks[5]["note"] == "tagged French, reads as Japanese"
    assert [t["note"] for i, t in tracks.items() if i not in (2, 5)] == [""] * 6  # right, untagged, unsure
    assert shown["language_notes"] == ["subtitles 2: tagged English, reads as French",
                                       "subtitles 5: tagged French, reads as Japanese"]


def test_moments_carry_the_trusted_language(scanned: tuple[Path, Path, list[str]]) -> None:
    db, _, _ = scanned
    with Library.open(db) as lib:
        moments = lib.moments(lib.videos()[0].id, "subtitle")
    by_text = {m.text: m.language for m in moments}
    for lines, _, _, want in TRACKS:
        assert {by_text[line] for line in lines if line in by_text and line != "Oh!"} <= {want}, lines[:2]
    assert by_text[LINES["fr"][0]] == "fre" and by_text[LINES["ja"][0]] == "jpn" and by_text["Oh!"] == ""


def test_show_says_which_track_is_mislabelled_and_the_scan_names_the_file(
        scanned: tuple[Path, Path, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    db, film, warnings = scanned
    text = show(capsys, db)
    assert "subtitles 2: tagged English, reads as French" in text
    assert "subtitles 5: tagged French, reads as Japanese" in text
    assert "fre SubRip (30 lines)" in text and "und SubRip (3 lines)" not in text
    assert [w for w in warnings if "reads as" in w] == [
        f"{film}: subtitle track 2 is tagged English but reads as French; stored as French",
        f"{film}: subtitle track 5 is tagged French but reads as Japanese; stored as Japanese"]


def test_a_correctly_tagged_track_is_never_changed() -> None:
    """Every language of the corpus, every length from one line to thirty,
    tagged right (in any spelling of its code): the tag is what is trusted."""
    rng = random.Random(13)
    for key, lines in LINES.items():
        samples = [[line] for line in lines] + [rng.sample(lines, n) for n in range(2, len(lines) + 1) for _ in range(3)]
        for sample in samples:
            for tag in {key, STORED[key]}:
                judged = judge(tag, sample)
                assert (judged.language, judged.mislabelled) == (STORED[key], False), (tag, sample)


def test_too_little_text_stays_unknown() -> None:
    for lines in (TOO_LITTLE, ["♪ La la la ♪", "♪ ♪"], ["John!", "Mary!", "Peter!", "Sarah!", "Anna!", "Tom!"],
                  ["Ha ha ha!", "Oh!", "Hmm...", "Ah!", "Uh-huh.", "Hey!", "Wow!"], ["10:45", "2019", "42"],
                  LINES["fr"][:1]):
        assert judge("", lines).language == "", lines
        assert judge("ger", lines).language == "ger", lines  # and a tag is not overruled by it


@pytest.mark.parametrize(("tag", "code"), [("fra", "fre"), ("fr", "fre"), ("French", "fre"), ("deu", "ger"),
                                           ("pt-BR", "por"), ("und", ""), ("", ""), ("zxx", ""), ("qqq", "")])
def test_tags_are_normalised_to_iso_639_2b(tag: str, code: str) -> None:
    assert normalise(tag) == code


def test_the_digest_reads_the_users_language_by_its_lines_not_its_tag(tmp_path: Path, ffmpeg: Run) -> None:
    """French lines tagged English, English lines tagged nothing: an English
    reader's digest (the text embedding's subtitles) is the English lines."""
    film = make_tracks_film(ffmpeg, tmp_path / "Two.mkv", [(LINES["fr"], "srt", "eng"), (LINES["en"], "srt", None)])
    with opened(film) as container:
        media = read_media_text(container, film, [])
    english = subtitle_digest(media, preferred=["eng"])
    assert english.startswith(LINES["en"][0]) and LINES["fr"][0] not in english
    assert subtitle_digest(media, preferred=["fre", "eng"]).startswith(LINES["fr"][0])
    assert subtitle_digest(media, preferred=["jpn"]).startswith(LINES["fr"][0])  # none: the first track


def test_the_users_language_comes_from_pyrec_languages_or_the_locale() -> None:
    assert preferred_languages({"PYREC_LANGUAGES": "fr,de"}) == ["fre", "ger", "eng"]
    assert preferred_languages({"LANG": "de_DE.UTF-8"}) == ["ger", "eng"]
    assert preferred_languages({"LANG": "C.UTF-8"}) == ["eng"]


def test_sidecars_named_wrong_are_stored_in_the_language_they_read_as(
        tmp_path: Path, ffmpeg: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "media"
    make_tracks_film(ffmpeg, folder / "Quay.mkv", [(TOO_LITTLE, "srt", None)])
    (folder / "Quay.en.srt").write_text(srt(LINES["es"]), encoding="utf-8")  # Spanish, named English
    (folder / "Quay.fr.srt").write_text(srt(LINES["fr"]), encoding="utf-8")  # right
    (folder / "Quay.de.srt").write_text(srt(["Ja!", "Nein!", "Ja!"]), encoding="utf-8")  # too little to say
    monkeypatch.setenv("PYREC_LANGUAGES", "fre")
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([folder])
        video = lib.videos()[0]
        moments = [m for m in lib.moments(video.id, "subtitle") if m.text in LINES["fr"] + LINES["es"]]
    assert summary.warnings == [f"{folder / 'Quay.en.srt'}: named English but reads as Spanish; stored as Spanish"]
    # the French reader's file leads: its lines are the moments, in French
    assert moments and {m.language for m in moments} == {"fre"} and video.text.subtitles.startswith(LINES["fr"][0])
    shown = show(capsys, db, "--json")
    files = {t["title"]: (t["language"], t["tagged"], t["note"]) for t in shown["subtitle_tracks"] if t["index"] < 0}
    assert files == {"Quay.fr.srt": ("fre", "fre", ""), "Quay.en.srt": ("spa", "eng", "named English, reads as Spanish"),
                     "Quay.de.srt": ("ger", "ger", "")}  # three German words: its name is kept
    assert "subtitle file Quay.en.srt: named English, reads as Spanish" in shown["language_notes"]


def test_speech_heard_in_another_language_than_the_audio_tag_is_said(tmp_path: Path, ffmpeg: Run,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The audio track is tagged English; the deep pass heard French (stored
    as it stores Whisper's moments): show says so, the same way."""
    folder = tmp_path / "media"
    folder.mkdir()
    film = folder / "Talk.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=5:duration=3", "-f", "lavfi", "-i", "sine=d=3",
           "-c:v", "libx264", "-c:a", "aac", "-metadata:s:a:0", "language=eng", str(film))
    db = tmp_path / "lib.sqlite"
    with Library.open(db) as lib:
        Scanner(lib, jobs=1).scan([folder])
        todo = lib.deep_pending("speech", 1)[0]
        lib.store_deep(todo, "speech", 1, [Moment(0.5, 2.0, "speech", LINES["fr"][n], "fre") for n in range(3)], 1.0)
    shown = show(capsys, db, "--json")
    assert shown["speech_language"] == "French"
    assert shown["language_notes"] == ["audio 1: tagged English, sounds like French"]
    assert "audio 1: tagged English, sounds like French" in show(capsys, db)


def test_the_detail_page_shows_the_trusted_language_and_the_mislabelled_tracks(
        scanned: tuple[Path, Path, list[str]]) -> None:
    from pyrec_gui.views.detail import media_rows

    from pyrec.service import PyrecService

    db, _, _ = scanned
    with PyrecService(db) as service:
        rows = dict(media_rows(service.video(service.videos()[0]["id"])))
    assert rows["Subtitles"].startswith("English SubRip, French SubRip, German SubRip, Spanish SSA, Japanese SubRip, "
                                        "unknown language SubRip, Dutch SubRip, Spanish SubRip")
    assert rows["Languages"] == ("subtitles 2: tagged English, reads as French<br>"
                                 "subtitles 5: tagged French, reads as Japanese")


def test_an_embedded_track_in_the_users_language_beats_a_sidecar_in_another(
        tmp_path: Path, ffmpeg: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """An English reader; film.en.srt is Spanish, the film carries untagged
    English lines: the video's subtitle text (search row, text embedding) is English."""
    folder = tmp_path / "media"
    make_tracks_film(ffmpeg, folder / "Pier.mkv", [(LINES["en"], "srt", None)])
    (folder / "Pier.en.srt").write_text(srt(LINES["es"]), encoding="utf-8")
    monkeypatch.setenv("PYREC_LANGUAGES", "en")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([folder])
        digest = lib.videos()[0].text.subtitles
    assert digest.startswith(LINES["en"][0]) and LINES["es"][0] not in digest


def test_the_language_model_is_recorded_and_checked_before_use(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """py3langid's model is read from its wheel, verified against the
    manifest's sha256; a manifest that records another digest stops it."""
    from pyrec.errors import ModelError
    from pyrec.features import language
    from pyrec.models import registry

    entry = language.langid_manifest_entry()
    assert entry["licence"].startswith("BSD") and entry["source"] == {**entry["source"], "pypi": "py3langid"}
    (name, info), = entry["files"].items()
    path = language.langid_model_file()
    assert path.as_posix().endswith(name) and path.stat().st_size == info["bytes"]
    doc = json.loads(registry.MANIFEST.read_text(encoding="utf-8"))
    doc["dependencies"]["py3langid"]["files"][name]["sha256"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(doc))
    monkeypatch.setattr(registry, "MANIFEST", tmp_path / "manifest.json")
    with pytest.raises(ModelError):
        language.langid_model_file()
