"""Perceptual hash: stable under re-encoding and resizing, far apart for other pictures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.features.phash import hamming, phash


def reencode(image: np.ndarray, scale: float, quality: int) -> np.ndarray:
    h, w = image.shape[:2]
    small = cv2.resize(image, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def frame_of(path: Path, index: int) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = cap.read()
    cap.release()
    assert ok
    return frame


Scene = Callable[[int, int, int], np.ndarray]


def test_hash_is_a_signed_int64_and_hamming_counts_bits(make_scene: Scene) -> None:
    value = phash(make_scene(1, 320, 240))
    assert -(2**63) <= value < 2**63
    assert hamming(value, value) == 0
    assert hamming(0, -1) == 64  # -1 is all 64 bits set
    assert hamming(0b1011, 0b0001) == 2


def test_same_picture_resized_and_recompressed_keeps_its_hash(make_scene: Scene) -> None:
    for seed in range(5):
        image = make_scene(seed, 640, 360)
        assert hamming(phash(image), phash(reencode(image, 0.5, 40))) <= 4
        assert hamming(phash(image), phash(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))) == 0


def test_different_pictures_are_far_apart(make_scene: Scene) -> None:
    hashes = [phash(make_scene(seed, 320, 240)) for seed in range(8)]
    distances = [hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1:]]
    assert min(distances) >= 16


def test_real_frames(sample_videos: Path) -> None:
    car = frame_of(sample_videos / "car-detection.mp4", 200)
    bottle = frame_of(sample_videos / "bottle-detection.mp4", 300)
    sign = frame_of(sample_videos / "asl_gestures" / "again.mkv", 30)
    for image in (car, bottle, sign):
        assert hamming(phash(image), phash(reencode(image, 0.4, 50))) <= 6
    assert hamming(phash(car), phash(bottle)) >= 20
    assert hamming(phash(car), phash(sign)) >= 20
    assert hamming(phash(bottle), phash(sign)) >= 20


def test_rejects_non_images() -> None:
    with pytest.raises(ValueError):
        phash(np.zeros((2, 2, 2, 2), np.uint8))
