"""Duplicate detection, second round (issue 12): the alignment kernel in the
core, rate changes and centre crops, sound that agrees or differs (the same
footage in another edit), and the copy to keep by bit depth / HDR."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pyrec import _core
from pyrec.core import grid_differing
from pyrec.demo.clips import render_clip
from pyrec.features.audio import SAMPLE_RATE
from pyrec.features.audioprint import audio_print, bit_errors
from pyrec.features.extract import extract_video_features
from pyrec.features.framegrid import grids_for
from pyrec.library import Library
from pyrec.recommend import dupes
from pyrec.recommend.dupes import (
    DupeIndex,
    DupeItem,
    best_copy,
    find_duplicates,
    verdict,
)
from pyrec.recommend.dupes.align import alignments, differing_numpy
from pyrec.records import FileStat, TextInfo, VideoRecord


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def has_flite() -> bool:
    out = subprocess.run(["ffmpeg", "-hide_banner", "-filters"], capture_output=True, text=True, check=False).stdout
    return " flite " in out


def item(video_id: int, path: Path) -> DupeItem:
    f = extract_video_features(path, encoders=())
    p = f.probe
    g = grids_for(path, p, f.stats, f.warnings)
    assert g is not None
    return DupeItem(video_id, np.array([k.phash for k in f.keyframes], np.int64), np.array([k.time for k in f.keyframes]),
                    duration=p.duration, width=p.width, height=p.height, size=path.stat().st_size,
                    frames=g.grids, step=g.step, detail=f.stats.get("detail"), codec=p.codec, fps=p.fps,
                    audio=g.audio, audio_step=g.audio_step)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path) -> Path:
    """10 s of a real street clip at 25 fps (the source every copy is made from)."""
    out = tmp_path_factory.mktemp("dupes-detect") / "clip.mp4"
    ffmpeg("-i", str(sample_videos / "car-detection.mp4"), "-t", "10", "-r", "25", "-c:v", "libx264", "-preset", "veryfast",
           "-an", str(out))
    return out


def test_the_core_kernel_counts_differing_cells_as_numpy_does() -> None:
    rng = np.random.default_rng(0)
    za = rng.standard_normal((37, 256)).astype(np.float32)
    zb = rng.standard_normal((53, 256)).astype(np.float32)
    assert np.array_equal(grid_differing(za, zb, 0.75), differing_numpy(za, zb))
    out = np.empty((37, 53), np.float32)
    with pytest.raises(TypeError):
        _core.grid_differing(za.astype(np.float64), zb, 0.75, out)
    with pytest.raises(ValueError):
        _core.grid_differing(za, zb[:, :128], 0.75, out)
    with pytest.raises(ValueError):
        _core.grid_differing(za, zb, 0.75, np.empty((53, 37), np.float32))


def test_a_trim_is_aligned_at_its_offset(clip: Path, tmp_path: Path) -> None:
    trimmed = tmp_path / "trimmed.mp4"
    ffmpeg("-ss", "1.5", "-i", str(clip), "-c:v", "libx264", "-preset", "veryfast", str(trimmed))
    found = verdict(item(1, clip), item(2, trimmed))
    assert found is not None and found.evidence > 0 and found.b_in_a
    assert found.offset == pytest.approx(-1.5, abs=0.15) and found.rate == 1.0


@pytest.mark.parametrize("rate", [1.25, 0.8, 25 / 24])
def test_a_speed_change_is_found_at_its_rate(clip: Path, tmp_path: Path, rate: float) -> None:
    fast = tmp_path / "fast.mp4"
    ffmpeg("-i", str(clip), "-vf", f"setpts=PTS/{rate}", "-r", "25", "-c:v", "libx264", "-preset", "veryfast", str(fast))
    found = verdict(item(1, clip), item(2, fast))
    assert found is not None and found.evidence > 0
    if rate > 1.1 or rate < 0.9:  # 24 -> 25 fps drifts little over 10 s: rate 1 may hold it already
        assert found.rate == pytest.approx(1 / rate, rel=0.03)


def test_a_centre_crop_is_found(clip: Path, tmp_path: Path) -> None:
    cropped = tmp_path / "cropped.mp4"
    ffmpeg("-i", str(clip), "-vf", "crop=trunc(iw*0.9/2)*2:trunc(ih*0.9/2)*2", "-c:v", "libx264", "-preset", "veryfast",
           str(cropped))
    a, b = item(1, clip), item(2, cropped)
    crops = [f.crop for f in alignments(a, b) if f.crop is not None]
    assert crops  # the plain alignment alone does not settle it: crops are tried
    found = verdict(a, b)
    assert found is not None and found.evidence > 0


def test_look_alike_clips_of_one_style_are_not_copies_at_any_rate_or_crop(tmp_path: Path) -> None:
    paths = [render_clip(tmp_path / f"forest-{s}.mp4", "forest", seconds=6.0, seed=s) for s in range(4)]
    items = [item(i, p) for i, p in enumerate(paths, 1)]
    assert find_duplicates(items) == []


@pytest.mark.skipif(not has_flite(), reason="ffmpeg without flite (speech synthesis)")
def test_audio_prints_agree_for_the_same_sound_and_not_for_other_sound(tmp_path: Path) -> None:
    def speech(text: str, out: Path, *args: str) -> np.ndarray:
        ffmpeg("-f", "lavfi", "-i", f"flite=text='{text}':voice=slt", *args, str(out))
        import av

        from pyrec.features.audio import decode_audio

        with av.open(str(out)) as container:
            return decode_audio(container, out).samples

    text = "The river rose all night and by morning the bridge was gone. We waited on the hill."
    a = audio_print(speech(text, tmp_path / "a.wav"))
    b = audio_print(speech(text, tmp_path / "b.m4a", "-af", "volume=0.5", "-c:a", "aac", "-b:a", "32k"))
    c = audio_print(speech("Preheat the oven, then fold the butter into the flour until it looks like sand.",
                           tmp_path / "c.wav"))
    n = min(a.codes.size, b.codes.size, c.codes.size)
    both = (a.codes[:n] != 0) & (b.codes[:n] != 0)
    assert both.mean() > 0.5
    # AAC adds its delay: compare at the best shift within 0.2 s, as detection does
    same = min(float(bit_errors(a.codes[:n - 8][both[:n - 8]], b.codes[k:n - 8 + k][both[:n - 8]]).mean())
               for k in range(8))
    assert same < 0.25
    assert float(bit_errors(a.codes[:n], c.codes[:n]).mean()) > 0.4
    assert audio_print(np.zeros(SAMPLE_RATE, np.float32)).codes.size > 0
    assert (audio_print(np.zeros(SAMPLE_RATE, np.float32)).codes == 0).all()  # silence carries no bits


@pytest.mark.skipif(not has_flite(), reason="ffmpeg without flite (speech synthesis)")
def test_aligned_pictures_with_different_sound_are_another_edit_not_a_copy(clip: Path, tmp_path: Path) -> None:
    def narrated(text: str, out: Path) -> Path:
        ffmpeg("-i", str(clip), "-f", "lavfi", "-i", f"flite=text='{text}':voice=slt,aloop=loop=-1:size=2000000000",
               "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", str(out))
        return out

    one = narrated("The river rose all night and by morning the bridge was gone.", tmp_path / "one.mp4")
    again = tmp_path / "one-again.mp4"
    ffmpeg("-i", str(one), "-c:v", "libx264", "-crf", "30", "-preset", "veryfast", "-c:a", "aac", "-b:a", "48k", str(again))
    other = narrated("Preheat the oven, then fold the butter into the flour slowly.", tmp_path / "other.mp4")
    items = [item(1, one), item(2, again), item(3, other)]
    assert all(it.audio is not None for it in items)
    groups = find_duplicates(items)
    copies = [g.video_ids for g in groups if g.kind == "copies"]
    edits = [g.video_ids for g in groups if g.kind == "edits"]
    assert copies == [[1, 2]]  # re-encoded sound agrees
    assert edits and all(3 in e for e in edits)  # other sound: the same footage in another edit
    index = DupeIndex.build(groups, np.array([1, 2, 3]))
    assert index.group[2] == -1  # an edit is its own video when serving


def test_hdr_and_ten_bit_beat_sdr_of_one_size() -> None:
    base = DupeItem(1, np.zeros(0, np.int64), np.zeros(0), duration=30.0, width=1920, height=1080, size=10_000_000,
                    codec="hevc")
    sdr = replace(base, video_id=1, size=20_000_000)
    ten = replace(base, video_id=2, bit_depth=10)
    hdr = replace(base, video_id=3, bit_depth=10, hdr=True)
    assert best_copy([sdr, ten]).video_id == 2
    assert best_copy([sdr, ten, hdr]).video_id == 3
    trimmed_hdr = replace(hdr, duration=25.0)
    assert best_copy([sdr, trimmed_hdr]).video_id == 1  # complete first


def test_audio_and_group_kind_are_stored_and_read_back(clip: Path, tmp_path: Path) -> None:
    src = tmp_path / "tone.mp4"
    ffmpeg("-i", str(clip), "-f", "lavfi", "-i", "sine=frequency=600:duration=10", "-map", "0:v", "-map", "1:a",
           "-c:v", "copy", "-c:a", "aac", "-shortest", str(src))
    f = extract_video_features(src, encoders=())
    grids = grids_for(src, f.probe, f.stats, f.warnings)
    assert grids is not None and grids.audio is not None and grids.audio_step > 0
    record = VideoRecord(file=FileStat(str(src), src.stat().st_size, 1), probe=f.probe, text=TextInfo(title="t"),
                         keyframes=f.keyframes, stats=f.stats, frame_grids=grids)
    with Library.open(tmp_path / "lib.sqlite") as lib:
        vid = lib.upsert_video(record)
        stored = lib.all_frame_grids()[vid]
        assert np.array_equal(stored.audio, grids.audio) and stored.audio_step == grids.audio_step
        lib.replace_dupe_groups("fp", [([vid, vid + 1], vid, [(vid, vid + 1, 0.9)], "edits", "")])
        assert [g.kind for g in dupes.stored_groups(lib)[1]] == ["edits"]
