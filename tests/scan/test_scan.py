"""End to end: real clips on disk → Scanner → a real SQLite library."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from pyrec.demo.clips import render_clip
from pyrec.library import Library
from pyrec.scan.scanner import Scanner, ScanProgress

NFO = """<?xml version="1.0" encoding="UTF-8"?>
<movie>
  <title>Harbour Lights</title>
  <year>2011</year>
  <plot>A ferry captain's last crossing.</plot>
  <genre>Drama</genre><genre>Sea</genre>
  <director>Ida Brenner</director>
  <actor><name>Tom Vale</name><role>Captain</role><order>0</order></actor>
  <actor><name>Rosa Lind</name><order>1</order></actor>
  <set><name>Harbour Trilogy</name></set>
</movie>
"""


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few tiny generated clips, made once and copied per test."""
    root = tmp_path_factory.mktemp("clips")
    render_clip(root / "Films" / "Harbour Lights (2011)" / "Harbour.Lights.2011.mp4", "ocean", seconds=2, seed=1)
    render_clip(root / "Films" / "Neon.Alley.2020.mp4", "city-night", seconds=2, seed=2)
    render_clip(root / "Kids" / "Shapes.mp4", "cartoon", seconds=2, seed=3)
    (root / "Films" / "Harbour Lights (2011)" / "Harbour.Lights.2011.nfo").write_text(NFO, encoding="utf-8")
    return root


@pytest.fixture
def library_tree(clip_dir: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "library"
    shutil.copytree(clip_dir, dest)
    return dest


@pytest.fixture
def lib(tmp_path: Path):
    with Library.open(tmp_path / "lib.sqlite") as library:
        yield library


def _scanner(lib: Library, tmp_path: Path, **kw) -> Scanner:
    return Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=kw.pop("jobs", 1), **kw)


def test_first_scan_indexes_everything(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    events: list[ScanProgress] = []
    summary = _scanner(lib, tmp_path).scan([library_tree], progress=events.append)
    assert (summary.added, summary.failed, summary.unchanged) == (3, 0, 0), summary.errors
    assert events[-1].phase == "done" and events[-1].done == 3
    videos = {Path(v.file.path).name: v for v in lib.videos(status="ok")}
    assert set(videos) == {"Harbour.Lights.2011.mp4", "Neon.Alley.2020.mp4", "Shapes.mp4"}
    harbour = videos["Harbour.Lights.2011.mp4"]
    assert harbour.probe is not None and 1.5 < harbour.probe.duration < 2.5
    assert (harbour.probe.width, harbour.probe.height) == (320, 240)
    assert harbour.text.title == "Harbour Lights" and harbour.text.year == 2011
    assert "ferry" in harbour.text.plot
    assert len(harbour.file.quick_hash) == 32
    keyframes = lib.keyframes(harbour.id)
    assert keyframes and all(Path(k.thumbnail).is_file() for k in keyframes if k.thumbnail)
    ids, matrix = lib.embeddings("efficientnet-lite0/pool")
    assert len(ids) == 3 and matrix.shape[1] == 1280
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-3)
    # picture categories only where the model is sure: a synthetic scene may get none
    assert all(0.2 <= lb.score <= 1.0 for lb in lib.labels(harbour.id))


def test_nfo_people_genres_and_collection_land_in_the_graph(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    harbour = lib.video_by_path(str(library_tree / "Films" / "Harbour Lights (2011)" / "Harbour.Lights.2011.mp4"))
    assert harbour is not None
    edges = {(e.kind, e.name, e.role) for e in lib.entities_of(harbour.id)}
    assert ("person", "Ida Brenner", "director") in edges
    assert ("person", "Tom Vale", "actor") in edges
    assert ("genre", "Drama", "") in {(k, n, "") for k, n, _ in edges if k == "genre"}
    assert any(k == "collection" and n == "Harbour Trilogy" for k, n, _ in edges)
    assert any(k == "folder" for k, _, _ in edges)
    director = lib.find_entity("person", "Ida Brenner")
    assert [link.video_id for link in lib.videos_with_entity(director)] == [harbour.id]


def test_unchanged_rescan_touches_nothing(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    before = {v.id: v.updated_at for v in lib.videos()}
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.unchanged, summary.added, summary.updated, summary.moved, summary.missing) == (3, 0, 0, 0, 0)
    assert {v.id: v.updated_at for v in lib.videos()} == before


def test_files_stored_by_older_extractors_are_indexed_again(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    """The upgrade pass: a row an older pyrec stored (extracted = 0, as
    migration 8 leaves every existing row) is indexed again on the next scan
    although its file is unchanged, keeping its id; current rows are not."""
    import sqlite3

    from pyrec.records import EXTRACTOR_VERSION

    _scanner(lib, tmp_path).scan([library_tree])
    old = lib.videos()[0]
    con = sqlite3.connect(tmp_path / "lib.sqlite")
    with con:
        con.execute("UPDATE videos SET extracted = 0, playable = 99.0 WHERE id = ?", (old.id,))
    con.close()
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.unchanged, summary.updated, summary.added) == (2, 1, 0)
    again = lib.video(old.id)
    assert again.file.path == old.file.path and again.probe is not None and again.probe.playable is None
    assert lib.known_files([str(library_tree)])[old.file.path].extracted == EXTRACTOR_VERSION
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.unchanged, summary.updated) == (3, 0)


def test_renamed_file_keeps_its_id_and_history(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    old = library_tree / "Kids" / "Shapes.mp4"
    video_id = lib.video_by_path(str(old)).id
    profile = lib.ensure_profile("default")
    lib.add_interaction(profile.id, video_id, "like")
    new = library_tree / "Kids" / "Archive" / "Shapes (renamed).mp4"
    new.parent.mkdir()
    os.rename(old, new)
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.moved, summary.added, summary.missing) == (1, 0, 0)
    moved = lib.video_by_path(str(new))
    assert moved is not None and moved.id == video_id and moved.status == "ok"
    assert [i.kind for i in lib.interactions(profile.id)] == ["like"]


def test_vanished_file_is_marked_missing_not_deleted(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    gone = library_tree / "Films" / "Neon.Alley.2020.mp4"
    video_id = lib.video_by_path(str(gone)).id
    kept = gone.read_bytes()
    gone.unlink()
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert summary.missing == 1
    assert lib.video(video_id).status == "missing"
    gone.write_bytes(kept)  # the drive comes back: same id, status ok again
    os.utime(gone, ns=(lib.video(video_id).file.mtime_ns,) * 2)
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert lib.video(video_id).status == "ok" and summary.added == 0


def test_unplugged_root_does_not_mark_everything_missing(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    unplugged = tmp_path / "unplugged"
    library_tree.rename(unplugged)
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert summary.missing == 0 and summary.errors
    assert {v.status for v in lib.videos()} == {"ok"}


def test_changed_file_is_reindexed_in_place(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    _scanner(lib, tmp_path).scan([library_tree])
    path = library_tree / "Kids" / "Shapes.mp4"
    video_id = lib.video_by_path(str(path)).id
    render_clip(path, "snow", seconds=3, seed=9)
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.updated, summary.added) == (1, 0)
    assert lib.video(video_id).probe.duration > 2.5


def test_bad_files_are_reported_and_the_scan_goes_on(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    bad = library_tree / "bad"
    bad.mkdir()
    (bad / "empty.mp4").write_bytes(b"")
    good = (library_tree / "Kids" / "Shapes.mp4").read_bytes()
    (bad / "truncated.mp4").write_bytes(good[: len(good) // 3])
    (bad / "notes.mkv").write_text("this is a text file, not a video\n" * 50)
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert summary.added >= 3  # the three good clips
    failed = {Path(v.file.path).name: v.error for v in lib.videos(status="failed")}
    assert {"empty.mp4", "notes.mkv"} <= set(failed)
    for name, error in failed.items():
        assert name in error and "\n" not in error
    assert not summary.nothing_readable()
    assert len(summary.errors) == summary.failed


def test_only_bad_files_means_nothing_readable(lib: Library, tmp_path: Path) -> None:
    root = tmp_path / "junk"
    root.mkdir()
    (root / "empty.mp4").write_bytes(b"")
    summary = _scanner(lib, tmp_path).scan([root])
    assert summary.failed == 1 and summary.nothing_readable()


def test_cancelled_scan_keeps_what_it_committed_and_resumes(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    cancel = threading.Event()

    def stop_after_first(p: ScanProgress) -> None:
        if p.phase == "indexing" and p.done == 1:
            cancel.set()

    summary = _scanner(lib, tmp_path).scan([library_tree], progress=stop_after_first, cancel=cancel)
    assert summary.cancelled and summary.added == 1
    assert lib.count_videos() == 1
    summary = _scanner(lib, tmp_path).scan([library_tree])
    assert (summary.added, summary.unchanged) == (2, 1)


def test_parallel_scan_matches_serial(lib: Library, library_tree: Path, tmp_path: Path) -> None:
    summary = _scanner(lib, tmp_path, jobs=2).scan([library_tree])
    assert (summary.added, summary.failed) == (3, 0), summary.errors
    assert lib.count_videos(status="ok") == 3


def test_sign_language_clips_are_each_others_neighbours(sample_videos: Path, tmp_path: Path) -> None:
    """The 20 ASL clips share a scene and signer: through the whole pipeline
    (scan → library → vector index) each one's nearest neighbours are ASL clips,
    ahead of the three detection clips."""
    from pyrec.core import VectorIndex

    with Library.open(tmp_path / "real.sqlite") as lib:
        summary = Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=2).scan([sample_videos])
        assert summary.failed == 0 and summary.added == 23, summary.errors
        ids, matrix = lib.embeddings("efficientnet-lite0/pool")
        is_asl = {v.id: "asl_gestures" in v.file.path for v in lib.videos()}
    index = VectorIndex(matrix.shape[1], metric="cosine")
    index.add(ids, matrix)
    asl_ids = [i for i in ids if is_asl[int(i)]]
    assert len(asl_ids) == 20
    found, _ = index.search(matrix[[list(ids).index(i) for i in asl_ids]], k=6)
    for row in found:
        neighbours = [int(i) for i in row[1:]]  # row[0] is the clip itself
        assert all(is_asl[n] for n in neighbours), neighbours
