"""Subtitle discovery, parsing, decoding and digests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrec.errors import SidecarError
from pyrec.scan.subtitles import (
    MAX_SUBTITLE_BYTES,
    decode_text,
    find_subtitles,
    parse_subtitle_text,
    read_subtitle,
    subtitle_digest,
)

SRT = """1
00:00:01,000 --> 00:00:04,000
<i>One ping only</i>, Vasily.

2
00:00:05,500 --> 00:00:07,000 X1:40 X2:600 Y1:20 Y2:50
{\\an8}- Captain?
- Re-verify our range to target.

3
00:00:08,000 --> 00:00:09,000
♪ ♪

4
00:00:10,000 --> 00:00:12,000
<font color="#ffff00">Crazy Ivan!</font>
"""

VTT = """WEBVTT - a header line
Kind: captions
Language: en

STYLE
::cue { color: yellow }

NOTE this is a comment
spanning two lines

intro
00:00.000 --> 00:02.000 align:start position:10%
<v Ramius>Welcome to the <c.loud>October</c> &amp; her crew.

00:02.000 --> 00:03.500
<00:02.100>Karaoke <00:02.500>style &lt;timing&gt;

00:03.500 --> 00:05.000
<00:02.100>Karaoke <00:02.500>style &lt;timing&gt;
"""


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_srt_to_plain_text() -> None:
    assert parse_subtitle_text(SRT) == [
        "One ping only, Vasily.",
        "Captain? Re-verify our range to target.",
        "Crazy Ivan!",
    ]


def test_vtt_to_plain_text() -> None:
    assert parse_subtitle_text(VTT) == [
        "Welcome to the October & her crew.",
        "Karaoke style <timing>",  # the repeated rolling caption is kept once
    ]


def test_crlf_and_blank_lines_inside_cues() -> None:
    text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nfirst part\r\n\r\nsecond part\r\n\r\n2\r\n" \
           "00:00:03,000 --> 00:00:04,000\r\n42\r\n"
    assert parse_subtitle_text(text) == ["first part", "second part", "42"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nCafé, crème brûlée — “quoted” €5\n"
    path = _write(tmp_path, "m.srt", text.encode(encoding))
    assert read_subtitle(path) == ["Café, crème brûlée — “quoted” €5"]


def test_latin1_bytes_cp1252_cannot_decode_still_read(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252; latin-1 is the last resort and never fails
    path = _write(tmp_path, "m.srt", b"1\n00:00:01,000 --> 00:00:02,000\ncaf\xe9 \x81\n")
    assert read_subtitle(path) == ["café \x81"]


def test_nul_laden_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "bin.srt", b"1\n00:00:01,000 --> 00:00:02,000\n" + b"\x00\xff\x13" * 1000)
    with pytest.raises(SidecarError) as info:
        read_subtitle(path)
    assert info.value.reason.startswith("binary data") and info.value.path == str(path)


def test_gigantic_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.srt"
    with open(path, "wb") as f:
        f.truncate(MAX_SUBTITLE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SidecarError) as info:
        read_subtitle(path)
    assert info.value.reason.startswith("too large")


def test_decode_text_detects_utf16_without_bom() -> None:
    assert decode_text("hello world".encode("utf-16-le"), "x.srt") == "hello world"
    assert decode_text("hello world".encode("utf-16-be"), "x.srt") == "hello world"


def test_find_subtitles_layouts_and_ranking(tmp_path: Path) -> None:
    video = _write(tmp_path, "The.Movie.2019.mkv", b"")
    _write(tmp_path, "The.Movie.2019.srt", SRT)
    _write(tmp_path, "The.Movie.2019.fr.srt", SRT)
    _write(tmp_path, "The.Movie.2019.en.forced.srt", SRT)
    _write(tmp_path, "THE.MOVIE.2019.ENG.VTT", VTT)
    sequel = _write(tmp_path, "The.Movie.2019.Sequel.mkv", b"")
    _write(tmp_path, "The.Movie.2019.Sequel.en.srt", SRT)  # the sequel's, despite the prefix
    _write(tmp_path, "The.Movie.2019.nfo", "<movie/>")
    _write(tmp_path, "Subs/2_English.srt", SRT)
    _write(tmp_path, "Subs/Other.Film.en.srt", SRT)  # another video's
    _write(tmp_path, "Subs/The.Movie.2019/3_Spanish.srt", SRT)
    names = [Path(p).relative_to(tmp_path).as_posix() for p in find_subtitles(video)]
    assert names == [
        "THE.MOVIE.2019.ENG.VTT",
        "The.Movie.2019.srt",
        "The.Movie.2019.fr.srt",
        "Subs/The.Movie.2019/3_Spanish.srt",
        "The.Movie.2019.en.forced.srt",
    ]
    # with two films side by side, "Subs/2_English.srt" could be either's: neither takes it
    assert [Path(p).name for p in find_subtitles(sequel)] == ["The.Movie.2019.Sequel.en.srt"]


def test_language_named_files_in_subs_belong_to_a_lone_film(tmp_path: Path) -> None:
    video = _write(tmp_path, "Film.2020.1080p.mkv", b"")
    _write(tmp_path, "Film.2020.1080p.nfo", "<movie/>")
    _write(tmp_path, "Subs/2_English.srt", SRT)
    _write(tmp_path, "Subs/5_French.forced.srt", SRT)
    _write(tmp_path, "Subs/readme.srt", SRT)  # not a language name: not claimed
    assert [Path(p).name for p in find_subtitles(video)] == ["2_English.srt", "5_French.forced.srt"]


def test_find_subtitles_prefers_the_asked_language(tmp_path: Path) -> None:
    video = _write(tmp_path, "Film.mkv", b"")
    _write(tmp_path, "Film.en.srt", SRT)
    _write(tmp_path, "Film.de.srt", SRT)
    assert [Path(p).name for p in find_subtitles(video, preferred=("german",))] == ["Film.de.srt", "Film.en.srt"]
    assert find_subtitles(tmp_path / "elsewhere" / "x.mkv") == []


def test_digest_is_capped_and_samples_the_whole_film(tmp_path: Path) -> None:
    cues = "".join(f"{i}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\nline number {i}\n\n"
                   for i in range(1, 2001))
    path = _write(tmp_path, "long.srt", cues)
    digest = subtitle_digest([path], max_chars=800)
    assert len(digest) <= 800
    assert digest.startswith("line number 1 line number 2")
    assert "line number 1001" in digest and "line number 1501" in digest  # middle and late scenes


def test_digest_joins_files_until_full(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nfrom a\n")
    b = _write(tmp_path, "b.srt", "1\n00:00:01,000 --> 00:00:02,000\nfrom b\n")
    assert subtitle_digest([a, b]) == "from a from b"
    assert subtitle_digest([a, b], max_chars=6) == "from a"
    assert subtitle_digest([a], max_chars=0) == ""


def test_digest_with_a_broken_file(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.srt", "1\n00:00:01,000 --> 00:00:02,000\nstill here\n")
    bad = _write(tmp_path, "bad.srt", b"\x00" * 64 + b"\x01\x02")
    with pytest.raises(SidecarError) as info:
        subtitle_digest([bad, good])
    assert info.value.path == str(bad)
    warnings: list[str] = []
    assert subtitle_digest([bad, good], warnings=warnings) == "still here"
    assert len(warnings) == 1 and warnings[0].startswith(f"{bad}: binary data")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_fuzz_parse_never_raises(text: str) -> None:
    for cue in parse_subtitle_text(text):
        assert cue and cue == cue.strip() and "\n" not in cue


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("0123456789:,.-> \n<>/{}\\ibWEBVTNOabc&;")), max_size=300))
def test_fuzz_subtitle_shaped_text(text: str) -> None:
    for cue in parse_subtitle_text(text):
        assert cue and "\n" not in cue


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_fuzz_files_only_raise_sidecar_error(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, "fuzz.srt", data)
    try:
        digest = subtitle_digest([path], max_chars=100)
    except SidecarError as exc:
        assert exc.path == str(path)
    else:
        assert len(digest) <= 100
