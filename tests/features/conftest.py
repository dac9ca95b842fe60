"""Fixtures for the features tests: synthetic videos made with OpenCV, and the
features of the real sample clips, computed once per session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.features import VideoFeatures, extract_video_features


def scene(seed: int, width: int, height: int) -> np.ndarray:
    """A textured, colourful still: smooth noise plus a few filled circles."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (height // 12 + 2, width // 12 + 2, 3), dtype=np.uint8)
    image = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(6):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(image, centre, int(rng.integers(height // 12, height // 3)), colour, -1)
    return image


def write_video(path: Path, *, seconds: float, fps: float = 25.0, size: tuple[int, int] = (320, 240),
                scene_seconds: float = 10.0, black: Sequence[tuple[float, float]] = (),
                moving: bool = True, seed: int = 0) -> Path:
    """An mp4v file: a new scene every ``scene_seconds``, a moving white square,
    and all-black frames inside each ``black`` (start, end) interval in seconds."""
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write mp4v here"
    scenes: dict[int, np.ndarray] = {}
    dark = np.zeros((height, width, 3), np.uint8)
    for i in range(int(round(seconds * fps))):
        t = i / fps
        if any(a <= t < b for a, b in black):
            writer.write(dark)
            continue
        k = int(t // scene_seconds)
        if k not in scenes:
            scenes[k] = scene(seed * 1000 + k, width, height)
        frame = scenes[k].copy()
        if moving:
            x = int((i * 5) % max(1, width - height // 6))
            cv2.rectangle(frame, (x, height // 3), (x + height // 6, height // 3 + height // 6), (255, 255, 255), -1)
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def make_scene() -> Callable[[int, int, int], np.ndarray]:
    """scene(seed, width, height): a textured colourful still."""
    return scene


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1_000_000))

    def make(name: str | None = None, **kwargs: object) -> Path:
        return write_video(tmp_path / (name or f"video{next(counter)}.mp4"), **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def sample_features(sample_videos: Path) -> dict[str, VideoFeatures]:
    """Features of all 23 sample clips, keyed by file name (computed once: ~10 s)."""
    paths = sorted((sample_videos / "asl_gestures").glob("*.mkv")) + sorted(sample_videos.glob("*.mp4"))
    if len(paths) < 23:
        pytest.skip("sample clips incomplete")
    return {p.name: extract_video_features(p) for p in paths}
