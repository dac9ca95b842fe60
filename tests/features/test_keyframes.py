"""Keyframe picking: bounded decoding on long files, black/flat frames skipped."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from pyrec.features import keyframes as kf
from pyrec.features import pick_keyframes
from pyrec.features.probe import probe, probe_open
from pyrec.features.video import VideoReader
from pyrec.features.quality import DARK


class CountingCapture:
    """Stands in for cv2.VideoCapture and counts every frame decoded through it."""

    decoded = 0
    seeks = 0
    real = cv2.VideoCapture

    def __init__(self, *args: Any) -> None:
        self._cap = CountingCapture.real(*args)

    def grab(self) -> bool:
        ok = self._cap.grab()
        CountingCapture.decoded += bool(ok)
        return ok

    def read(self) -> tuple[bool, Any]:
        ok, frame = self._cap.read()
        CountingCapture.decoded += bool(ok)
        return ok, frame

    def set(self, prop: int, value: float) -> bool:
        if prop in (cv2.CAP_PROP_POS_FRAMES, cv2.CAP_PROP_POS_MSEC):
            CountingCapture.seeks += 1
        return self._cap.set(prop, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cap, name)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingCapture]:
    CountingCapture.decoded = CountingCapture.seeks = 0
    monkeypatch.setattr(cv2, "VideoCapture", CountingCapture)
    return CountingCapture


LONG = {"seconds": 300.0, "fps": 20.0, "size": (320, 240), "scene_seconds": 10.0}
SEGMENT = LONG["seconds"] / 16
# Black stretches centred on three of the 16 seek points: the first window there
# sees only black and the picker must look elsewhere in the segment.
BLACK = [((i + 0.5) * SEGMENT - 3.0, (i + 0.5) * SEGMENT + 3.0) for i in (2, 7, 12)]


def test_long_video_decodes_a_bounded_number_of_frames_and_skips_black(
        make_video: Callable[..., Path], counting: type[CountingCapture]) -> None:
    path = make_video(black=BLACK, **LONG)
    total = int(LONG["seconds"] * LONG["fps"])
    result = pick_keyframes(path, 16)

    # 16 windows of 5 frames 0.1 s apart, 3 of them retried: 9 decodes each,
    # read by PyAV from the key frame before each window; OpenCV only probes.
    assert result.frames_decoded <= 19 * 9 + 2, result.frames_decoded
    assert result.frames_decoded < total * 0.05  # vs 6000 frames in the file
    assert result.seeks <= 19
    assert counting.decoded <= 2 and counting.seeks <= 1

    times = [f.keyframe.time for f in result.frames]
    assert len(times) == 16  # every segment, black ones included, gave a frame
    assert times == sorted(times)
    assert times[0] < SEGMENT and times[-1] > LONG["seconds"] - SEGMENT
    for t in times:
        assert not any(a <= t < b for a, b in BLACK), f"picked a black frame at {t:.1f}s"
    for frame in result.frames:
        assert frame.keyframe.brightness * 255 >= DARK
        assert frame.image.mean() >= DARK
        assert max(frame.image.shape[:2]) <= 512 and min(frame.image.shape[:2]) <= 256
    assert not result.warnings


def test_all_black_video_falls_back_with_a_warning(make_video: Callable[..., Path]) -> None:
    path = make_video(seconds=20.0, fps=10.0, black=[(0.0, 20.0)])
    result = pick_keyframes(path, 8)
    assert result.frames  # something to show rather than nothing
    assert any("dark, flat or blurred" in w for w in result.warnings)


def test_flat_grey_video_is_not_taken_for_content(tmp_path: Path) -> None:
    path = tmp_path / "grey.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (160, 120))
    for _ in range(50):
        writer.write(np.full((120, 160, 3), 128, np.uint8))
    writer.release()
    result = pick_keyframes(path, 4)
    assert len(result.frames) == 1  # identical frames collapse to one
    assert result.warnings


def test_short_clip_is_read_straight_through(make_video: Callable[..., Path],
                                             counting: type[CountingCapture]) -> None:
    path = make_video(seconds=1.0, fps=25.0)
    result = pick_keyframes(path, 16)
    assert counting.seeks <= 1  # at most a rewind to frame 0 after probing
    assert counting.decoded <= 26
    assert 1 <= len(result.frames) <= 16
    assert all(0.0 <= f.keyframe.time < 1.0 for f in result.frames)


def test_still_video_collapses_to_one_keyframe(make_video: Callable[..., Path]) -> None:
    path = make_video(seconds=8.0, fps=10.0, scene_seconds=100.0, moving=False)
    assert len(pick_keyframes(path, 8).frames) == 1


def test_motion_and_cuts_are_measured(make_video: Callable[..., Path]) -> None:
    still = pick_keyframes(make_video(seconds=20.0, fps=20.0, scene_seconds=100.0, moving=False), 8)
    moving = pick_keyframes(make_video(seconds=20.0, fps=20.0, scene_seconds=100.0), 8)
    cutting = pick_keyframes(make_video(seconds=20.0, fps=20.0, scene_seconds=0.3), 8)
    assert still.motion is not None and moving.motion is not None
    assert still.motion < 0.002 < moving.motion
    assert still.cuts_per_minute == 0.0 and moving.cuts_per_minute == 0.0
    assert cutting.cuts_per_minute is not None and cutting.cuts_per_minute > 60


def test_frames_next_to_a_cut_lose_to_frames_inside_a_shot() -> None:
    rng = np.random.default_rng(0)

    def sample(index: int, picture: np.ndarray) -> kf._Sample:
        grey = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
        tiny = cv2.resize(grey, (64, 64)).astype(np.float32) / 255
        return kf._Sample(index, picture, kf.measure(grey), tiny)

    a = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    b = 255 - a  # a hard cut
    samples = [sample(0, a), sample(1, a), sample(2, b), sample(3, b), sample(4, b)]
    best, _, within, cuts = kf._choose(samples)
    assert cuts == 1 and len(within) == 3
    assert best is not None and best.index in (0, 3, 4)  # not 1 or 2, either side of the cut


def test_plan_never_exceeds_the_clip() -> None:
    for frames, fps in [(1, 30.0), (7, 30.0), (47, 30.0), (377, 12.5), (18000, 30.0), (172800, 24.0)]:
        p = kf.plan(frames, fps, 16)
        assert 1 <= p.segments <= min(16, frames)
        assert p.span <= max(1, p.segment_len)


def test_asl_clips_give_keyframes(sample_videos: Path) -> None:
    clip = sample_videos / "asl_gestures" / "again.mkv"
    info = probe(clip)
    result = pick_keyframes(clip, 16, probe=info)
    assert 2 <= len(result.frames) <= 16
    assert result.frames_decoded <= info.frame_count
    assert all(0 <= f.keyframe.time <= info.duration for f in result.frames)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool to tag a rotation")
def test_key_frame_seeks_turn_a_rotated_film_as_opencv_does(make_video: Callable[..., Path], tmp_path: Path) -> None:
    """Long files are read by PyAV from key frames; their frames must come out
    turned exactly like OpenCV's (which applies the rotation tag itself)."""
    source = make_video(seconds=60.0, fps=25.0, size=(640, 360), scene_seconds=15.0, moving=False)
    rotated = tmp_path / "portrait.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", str(rotated)], check=True)
    picked = {}
    for seeks in (True, False):
        with VideoReader(rotated) as video:
            info = probe_open(video)
            assert info.rotation == 90 and info.frame_count * info.width * info.height > kf.SEQUENTIAL_PIXELS
            picked[seeks] = [f.image for f in kf.pick_from(video, info, 4, keyframe_seeks=seeks).frames]
    # one still scene per 15 s segment: both ways pick the same four pictures
    assert len(picked[True]) == len(picked[False]) == 4
    for a, b in zip(picked[True], picked[False], strict=True):
        assert a.shape == b.shape and a.shape[0] > a.shape[1]
        assert np.abs(a.astype(np.int16) - b.astype(np.int16)).mean() < 10.0
