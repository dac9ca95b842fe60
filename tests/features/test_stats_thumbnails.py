"""Colour/light stats and thumbnail files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.features import video_stats, write_thumbnail
from pyrec.features.stats import image_stats, motion_between


def solid(bgr: tuple[int, int, int], size: tuple[int, int] = (90, 160)) -> np.ndarray:
    return np.full((*size, 3), bgr, np.uint8)


def test_hue_histogram_finds_the_colour() -> None:
    red = image_stats([solid((0, 0, 230))])
    blue = image_stats([solid((230, 0, 0))])
    assert red["hue_000"] == pytest.approx(1.0) and red["dominant_hue"] < 1 / 12
    assert blue["hue_240"] == pytest.approx(1.0) and 240 / 360 < blue["dominant_hue"] < 270 / 360
    assert red["saturation"] == pytest.approx(1.0) and red["colourfulness"] > 0.5


def test_circular_hue_mean_wraps_around_red() -> None:
    # 350° and 10° average to 0°, not 180° (OpenCV hue is degrees / 2)
    hsv = np.zeros((10, 20, 3), np.uint8)
    hsv[:, :10] = (175, 255, 255)
    hsv[:, 10:] = (5, 255, 255)
    stats = image_stats([cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)])
    assert min(stats["hue_mean"], 1 - stats["hue_mean"]) < 0.01


def test_grey_has_no_colour_but_brightness_and_contrast() -> None:
    ramp = np.tile(np.linspace(0, 255, 160, dtype=np.uint8), (90, 1))
    stats = image_stats([cv2.cvtColor(ramp, cv2.COLOR_GRAY2BGR)])
    assert stats["chromatic_share"] == 0.0 and stats["colourfulness"] < 0.01
    assert stats["brightness"] == pytest.approx(0.5, abs=0.02)
    assert stats["contrast"] > 0.25
    dark = image_stats([solid((20, 20, 20))])
    assert dark["brightness"] < 0.1 and dark["contrast"] == pytest.approx(0.0, abs=1e-6)


def test_video_stats_combines_motion_and_cuts() -> None:
    a, b = solid((0, 0, 0)), solid((255, 255, 255))
    assert motion_between([a, b]) == pytest.approx(1.0)
    assert motion_between([a]) is None
    stats = video_stats([a, b], motion=0.25, cuts_per_minute=3.0)
    assert stats["motion"] == 0.25 and stats["cuts_per_minute"] == 3.0
    assert stats["keyframe_change"] == pytest.approx(1.0)
    assert video_stats([]) == {}
    assert all(isinstance(v, float) for v in stats.values())


def test_thumbnails_are_content_addressed_and_idempotent(
        tmp_path: Path, make_scene: Callable[[int, int, int], np.ndarray]) -> None:
    image = make_scene(3, 455, 256)
    first = write_thumbnail(image, tmp_path / "thumbs")
    again = write_thumbnail(image.copy(), tmp_path / "thumbs")
    other = write_thumbnail(make_scene(4, 455, 256), tmp_path / "thumbs")
    assert first == again != other
    assert first.parent.name == first.stem[:2] and first.suffix == ".jpg"
    files = sorted(p for p in (tmp_path / "thumbs").rglob("*") if p.is_file())
    assert files == sorted([first, other])  # no temporary files left behind
    decoded = cv2.imread(str(first))
    assert decoded is not None and max(decoded.shape[:2]) == 320
    assert np.abs(cv2.resize(image, decoded.shape[1::-1]).astype(int) - decoded).mean() < 12
