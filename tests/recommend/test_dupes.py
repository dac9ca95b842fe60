"""Near-duplicates on real video: a re-encoded, downscaled and trimmed copy of
a sample clip is grouped with its original, unrelated clips are not."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.features import pick_keyframes
from pyrec.recommend.dupes import (
    DupeItem,
    candidate_pairs,
    find_duplicates,
    hamming_matrix,
    match_fraction,
)


def reencode(src: Path, dst: Path, *, scale: float, trim_seconds: float) -> None:
    """A real re-encode (mp4v) at a smaller size with the start cut off."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) * scale) // 2 * 2, int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) * scale) // 2 * 2
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    skip = int(trim_seconds * fps)
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i >= skip:
            out.write(cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA))
        i += 1
    cap.release()
    out.release()


def item(video_id: int, path: Path) -> DupeItem:
    ks = pick_keyframes(path)
    cap = cv2.VideoCapture(str(path))
    frames, fps = cap.get(cv2.CAP_PROP_FRAME_COUNT), cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cap.release()
    return DupeItem(
        video_id=video_id,
        hashes=np.array([f.keyframe.phash for f in ks.frames], dtype=np.int64),
        times=np.array([f.keyframe.time for f in ks.frames]),
        duration=frames / fps, width=w, height=h, size=path.stat().st_size,
    )


@pytest.fixture(scope="module")
def clips(sample_videos: Path, tmp_path_factory: pytest.TempPathFactory) -> list[DupeItem]:
    tmp = tmp_path_factory.mktemp("dupes")
    copy = tmp / "bottles-small.mp4"
    reencode(sample_videos / "bottle-detection.mp4", copy, scale=0.5, trim_seconds=5.0)
    return [
        item(1, sample_videos / "bottle-detection.mp4"),
        item(2, copy),
        item(3, sample_videos / "car-detection.mp4"),
        item(4, sample_videos / "one-by-one-person-detection.mp4"),
    ]


def test_reencoded_trimmed_copy_is_grouped_and_original_preferred(clips: list[DupeItem]) -> None:
    groups = find_duplicates(clips)
    assert [g.video_ids for g in groups] == [[1, 2]]
    assert groups[0].best == 1  # full resolution, full length
    assert match_fraction(clips[0], clips[1]) >= 0.6
    assert match_fraction(clips[0], clips[2]) < 0.2
    assert match_fraction(clips[2], clips[3]) < 0.2


def test_hamming_and_synthetic_trim_alignment() -> None:
    rng = np.random.default_rng(3)
    hashes = rng.integers(-(2**63), 2**63 - 1, size=12, dtype=np.int64)
    times = np.arange(12) * 10.0
    flips = np.int64(0b1011)  # 3 bits: a re-encode
    a = DupeItem(1, hashes, times, 120.0, 1920, 1080, 4_000_000)
    b = DupeItem(2, hashes[3:] ^ flips, times[3:] - 30.0, 90.0, 1280, 720, 2_000_000)  # trimmed by 30 s
    shuffled = DupeItem(3, hashes[3:], rng.permutation(times[3:]), 90.0)  # same frames, wrong order: not a copy
    assert hamming_matrix(hashes[:1], hashes[:1] ^ flips)[0, 0] == 3
    assert match_fraction(a, b) == pytest.approx(1.0)
    assert match_fraction(a, shuffled) < 0.5
    groups = find_duplicates([a, b, DupeItem(4, rng.integers(-(2**63), 2**63 - 1, size=12, dtype=np.int64), times, 120.0)])
    assert [g.video_ids for g in groups] == [[1, 2]] and groups[0].best == 1


def test_an_intact_copy_beats_a_damaged_one() -> None:
    """The truncated 1080p copy plays half; the whole 720p one is the one to keep."""
    rng = np.random.default_rng(5)
    hashes = rng.integers(-(2**63), 2**63 - 1, size=12, dtype=np.int64)
    times = np.arange(12) * 10.0
    damaged = DupeItem(1, hashes[:6], times[:6], 120.0, 1920, 1080, 2_000_000, damaged=True)
    intact = DupeItem(2, hashes, times, 120.0, 1280, 720, 3_000_000)
    groups = find_duplicates([damaged, intact])
    assert [g.video_ids for g in groups] == [[1, 2]] and groups[0].best == 2
    groups = find_duplicates([DupeItem(1, hashes[:6], times[:6], 120.0, 1920, 1080, 2_000_000), intact])
    assert groups[0].best == 1  # the same pair undamaged: resolution decides, as before


def test_embedding_only_duplicates() -> None:
    v = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    items = [DupeItem(1, np.zeros(0, np.int64), np.zeros(0), 60.0, embedding=v),
             DupeItem(2, np.zeros(0, np.int64), np.zeros(0), 60.0, embedding=(v + [0, 0.01, 0]) / np.linalg.norm(v + [0, 0.01, 0])),
             DupeItem(3, np.zeros(0, np.int64), np.zeros(0), 60.0, embedding=np.array([0, 1.0, 0], dtype=np.float32))]
    assert find_duplicates(items) == []  # embeddings alone only nominate pairs, whatever their cosine


def test_candidates_are_copies_not_chance_band_matches() -> None:
    """Within 2 bits a keyframe always shares two 16-bit bands with its copy,
    while of thousands of unrelated videos next to no pair does by chance
    (~40k pairs here share a single band, ~170 two: what single bands made
    the verification check)."""
    rng = np.random.default_rng(11)
    n = 3000
    items = [DupeItem(i, rng.integers(-(2**63), 2**63 - 1, size=12, dtype=np.int64), np.arange(12) * 30.0, 360.0)
             for i in range(n)]
    for k, src in enumerate((5, 77, 2048)):  # copies with 2, 1 and 0 bits flipped in every frame
        flips = np.int64([0b11, 0b1, 0][k] << (17 * k))
        items.append(DupeItem(n + k, items[src].hashes[2:] ^ flips, items[src].times[2:] - 60.0, 300.0, 640, 360))
    pairs = candidate_pairs(items)
    assert {(5, n), (77, n + 1), (2048, n + 2)} <= pairs
    assert len(pairs) <= 5
    groups = find_duplicates(items)
    assert [g.video_ids for g in groups] == [[5, n], [77, n + 1], [2048, n + 2]]
    assert [[(a, b) for a, b, _ in g.pairs] for g in groups] == [[(5, n)], [(77, n + 1)], [(2048, n + 2)]]  # each its own evidence
