"""Duplicates you can trust (issue 12), on real media: distinct look-alike
clips are never copies, a trimmed copy is found, an upscale is not the copy
to keep, groups do not chain, and a dismissed group stays dismissed."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pyrec.features.extract import VideoFeatures, extract_video_features
from pyrec.features.framegrid import grids_for
from pyrec.library import Library
from pyrec.recommend import dupes
from pyrec.recommend.dupes import DupeItem, find_duplicates, same_recording
from pyrec.records import FileStat, FrameGrids, TextInfo, VideoRecord


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def features(path: Path) -> tuple[VideoFeatures, FrameGrids | None]:
    """What a scan learns of a file, as the indexer gets it (no models: duplicates need none)."""
    f = extract_video_features(path, encoders=())
    return f, grids_for(path, f.probe, f.stats, f.warnings)


def item(video_id: int, path: Path) -> DupeItem:
    f, g = features(path)
    p = f.probe
    assert g is not None
    return DupeItem(video_id, np.array([k.phash for k in f.keyframes], np.int64), np.array([k.time for k in f.keyframes]),
                    duration=p.duration, width=p.width, height=p.height, size=path.stat().st_size,
                    frames=g.grids, step=g.step, detail=f.stats.get("detail"), codec=p.codec, fps=p.fps)


def test_the_sign_clips_form_no_duplicate_group(sample_videos: Path) -> None:
    """20 different signs by one signer in one room: look-alikes, not copies."""
    signs = sorted((sample_videos / "asl_gestures").glob("*.mkv"))
    assert len(signs) == 20
    assert find_duplicates([item(i, p) for i, p in enumerate(signs, 1)]) == []


def test_a_trimmed_copy_is_found_and_the_whole_one_kept(sample_videos: Path, tmp_path: Path) -> None:
    src = sample_videos / "car-detection.mp4"
    trimmed = tmp_path / "car-trimmed.mp4"
    ffmpeg("-ss", "2", "-i", str(src), "-c:v", "libx264", "-preset", "veryfast", "-an", str(trimmed))
    groups = find_duplicates([item(1, src), item(2, trimmed), item(3, sample_videos / "bottle-detection.mp4")])
    assert [g.video_ids for g in groups] == [[1, 2]]
    assert groups[0].best == 1  # complete


def test_an_upscaled_reencode_is_not_preferred(sample_videos: Path, tmp_path: Path) -> None:
    src = sample_videos / "asl_gestures" / "again.mkv"  # 640x480
    up = tmp_path / "again-1280.mp4"
    ffmpeg("-i", str(src), "-vf", "scale=1280:960:flags=bicubic", "-c:v", "libx264", "-crf", "18", "-preset", "veryfast",
           str(up))
    original, upscaled = item(1, src), item(2, up)
    assert upscaled.pixels == 4 * original.pixels and upscaled.size > original.size
    groups = find_duplicates([original, upscaled])
    assert [g.video_ids for g in groups] == [[1, 2]]
    assert groups[0].best == 1


def test_no_chaining(sample_videos: Path, tmp_path: Path) -> None:
    """A = 0-20 s, B = 5-25 s, C = 10-30 s of one clip: A~B and B~C overlap
    15 of 20 s, A and C only half: never one group of all three."""
    src = sample_videos / "car-detection.mp4"
    parts = []
    for k, start in enumerate((0, 5, 10)):
        part = tmp_path / f"part-{k}.mp4"
        ffmpeg("-ss", str(start), "-i", str(src), "-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-an", str(part))
        parts.append(item(k + 1, part))
    a, b, c = parts
    assert (same_recording(a, b) or 0) > 0 and (same_recording(b, c) or 0) > 0
    assert same_recording(a, c) == 0
    groups = find_duplicates(parts)
    assert all(len(g.video_ids) == 2 for g in groups) and len(groups) == 1


def _record(path: Path, *, size_mtime: int = 1) -> VideoRecord:
    f, grids = features(path)
    return VideoRecord(file=FileStat(str(path), path.stat().st_size, size_mtime), probe=f.probe,
                       text=TextInfo(title=path.stem), keyframes=f.keyframes, stats=f.stats,
                       frame_grids=grids)


def test_a_dismissed_group_stays_dismissed_after_a_rescan(sample_videos: Path, tmp_path: Path) -> None:
    src = sample_videos / "asl_gestures" / "thanks.mkv"
    copy = tmp_path / "thanks-small.mp4"
    third = tmp_path / "thanks-again.mp4"
    ffmpeg("-i", str(src), "-vf", "scale=320:240", "-c:v", "libx264", "-preset", "veryfast", str(copy))
    ffmpeg("-i", str(src), "-c:v", "libx264", "-crf", "30", "-preset", "veryfast", str(third))
    records = [_record(src), _record(copy), _record(sample_videos / "asl_gestures" / "yes.mkv")]
    with Library.open(tmp_path / "lib.sqlite") as lib:
        for r in records:
            lib.upsert_video(r)
        groups = dupes.detect_in_library(lib)
        assert [g.video_ids for g in groups] == [[1, 2]] and groups[0].id is not None
        assert dupes.dismiss_group(lib, groups[0].id)
        assert dupes.library_groups(lib, detect_below=100) == ([], True)

        for r in records:  # a rescan: every file indexed again, the library changed
            lib.upsert_video(replace(r, file=replace(r.file, mtime_ns=2)))
        assert dupes.library_groups(lib, detect_below=100) == ([], True)
        assert [g.video_ids for g in dupes.stored_groups(lib, dismissed=True)[1]] == [[1, 2]]

        lib.upsert_video(_record(third))  # the members change: a new group, shown
        groups, current = dupes.library_groups(lib, detect_below=100)
        assert current and [g.video_ids for g in groups] == [[1, 2, 4]]
