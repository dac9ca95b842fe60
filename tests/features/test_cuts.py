"""Shot cuts on generated videos whose cut times are known: precision and
recall of the cut times within ±1 frame-step, no cuts inside moving shots,
and cuts per minute / scene count reaching the stored stats."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.errors import MediaError
from pyrec.features.cuts import STEP, Shots, detect_cuts, shots_of, signature

from .conftest import scene

FPS = 25.0
SIZE = (480, 270)


def shot_scene(seed: int, width: int, height: int) -> np.ndarray:
    """A textured still whose overall colour differs from shot to shot, as a
    new camera set-up does (random textures of one palette would differ
    from each other no more than a moving shot from itself)."""
    hsv = cv2.cvtColor(scene(seed, width, height), cv2.COLOR_BGR2HSV)
    hue = (seed * 37) % 180
    hsv[:, :, 0] = ((hsv[:, :, 0].astype(np.int32) // 3 + hue) % 180).astype(np.uint8)
    hsv[:, :, 2] = (hsv[:, :, 2].astype(np.float32) * (0.55 + 0.45 * ((seed * 7) % 5) / 4)).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def _shot_frame(kind: str, seed: int, i: int, base: np.ndarray) -> np.ndarray:
    """One frame of a shot that moves a lot without cutting."""
    w, h = SIZE
    if kind == "pan":  # the camera sweeps across a scene twice the width
        x = int(i * 3) % w
        return np.ascontiguousarray(base[:, x:x + w])
    frame = base.copy()
    if kind == "fast object":  # a big block racing across the frame
        x = int(i * 23) % w
        cv2.rectangle(frame, (x - 60, 60), (x + 60, 200), (255, 255, 255), -1)
    elif kind == "flicker":  # lights dimming and coming back (a fade is not a cut)
        frame = cv2.convertScaleAbs(frame, alpha=0.85 + 0.15 * np.sin(i / 6.0))
    else:  # a small square drifts
        x = int(i * 5) % w
        cv2.rectangle(frame, (x, 100), (x + 30, 130), (255, 255, 255), -1)
    return frame


def write_shots(path: Path, shots: list[tuple[float, str, int]]) -> list[float]:
    """Shots of (seconds, kind, seed); returns the true cut times."""
    w, h = SIZE
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    assert writer.isOpened()
    cuts: list[float] = []
    frame_index = 0
    for n, (seconds, kind, seed) in enumerate(shots):
        if n:
            cuts.append(frame_index / FPS)
        base = shot_scene(seed, w * 2 if kind == "pan" else w, h)
        for i in range(int(round(seconds * FPS))):
            writer.write(_shot_frame(kind, seed, i, base))
            frame_index += 1
    writer.release()
    return cuts


SHOTS = [(6.0, "drift", 1), (4.0, "fast object", 2), (9.0, "pan", 3), (3.0, "drift", 4), (5.0, "flicker", 5),
         (2.0, "drift", 6), (7.0, "fast object", 7), (4.5, "pan", 8), (3.5, "drift", 9), (6.0, "drift", 10)]


def _match(found: list[float], truth: list[float], tolerance: float) -> tuple[float, float]:
    """(precision, recall) with each true cut matched at most once within ``tolerance``."""
    unused = list(truth)
    hits = 0
    for t in found:
        near = [u for u in unused if abs(u - t) <= tolerance]
        if near:
            unused.remove(min(near, key=lambda u: abs(u - t)))
            hits += 1
    return hits / max(1, len(found)), hits / max(1, len(truth))


def test_cut_times_are_found_within_one_step(tmp_path: Path) -> None:
    path = tmp_path / "shots.mp4"
    truth = write_shots(path, SHOTS)
    shots = shots_of(path)
    precision, recall = _match(shots.cuts, truth, STEP + 1 / FPS)
    print(f"\n{len(truth)} true cuts, {len(shots.cuts)} found: precision {precision:.2f}, recall {recall:.2f} "
          f"(±{STEP} s); {shots.frames} frames compared")
    assert precision >= 0.9 and recall >= 0.9, (shots.cuts, truth)
    duration = sum(s for s, _, _ in SHOTS)
    assert shots.seconds == pytest.approx(duration, abs=2 * STEP)
    assert shots.scenes == len(shots.cuts) + 1
    assert shots.cuts_per_minute == pytest.approx(len(truth) * 60 / duration, rel=0.15)


def test_moving_shots_without_cuts_give_none(tmp_path: Path) -> None:
    path = tmp_path / "one-shot.mp4"
    write_shots(path, [(8.0, "pan", 3)])
    assert shots_of(path).cuts == []
    path = tmp_path / "busy.mp4"
    write_shots(path, [(8.0, "fast object", 2)])
    assert shots_of(path).cuts == []


def test_adaptive_threshold_on_signatures() -> None:
    a, b = scene(1, 160, 90), scene(2, 160, 90)
    frames = [a] * 5 + [b] * 5
    shots = detect_cuts([i * 0.5 for i in range(10)], [signature(f) for f in frames])
    assert shots.cuts == [2.5] and shots.scenes == 2 and shots.cuts_per_minute == pytest.approx(60 / 4.5)
    assert detect_cuts([], []) == Shots([], 0.0, 0) and Shots([], 0.0, 0).scenes == 0


def test_not_a_video_is_a_media_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.mp4"
    bad.write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError, match="x.mp4"):
        shots_of(bad)


def test_scan_features_carry_the_cut_rate_and_scene_count(tmp_path: Path) -> None:
    """What stats.py used to store was the keyframe windows' count (~6 s of
    film seen, so 0 for every file); now the low-res stream's."""
    from pyrec.features.extract import extract_video_features

    path = tmp_path / "shots.mp4"
    truth = write_shots(path, SHOTS)
    stats = extract_video_features(path, encoders=()).stats
    duration = sum(s for s, _, _ in SHOTS)
    assert stats["scenes"] == len(truth) + 1
    assert stats["cuts_per_minute"] == pytest.approx(len(truth) * 60 / duration, rel=0.15)


def test_long_video_is_sampled_and_its_scene_count_estimated(tmp_path: Path) -> None:
    from pyrec.features.cuts import SAMPLES, fast_shots

    path = tmp_path / "long.mp4"
    shots = [(4.0, "drift", s) for s in range(40)]  # 160 s, a cut every 4 s: 15 cuts per minute
    write_shots(path, shots)
    # as if it were large (720p): the fast pass then reads SAMPLES stretches, not the whole stream
    result = fast_shots(path, duration=160.0, fps=FPS, width=1280, height=720)
    assert result.duration == 160.0 and result.seconds < 160.0 / 2
    assert result.frames <= SAMPLES * 10
    assert result.cuts_per_minute == pytest.approx(15.0, rel=0.5)
    assert 20 <= result.scenes <= 61


def test_larger_pictures_get_shorter_sample_stretches(tmp_path: Path) -> None:
    """The sample costs about a 720p one's decoded pixels at any size (1080p
    decoding costs ~2.2x per frame), never under MIN_SAMPLE_SECONDS."""
    from pyrec.features.cuts import MIN_SAMPLE_SECONDS, SAMPLE_SECONDS, SAMPLES, fast_shots, sample_seconds

    assert sample_seconds(640, 360) == sample_seconds(1280, 720) == SAMPLE_SECONDS
    assert sample_seconds(1600, 900) == pytest.approx(SAMPLE_SECONDS * 1280 * 720 / (1600 * 900))
    assert sample_seconds(1920, 1080) == sample_seconds(3840, 2160) == MIN_SAMPLE_SECONDS
    path = tmp_path / "long.mp4"
    write_shots(path, [(4.0, "drift", s) for s in range(40)])
    at_720 = fast_shots(path, duration=160.0, fps=FPS, width=1280, height=720)
    at_1080 = fast_shots(path, duration=160.0, fps=FPS, width=1920, height=1080)
    assert at_1080.seconds < 0.6 * at_720.seconds and at_1080.frames <= SAMPLES * 5
