"""What the container says, read with PyAV: tags, chapters, streams with the
names people know, embedded subtitle text with its times, and how much of a
truncated file really plays. Media made with the ffmpeg tool."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pyrec.errors import MediaError
from pyrec.features import container as media
from pyrec.records import Chapter, Cue

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool to make media")

SRT = """1
00:00:01,000 --> 00:00:03,000
The <i>lighthouse</i> keeper waits.

2
00:00:06,000 --> 00:00:08,500
A storm is coming
from the sea.
"""

METADATA = """;FFMETADATA1
title=Storm Watch
GENRE=Drama
artist=Ingrid Solberg
comment=A keeper and   a storm.
date=2019
[CHAPTER]
TIMEBASE=1/1000
START=0
END=12000
title=Calm
[CHAPTER]
TIMEBASE=1/1000
START=12000
END=24000
title=Storm
"""


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Callable[..., None]) -> Path:
    """24 s of H.264 + AAC + an English SubRip track, tags and two chapters, in Matroska."""
    folder = tmp_path_factory.mktemp("container")
    (folder / "subs.srt").write_text(SRT)
    (folder / "meta.txt").write_text(METADATA)
    out = folder / "Storm Watch.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
           "-i", str(folder / "subs.srt"), "-i", str(folder / "meta.txt"),
           "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3",
           "-t", "24", "-c:v", "libx264", "-g", "50", "-c:a", "aac", "-c:s", "srt",
           "-metadata:s:s:0", "language=eng", "-metadata:s:a:0", "language=nor", str(out))
    return out


def truncated(source: Path, share: float, dest: Path) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * share)])
    return dest


def test_tags_chapters_and_streams(film: Path) -> None:
    info = media.read_container(film)
    assert info.label == "Matroska" and 23.9 < info.duration < 24.2
    assert info.tags == {"title": "Storm Watch", "genre": "Drama", "artist": "Ingrid Solberg",
                         "comment": "A keeper and a storm.", "date": "2019"}
    assert info.chapters == (Chapter(0.0, 12.0, "Calm"), Chapter(12.0, 24.0, "Storm"))
    video, = info.of_kind("video")
    audio, = info.of_kind("audio")
    subtitle, = info.of_kind("subtitle")
    assert (video.label, video.width, video.height, round(video.fps), video.bit_depth, video.hdr) == \
           ("H.264", 320, 180, 25, 8, False)
    assert (audio.label, audio.language, audio.channels, audio.sample_rate) == ("AAC", "nor", 1, 44100)
    assert (subtitle.label, subtitle.language, subtitle.text_based) == ("SubRip", "eng", True)


def test_embedded_subtitle_text_with_times(film: Path) -> None:
    subtitle, = media.read_container(film).of_kind("subtitle")
    cues = media.subtitle_cues(film, subtitle.index)
    assert [c.text for c in cues] == ["The lighthouse keeper waits.", "A storm is coming from the sea."]
    assert cues[0] == Cue(pytest.approx(1.0, abs=0.05), pytest.approx(3.0, abs=0.05), cues[0].text)
    assert cues[1].start == pytest.approx(6.0, abs=0.05) and cues[1].end == pytest.approx(8.5, abs=0.05)


def test_subtitle_budget_bounds_a_huge_track(film: Path) -> None:
    subtitle, = media.read_container(film).of_kind("subtitle")
    assert len(media.subtitle_cues(film, subtitle.index, max_cues=1)) == 1


def test_a_video_stream_is_not_a_subtitle_track(film: Path) -> None:
    with pytest.raises(MediaError, match="not a text subtitle track"):
        media.subtitle_cues(film, 0)


def test_whole_file_plays_to_its_claimed_end(film: Path) -> None:
    info = media.read_container(film)
    end = media.playable_end(film)
    assert end == pytest.approx(info.duration, abs=0.1)
    assert not media.is_truncated(end, info.duration)


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_truncated_matroska_plays_only_what_it_holds(film: Path, tmp_path: Path, share: float) -> None:
    cut = truncated(film, share, tmp_path / "cut.mkv")
    info = media.read_container(cut)
    assert info.duration == pytest.approx(24.0, abs=0.1)  # the header still claims it all
    end = media.playable_end(cut)
    assert media.is_truncated(end, info.duration)
    assert 24 * share * 0.6 < end < 24 * share * 1.4, end


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_truncated_mp4_with_index_in_front(film: Path, tmp_path: Path, share: float,
                                           ffmpeg: Callable[..., None]) -> None:
    """The index (moov) promises every sample; the data stops early."""
    whole = tmp_path / "fast.mp4"
    ffmpeg("-i", str(film), "-map", "0:v", "-c", "copy", "-movflags", "+faststart", str(whole))
    cut = truncated(whole, share, tmp_path / "cut.mp4")
    end = media.playable_end(cut)
    assert media.is_truncated(end, media.read_container(cut).duration)
    assert 24 * share * 0.6 < end < 24 * share * 1.4, end


def test_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 64)
    with pytest.raises(MediaError) as err:
        media.read_container(junk)
    assert err.value.one_line().startswith(f"{junk}: FFmpeg cannot open it (")
    assert "\n" not in err.value.one_line()


def test_audio_only_file_has_no_video_stream(tmp_path: Path, ffmpeg: Callable[..., None]) -> None:
    song = tmp_path / "song.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine", "-t", "3", str(song))
    info = media.read_container(song)
    assert info.of_kind("video") == [] and [s.label for s in info.of_kind("audio")] == ["AAC"]
    assert media.playable_end(song) == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize(("codec", "label"), [("h264", "H.264"), ("hevc", "HEVC"), ("mpeg4", "MPEG-4"),
                                              ("pcm_s16le", "PCM"), ("hdmv_pgs_subtitle", "PGS"), ("zz", "ZZ")])
def test_codec_labels_people_know(codec: str, label: str) -> None:
    assert media.codec_label(codec) == label
