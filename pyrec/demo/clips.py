"""Render short synthetic clips with OpenCV, each style visually distinct.

Used by ``pyrec demo`` (a sample library that needs no downloads), by tests and
by benchmarks. Styles differ in palette, texture and motion, so a visual model
sees real structure: ocean clips resemble each other more than city nights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import cast

import cv2
import numpy as np

Frame = np.ndarray
Painter = Callable[[int, int, int, float, np.random.Generator], Frame]
# A painter draws frame i at time t. ``rng`` is seeded per clip and re-seeded
# for every frame by render_clip, so layouts differ between clips (seeds) but
# stay put within one clip; motion comes from t.


def _vertical_gradient(h: int, w: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Frame:
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = (1 - t) * np.array(top, np.float32) + t * np.array(bottom, np.float32)
    return np.repeat(img, w, axis=1).astype(np.uint8)


def _ocean(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    sky = cast("tuple[int, int, int]", tuple(int(c) for c in rng.integers(140, 256, 3)))
    img = _vertical_gradient(h, w, sky, (120, 60, 10))  # BGR: sky to deep sea
    horizon = int(h * rng.uniform(0.2, 0.5))
    for k in range(int(rng.integers(4, 10))):  # moving wave crests
        y = horizon + int((k + 1) * (h - horizon) / 9 + 4 * math.sin(t * 2 + k))
        xs = np.arange(0, w, 4)
        ys = (y + 3 * np.sin(xs / 17.0 + t * 3 + k)).astype(np.int32)
        pts = np.stack([xs, ys], axis=1).reshape(-1, 1, 2)
        cv2.polylines(img, [pts], False, (250, 240, 230), 1, cv2.LINE_AA)
    cv2.circle(img, (int(w * rng.uniform(0.1, 0.9)), int(h * 0.15)), max(4, h // 14), (200, 240, 255), -1, cv2.LINE_AA)
    return img


def _forest(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    base = rng.integers(0, 60, size=(h // 4, w // 4, 3), dtype=np.uint8)
    img = cv2.resize(base, (w, h), interpolation=cv2.INTER_NEAREST)
    img[..., 1] = np.clip(img[..., 1].astype(np.int32) + 90, 0, 255).astype(np.uint8)  # green canopy
    for _ in range(int(rng.integers(3, 10))):
        x = int(rng.integers(0, w) + 10 * t) % w
        cv2.rectangle(img, (x, h // 3), (x + max(3, w // 40), h), (30, 60, 90), -1)
    return img


def _city_night(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    img = np.full((h, w, 3), (25, 10, 10), np.uint8)
    grid = rng
    for bx in range(0, w, w // 8):
        top = int(h * (0.25 + 0.4 * grid.random()))
        cv2.rectangle(img, (bx + 2, top), (bx + w // 8 - 2, h), (40, 30, 30), -1)
        for wy in range(top + 4, h - 6, 9):
            for wx in range(bx + 5, bx + w // 8 - 6, 8):
                if grid.random() < 0.45:
                    img[wy : wy + 4, wx : wx + 4] = (80, 210, 255)  # lit windows
    x = int((t * 60) % (w + 40)) - 20  # a car's headlights crossing
    cv2.circle(img, (x, h - 10), 4, (255, 255, 255), -1)
    cv2.circle(img, (x + 12, h - 10), 4, (255, 255, 255), -1)
    return img


def _desert(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    img = _vertical_gradient(h, w, (230, 190, 120), (90, 170, 230))
    xs = np.arange(w)
    base, wave = rng.uniform(0.35, 0.6), rng.uniform(15.0, 60.0)
    for k, colour in enumerate([(60, 140, 210), (40, 120, 190), (20, 100, 170)]):
        ys = (h * (base + 0.13 * k) + 12 * np.sin(xs / (wave + 10 * k) + t * 0.4 + k)).astype(np.int32)
        for x, y in zip(xs, ys):
            img[max(0, y) :, x] = colour
    cv2.circle(img, (int(w * rng.uniform(0.1, 0.9)), int(h * 0.2)), max(5, h // 10), (120, 230, 255), -1, cv2.LINE_AA)
    return img


def _snow(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    img = _vertical_gradient(h, w, (200, 195, 190), (245, 245, 245))
    flakes = rng.random((int(rng.integers(60, 200)), 2))
    for fx, fy in flakes:
        x = int(fx * w + 5 * math.sin(t + fy * 10))
        y = int((fy * h + t * 40) % h)
        cv2.circle(img, (x, y), 2, (255, 255, 255), -1)
    cv2.rectangle(img, (0, int(h * rng.uniform(0.6, 0.9))), (w, h), (235, 235, 240), -1)
    return img


def _cartoon(h: int, w: int, i: int, t: float, rng: np.random.Generator) -> Frame:
    img = np.full((h, w, 3), 250, np.uint8)
    palette = [(0, 0, 255), (0, 200, 0), (255, 0, 0), (0, 220, 255), (255, 0, 200)]
    order = rng.permutation(len(palette))
    for k, colour in enumerate(palette[j] for j in order):
        cx = int(w / 2 + w / 3 * math.sin(t * (1 + k * 0.3) + k))
        cy = int(h / 2 + h / 3 * math.cos(t * (1.2 + k * 0.2) + k))
        if k % 2:
            cv2.circle(img, (cx, cy), h // 8, colour, -1, cv2.LINE_AA)
        else:
            cv2.rectangle(img, (cx - h // 9, cy - h // 9), (cx + h // 9, cy + h // 9), colour, -1)
    return img


STYLES: dict[str, Painter] = {
    "ocean": _ocean,
    "forest": _forest,
    "city-night": _city_night,
    "desert": _desert,
    "snow": _snow,
    "cartoon": _cartoon,
}


def render_clip(
    path: str | Path,
    style: str,
    *,
    seconds: float = 4.0,
    size: tuple[int, int] = (320, 240),
    fps: float = 12.0,
    seed: int = 0,
    black_intro: float = 0.0,
) -> Path:
    """Write an MP4 (mp4v) clip of the given style; returns its path.

    ``black_intro`` seconds of black frames start the clip (keyframe pickers
    must skip them). Different seeds give different clips of one style.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose from {', '.join(STYLES)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))  # type: ignore[attr-defined]
    if not writer.isOpened():
        raise RuntimeError(f"{path}: OpenCV cannot write mp4v video here")
    painter = STYLES[style]
    phase = float(seed) * 1.7  # seeds also shift the motion
    try:
        n = max(1, int(round(seconds * fps)))
        n_black = int(round(black_intro * fps))
        for i in range(n):
            if i < n_black:
                writer.write(np.zeros((h, w, 3), np.uint8))
                continue
            writer.write(painter(h, w, i, phase + i / fps, np.random.default_rng(seed)))
    finally:
        writer.release()
    return path


def resized_copy(src: str | Path, dst: str | Path, scale: float) -> Path:
    """A real copy of `src` at another size (every frame resized, re-encoded
    as mp4v), as a download at another resolution is: the same recording.
    (Rendering the style again at another size is not: its motion is drawn
    in pixels, so it moves differently.)"""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 12.0
    w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) * scale) // 2 * 2
    h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) * scale) // 2 * 2
    writer = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))  # type: ignore[attr-defined]
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            writer.write(cv2.resize(frame, (w, h), interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA))
    finally:
        cap.release()
        writer.release()
    return dst
