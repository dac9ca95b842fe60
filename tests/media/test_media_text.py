"""read_media_text on one open container: chapters and the cues of every
text subtitle format FFmpeg muxes into Matroska, with their language."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrec.features.container import opened
from pyrec.features.media_text import read_media_text, subtitle_digest
from pyrec.records import MediaText

from .makers import MP4_SRT, Run, make_film


def read(path: Path) -> tuple[MediaText, list[str]]:
    warnings: list[str] = []
    with opened(path) as container:
        return read_media_text(container, path, warnings), warnings


@pytest.mark.parametrize("codec", ["srt", "ass", "webvtt"])
def test_text_subtitle_formats_become_moments(tmp_path: Path, ffmpeg: Run, codec: str) -> None:
    (tmp_path / "in.srt").write_text(MP4_SRT)
    path = tmp_path / f"{codec}.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=4", "-i", str(tmp_path / "in.srt"),
           "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-c:s", codec, "-metadata:s:s:0", "language=fra", str(path))
    media, warnings = read(path)
    assert warnings == []
    # One English line is too little to overrule the tag: it stays French, as ISO 639-2/B ("fra" -> "fre").
    assert [(m.kind, m.start, m.end, m.text, m.language) for m in media.moments] == [
        ("subtitle", 2.0, 4.0, "Welcome to the harbour market.", "fre")]
    assert media.cue_counts == {1: 1}


def test_chapters_and_lines_in_one_read(tmp_path: Path, ffmpeg: Run) -> None:
    media, warnings = read(make_film(ffmpeg, tmp_path / "film.mkv"))
    assert warnings == [] and media.container.label == "Matroska"
    assert [(m.kind, m.text) for m in media.moments] == [
        ("chapter", "Calm"), ("chapter", "Storm"),
        ("subtitle", "The lighthouse keeper waits."), ("subtitle", "Ships pass the lighthouse at night.")]
    assert subtitle_digest(media) == "The lighthouse keeper waits. Ships pass the lighthouse at night."
    assert subtitle_digest(None) == ""
