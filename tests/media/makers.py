"""Media made with the ffmpeg tool for the media-text tests: a Matroska film
with tags, chapters and an English SubRip track, an MP4 with a mov_text
track, and a film whose subtitle track is binary junk."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool to make media")

SRT = """1
00:00:01,000 --> 00:00:03,000
The <i>lighthouse</i> keeper waits.

2
00:00:06,000 --> 00:00:08,500
Ships pass the lighthouse at night.
"""

MP4_SRT = """1
00:00:02,000 --> 00:00:04,000
Welcome to the harbour market.
"""

FILM_TAGS = """;FFMETADATA1
title=Storm Watch
GENRE=Drama, Sea / Weather
artist=Ingrid Solberg
director=Ole Brekke
composer=Kari Lunde
description=A keeper and a storm.
date=2019-05-01
[CHAPTER]
TIMEBASE=1/1000
START=0
END=4000
title=Calm
[CHAPTER]
TIMEBASE=1/1000
START=4000
END=8000
title=Storm
"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=120)


def _picture(seconds: int) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=10:duration={seconds}"]


def make_film(path: Path, tags: str = FILM_TAGS, srt: str = SRT) -> Path:
    """8 s of H.264 in Matroska with container tags, two chapters and an English SubRip track."""
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.parent / f".{path.stem}.work"
    work.mkdir(exist_ok=True)
    (work / "subs.srt").write_text(srt)
    (work / "meta.txt").write_text(tags)
    ffmpeg(*_picture(8), "-i", str(work / "subs.srt"), "-i", str(work / "meta.txt"),
           "-map", "0:v", "-map", "1:s", "-map_metadata", "2", "-map_chapters", "2",
           "-c:v", "libx264", "-g", "10", "-c:s", "srt", "-metadata:s:s:0", "language=eng", str(path))
    shutil.rmtree(work)
    return path


def make_mp4_with_text(path: Path) -> Path:
    """6 s of H.264 in MP4 with a Norwegian mov_text track and a title tag."""
    path.parent.mkdir(parents=True, exist_ok=True)
    srt = path.with_suffix(".work.srt")
    srt.write_text(MP4_SRT)
    ffmpeg(*_picture(6), "-i", str(srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-g", "10",
           "-c:s", "mov_text", "-metadata:s:s:0", "language=nor", "-metadata", "title=Harbour Market", str(path))
    srt.unlink()
    return path


def make_binary_track_film(path: Path, cues: int = 400, size: int = 3000) -> Path:
    """A Matroska film whose SubRip track holds binary junk (NUL bytes and
    random data) in many large cues: mislabelled or hostile."""
    import random

    rng = random.Random(7)
    path.parent.mkdir(parents=True, exist_ok=True)
    srt = path.with_suffix(".work.srt")
    lines = []
    for i in range(cues):
        # No line breaks or NULs: the SubRip reader would stop there; the rest is not UTF-8.
        junk = bytes(rng.randrange(1, 256) for _ in range(size)).replace(b"\n", b"\x01").replace(b"\r", b"\x01")
        start, end = i * 0.02, i * 0.02 + 0.01
        lines.append(f"{i + 1}\n{_ts(start)} --> {_ts(end)}\n".encode() + junk + b"\n\n")
    srt.write_bytes(b"".join(lines))
    # Copied, not re-encoded: FFmpeg's SubRip encoder would refuse the junk.
    ffmpeg(*_picture(8), "-i", str(srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-c:s", "copy", str(path))
    srt.unlink()
    return path


def make_huge_track_film(path: Path, cues: int = 6000) -> Path:
    """A Matroska film with a SubRip track of thousands of lines: more than a scan reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    srt = path.with_suffix(".work.srt")
    srt.write_text("".join(f"{i + 1}\n{_ts(i * 0.001)} --> {_ts(i * 0.001 + 0.0005)}\nline {i} of the flood\n\n"
                           for i in range(cues)))
    ffmpeg(*_picture(8), "-i", str(srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-c:s", "srt", str(path))
    srt.unlink()
    return path


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
