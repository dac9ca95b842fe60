"""The copy to keep, on real generated copies (issue 12, "Best copy by real
quality"): an upscale is never kept over its source, an honest larger copy
is, and a copy with an intro added is not kept over the original."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pyrec.features.finedetail import detail_beyond
from pyrec.recommend.dupes import DupeItem, best_copy, find_duplicates
from pyrec.recommend.dupes.best import (
    REAL_DETAIL,
    FineDetail,
    aligned_times,
    choose_best,
    is_upscale,
)
from pyrec.recommend.dupes.completeness import added_seconds
from tests.recommend.test_dupes_detect import ffmpeg, item

ENC = ("-c:v", "libx264", "-preset", "veryfast")


def fine_for(paths: dict[int, Path]) -> FineDetail:
    """The decoded-frame comparison, over the videos' files (as a caller with paths gives it)."""
    return lambda larger, smaller, times: detail_beyond(paths[larger.video_id], paths[smaller.video_id], times)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, sample_videos: Path) -> dict[str, Path]:
    """A 480p source (a real street clip) and its copies; a 1080p original with sharp detail and its 720p."""
    d = tmp_path_factory.mktemp("dupes-best")
    out = {name: d / f"{name}.mp4" for name in ("src", "up15", "up2", "intro", "trimmed", "hd", "hd720")}
    ffmpeg("-i", str(sample_videos / "car-detection.mp4"), "-t", "6", "-r", "25", "-vf", "scale=854:480", *ENC,
           "-an", str(out["src"]))
    ffmpeg("-i", str(out["src"]), "-vf", "scale=1280:720:flags=bicubic", *ENC, "-crf", "20", str(out["up15"]))
    ffmpeg("-i", str(out["src"]), "-vf", "scale=1708:960:flags=bicubic", *ENC, "-crf", "20", str(out["up2"]))
    # a 3 s title card (test pattern) before the clip, at its size and rate (as benchmarks/bench_dupes.py)
    ffmpeg("-i", str(out["src"]), "-f", "lavfi", "-i", "testsrc2=d=3:s=320x240:r=25", "-filter_complex",
           "[1:v][0:v]scale2ref[i][v];[i]setsar=1,fps=25[i2];[v]setsar=1,fps=25[v2];[i2][v2]concat=n=2:v=1:a=0[out]",
           "-map", "[out]", *ENC, str(out["intro"]))
    ffmpeg("-ss", "2", "-i", str(out["src"]), *ENC, str(out["trimmed"]))
    # an honest 1080p original: a sharp synthetic picture that moves, and its 720p downscale
    ffmpeg("-f", "lavfi", "-i", "testsrc2=d=6:s=1920x1080:r=25", *ENC, "-crf", "20", str(out["hd"]))
    ffmpeg("-i", str(out["hd"]), "-vf", "scale=1280:720", *ENC, "-crf", "20", str(out["hd720"]))
    return out


@pytest.fixture(scope="module")
def items(made: dict[str, Path]) -> dict[str, DupeItem]:
    return {name: item(i, path) for i, (name, path) in enumerate(made.items(), 1)}


def _paths(made: dict[str, Path], items: dict[str, DupeItem]) -> dict[int, Path]:
    return {items[name].video_id: path for name, path in made.items()}


@pytest.mark.parametrize("upscale", ["up15", "up2"])
def test_an_upscale_is_never_kept_over_its_source(made: dict[str, Path], items: dict[str, DupeItem],
                                                  upscale: str) -> None:
    fine = fine_for(_paths(made, items))
    src, up = items["src"], items[upscale]
    beyond = detail_beyond(made[upscale], made["src"], aligned_times(up, src))
    assert beyond is not None and beyond < REAL_DETAIL
    assert is_upscale(up, [src, up], fine)
    assert best_copy([src, up], fine).video_id == src.video_id
    assert best_copy([up, src], fine).video_id == src.video_id  # not by order
    # through detection: one group, the source kept
    groups = find_duplicates([src, up], fine=fine)
    assert [g.video_ids for g in groups] == [sorted([src.video_id, up.video_id])]
    assert groups[0].best == src.video_id
    assert groups[0].why == f"the {up.width}x{up.height} copy is an upscale (no finer detail)"


def test_all_three_sizes_keep_the_source(made: dict[str, Path], items: dict[str, DupeItem]) -> None:
    fine = fine_for(_paths(made, items))
    group = [items["up2"], items["up15"], items["src"]]
    assert best_copy(group, fine).video_id == items["src"].video_id


def test_an_honest_larger_copy_is_kept(made: dict[str, Path], items: dict[str, DupeItem]) -> None:
    fine = fine_for(_paths(made, items))
    hd, small = items["hd"], items["hd720"]
    beyond = detail_beyond(made["hd"], made["hd720"], aligned_times(hd, small))
    assert beyond is not None and beyond >= REAL_DETAIL
    assert not is_upscale(hd, [hd, small], fine)
    assert best_copy([small, hd], fine).video_id == hd.video_id
    assert choose_best([small, hd], fine)[1] == f"the most picture detail ({hd.width}x{hd.height})"


def test_an_added_intro_is_not_completeness(items: dict[str, DupeItem]) -> None:
    src, intro, trimmed = items["src"], items["intro"], items["trimmed"]
    assert intro.duration > src.duration + 2.5
    assert added_seconds(intro, [src, intro], 1.0) == pytest.approx(3.0, abs=0.3)  # the card, joined by a cut
    assert added_seconds(src, [src, trimmed], 1.0) == 0.0  # a trim: the original runs on smoothly
    assert best_copy([intro, src]).video_id == src.video_id
    assert best_copy([src, intro]).video_id == src.video_id
    assert best_copy([trimmed, src]).video_id == src.video_id  # the untrimmed one still wins over a trim
    assert choose_best([intro, src])[1] == f"the {intro.width}x{intro.height} copy has an added intro"
    assert choose_best([trimmed, src])[1] == "the other copy is trimmed"
    damaged = replace(src, video_id=999, damaged=True)
    assert choose_best([damaged, src]) == (src, "the other copy is damaged (cut off before the end)")
    assert choose_best([replace(src, video_id=998), src])[1] == "the two are alike; the first one found"
    groups = find_duplicates([src, intro, trimmed])
    copies = [g for g in groups if g.kind == "copies"]
    assert len(copies) == 1 and src.video_id in copies[0].video_ids and copies[0].best == src.video_id


def test_without_frames_the_stored_detail_decides(items: dict[str, DupeItem]) -> None:
    """No `fine` (the caller cannot decode): the stored top-octave share, as before."""
    src, up = items["src"], items["up2"]
    assert best_copy([src, up]).video_id in (src.video_id, up.video_id)  # defined, and never raises
    unreadable: FineDetail = lambda larger, smaller, times: None
    assert best_copy([src, up], unreadable) == best_copy([src, up])


def test_the_service_keeps_the_source_over_its_upscales(made: dict[str, Path], tmp_path: Path) -> None:
    """The whole path a user takes: scan the copies, `pyrec dupes` through the
    service decodes frames to tell the upscales from the source."""
    import shutil

    from pyrec.service import PyrecService

    folder = tmp_path / "copies"
    folder.mkdir()
    for name in ("src", "up15", "up2"):
        shutil.copy(made[name], folder / f"{name}.mp4")
    with PyrecService(tmp_path / "lib.sqlite", cache_dir=tmp_path / "cache") as service:
        assert service.scan([folder], jobs=1).added == 3
        groups = [g for g in service.dupes() if g["kind"] == "copies"]
    assert len(groups) == 1 and len(groups[0]["items"]) == 3, groups
    kept = next(c for c in groups[0]["items"] if c["id"] == groups[0]["keep"])
    assert Path(kept["path"]).name == "src.mp4", groups[0]["reason"]
    # The page that offers to trash the others says why (the closest rival: the 1.5x upscale)
    assert groups[0]["reason"].endswith("copy is an upscale (no finer detail)"), groups[0]["reason"]


def test_two_snowfalls_over_one_landscape_are_not_copies(tmp_path: Path) -> None:
    """Still pictures whose 16x16 grids cannot tell them apart (the demo's
    First Snow and Whiteout: snow falling in dots over one landscape) are two
    videos: their decoded frames disagree in every edge. A re-encode and a
    resize of one of them are still its copies. (The duplicates page offered
    to trash Whiteout as a copy of First Snow.)"""
    import subprocess

    from pyrec.demo.clips import render_clip
    from pyrec.service import PyrecService

    folder = tmp_path / "films"
    folder.mkdir()
    first = render_clip(folder / "First.Snow.mp4", "snow", seconds=4.0, size=(480, 270), seed=11)
    render_clip(folder / "Whiteout.mp4", "snow", seconds=4.0, size=(480, 270), seed=10)
    for name, args in (("First.Snow.reencoded.mp4", ["-crf", "32"]), ("First.Snow.small.mp4", ["-vf", "scale=320:180"])):
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(first), *args, "-c:v", "libx264", str(folder / name)],
                       check=True)
    with PyrecService(tmp_path / "lib.sqlite", cache_dir=tmp_path / "cache") as service:
        assert service.scan([folder], jobs=1).added == 4
        groups = [sorted(Path(c["path"]).name for c in g["items"]) for g in service.dupes()]
        shelf_ids = {i["id"] for s in service.shelves() for i in s["items"]}
        whiteout = next(v["id"] for v in service.videos(limit=None) if v["path"].endswith("Whiteout.mp4"))
    assert groups == [["First.Snow.mp4", "First.Snow.reencoded.mp4", "First.Snow.small.mp4"]], groups
    assert whiteout in shelf_ids  # a look-alike is recommended, not hidden as a copy
