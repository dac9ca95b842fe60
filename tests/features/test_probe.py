"""probe(): what a file is, and a clear MediaError when it is not a video."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pyrec.errors import MediaError
from pyrec.features import extract_video_features, pick_keyframes
from pyrec.features.probe import probe


def test_probe_reports_what_was_written(make_video: Callable[..., Path]) -> None:
    path = make_video(seconds=2.0, fps=25.0, size=(320, 240))
    info = probe(path)
    assert (info.width, info.height) == (320, 240)
    assert info.fps == pytest.approx(25.0)
    assert info.frame_count == 50
    assert info.duration == pytest.approx(2.0)
    assert info.codec in {"FMP4", "mp4v"}  # OpenCV names MPEG-4 Part 2 by its FourCC
    assert info.rotation == 0


def test_probe_real_clip(sample_videos: Path) -> None:
    info = probe(sample_videos / "car-detection.mp4")
    assert (info.width, info.height, info.frame_count) == (768, 432, 377)
    assert info.fps == pytest.approx(12.5)
    assert info.duration == pytest.approx(377 / 12.5)
    assert info.codec == "h264"


def test_probe_handles_unicode_names(make_video: Callable[..., Path]) -> None:
    path = make_video(name="Amélie – 東京 🎬.mp4", seconds=1.0)
    assert probe(path).frame_count == 25


def _zero_byte(tmp_path: Path, *_: object) -> Path:
    path = tmp_path / "empty.mp4"
    path.touch()
    return path


def _text_as_mp4(tmp_path: Path, *_: object) -> Path:
    path = tmp_path / "notes.mp4"
    path.write_text("These are my shopping notes, not a film.\n" * 200)
    return path


def _random_bytes(tmp_path: Path, *_: object) -> Path:
    path = tmp_path / "noise.mkv"
    path.write_bytes(bytes(range(256)) * 400)
    return path


def _truncated_mp4(tmp_path: Path, make_video: Callable[..., Path], *_: object) -> Path:
    # OpenCV writes the mp4 index at the end: cutting the tail loses it.
    full = make_video(seconds=3.0)
    path = tmp_path / "cut.mp4"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    return path


def _header_only_mkv(tmp_path: Path, _: Callable[..., Path], request: pytest.FixtureRequest) -> Path:
    # Matroska keeps its header first: a file cut after it opens but holds no frame.
    source = request.getfixturevalue("sample_videos") / "asl_gestures" / "again.mkv"
    path = tmp_path / "cut.mkv"
    path.write_bytes(source.read_bytes()[:1500])
    return path


def _directory(tmp_path: Path, *_: object) -> Path:
    path = tmp_path / "folder.mp4"
    path.mkdir()
    return path


BAD_FILES = {
    "zero-byte": (_zero_byte, "empty file"),
    "text renamed .mp4": (_text_as_mp4, "not a video"),
    "random bytes": (_random_bytes, "not a video"),
    "truncated mp4": (_truncated_mp4, "not a video"),
    "header-only mkv": (_header_only_mkv, "no video frame could be decoded"),
    "directory": (_directory, "not a regular file"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_raise_media_error_with_path_and_reason(case: str, tmp_path: Path, make_video: Callable[..., Path],
                                                          request: pytest.FixtureRequest) -> None:
    build, reason = BAD_FILES[case]
    path = build(tmp_path, make_video, request)
    for call in (probe, pick_keyframes, lambda p: extract_video_features(p, encoders=())):
        with pytest.raises(MediaError) as info:
            call(path)
        assert info.value.path == str(path)
        assert reason in info.value.reason
        assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        probe(tmp_path / "gone.mp4")


def test_partly_truncated_mkv_still_gives_keyframes_and_a_warning(sample_videos: Path, tmp_path: Path) -> None:
    source = sample_videos / "asl_gestures" / "book.mkv"
    cut = tmp_path / "book.mkv"
    shutil.copy(source, cut)
    cut.write_bytes(source.read_bytes()[: source.stat().st_size * 2 // 5])
    result = pick_keyframes(cut)
    assert result.frames  # the first part is still a video
    assert all(f.keyframe.time < 0.6 * probe(source).duration for f in result.frames)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool to tag a rotation")
def test_rotation_is_reported_and_applied(make_video: Callable[..., Path], tmp_path: Path) -> None:
    source = make_video(seconds=1.0, fps=10.0, size=(320, 240))
    rotated = tmp_path / "portrait.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", str(rotated)], check=True)
    info = probe(rotated)
    assert info.rotation == 90  # clockwise, as ffprobe reads the tag
    assert (info.width, info.height) == (240, 320)  # as displayed
    frame = pick_keyframes(rotated, 2).frames[0].image
    assert frame.shape[0] > frame.shape[1]  # keyframes come out upright (portrait)
