"""Media made with the ffmpeg tool (the ``ffmpeg`` fixture runs it) for the
media-text tests: a Matroska film with tags, chapters and an English SubRip
track, an MP4 with a mov_text track, and films whose subtitle track is
binary junk or far too long."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

Run = Callable[..., None]

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

FILM_TAGS = {"title": "Storm Watch", "GENRE": "Drama, Sea / Weather", "artist": "Ingrid Solberg",
             "director": "Ole Brekke", "composer": "Kari Lunde", "description": "A keeper and a storm.",
             "date": "2019-05-01"}
FILM_CHAPTERS = ((0.0, 4.0, "Calm"), (4.0, 8.0, "Storm"))


def ffmetadata(tags: Mapping[str, str], chapters: Sequence[tuple[float, float, str]]) -> str:
    """FFmpeg's metadata file: global tags, then one block per chapter (milliseconds)."""
    blocks = [";FFMETADATA1", *(f"{k}={v}" for k, v in tags.items())]
    for start, end, title in chapters:
        blocks += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={int(start * 1000)}", f"END={int(end * 1000)}",
                   f"title={title}"]
    return "\n".join(blocks) + "\n"


def _picture(seconds: int) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=10:duration={seconds}"]


def make_film(ffmpeg: Run, path: Path) -> Path:
    """8 s of H.264 in Matroska with container tags, two chapters and an English SubRip track."""
    work = path.parent / f".{path.stem}.work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "subs.srt").write_text(SRT)
    (work / "meta.txt").write_text(ffmetadata(FILM_TAGS, FILM_CHAPTERS))
    ffmpeg(*_picture(8), "-i", str(work / "subs.srt"), "-i", str(work / "meta.txt"),
           "-map", "0:v", "-map", "1:s", "-map_metadata", "2", "-map_chapters", "2",
           "-c:v", "libx264", "-g", "10", "-c:s", "srt", "-metadata:s:s:0", "language=eng", str(path))
    shutil.rmtree(work)
    return path


def make_mp4_with_text(ffmpeg: Run, path: Path) -> Path:
    """6 s of H.264 in MP4 with a Norwegian mov_text track and a title tag."""
    srt = _work_file(path, MP4_SRT.encode())
    ffmpeg(*_picture(6), "-i", str(srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-g", "10",
           "-c:s", "mov_text", "-metadata:s:s:0", "language=nor", "-metadata", "title=Harbour Market", str(path))
    srt.unlink()
    return path


def make_binary_track_film(ffmpeg: Run, path: Path, cues: int = 400, size: int = 3000) -> Path:
    """A Matroska film whose SubRip track holds binary junk in many large cues: mislabelled or hostile."""
    rng = random.Random(7)
    lines = []
    for i in range(cues):
        # No line breaks or NULs: the SubRip reader would stop there; the rest is not UTF-8.
        junk = bytes(rng.randrange(1, 256) for _ in range(size)).replace(b"\n", b"\x01").replace(b"\r", b"\x01")
        lines.append(f"{i + 1}\n{_ts(i * 0.02)} --> {_ts(i * 0.02 + 0.01)}\n".encode() + junk + b"\n\n")
    return _mux_copied_track(ffmpeg, path, b"".join(lines))


def make_huge_track_film(ffmpeg: Run, path: Path, cues: int = 6000) -> Path:
    """A Matroska film with a SubRip track of thousands of lines: more than a scan reads."""
    text = "".join(f"{i + 1}\n{_ts(i * 0.001)} --> {_ts(i * 0.001 + 0.0005)}\nline {i} of the flood\n\n"
                   for i in range(cues))
    return _mux_copied_track(ffmpeg, path, text.encode())


def _mux_copied_track(ffmpeg: Run, path: Path, srt_bytes: bytes) -> Path:
    srt = _work_file(path, srt_bytes)
    # Copied, not re-encoded: FFmpeg's SubRip encoder would refuse junk.
    ffmpeg(*_picture(8), "-i", str(srt), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-c:s", "copy", str(path))
    srt.unlink()
    return path


def _work_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.with_suffix(".work.srt")
    work.write_bytes(data)
    return work


def _ts(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
