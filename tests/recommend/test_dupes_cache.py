"""Duplicate groups are found when the library changes and stored in it, never
while a recommender is built from an unchanged library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyrec.library import Library
from pyrec.recommend import dupes, engine
from pyrec.recommend.engine import Recommender
from pyrec.records import FileStat, Keyframe, MediaProbe, TextInfo, VideoRecord
from pyrec.service import PyrecService

RNG = np.random.default_rng(5)
FILM = [int(h) for h in RNG.integers(-(2**63), 2**63 - 1, size=10, dtype=np.int64)]
OTHER = [int(h) for h in RNG.integers(-(2**63), 2**63 - 1, size=10, dtype=np.int64)]


def record(path: str, hashes: list[int], *, width: int = 1920, size: int = 4_000_000) -> VideoRecord:
    return VideoRecord(
        file=FileStat(path, size, 1),
        probe=MediaProbe(600.0, 25.0, width, width * 9 // 16, "avc1"),
        text=TextInfo(title=Path(path).stem),
        keyframes=[Keyframe(30.0 * i, h) for i, h in enumerate(hashes)],
    )


def resized(hashes: list[int]) -> list[int]:
    return [h ^ 0b1001 for h in hashes]  # two bits flipped per frame


@pytest.fixture
def library(tmp_path: Path):
    with Library.open(tmp_path / "lib.sqlite") as lib:
        lib.upsert_video(record("/v/film.mkv", FILM))
        lib.upsert_video(record("/v/film-720p.mkv", resized(FILM), width=1280, size=1_000_000))
        lib.upsert_video(record("/v/other.mkv", OTHER))
        yield lib


@pytest.fixture
def detections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times duplicates were searched for (find_duplicates runs)."""
    calls: list[int] = []
    real = dupes.in_library.find_duplicates  # where detect_in_library looks it up

    def counted(items, **kwargs):
        calls.append(len(items))
        return real(items, **kwargs)

    monkeypatch.setattr(dupes.in_library, "find_duplicates", counted)
    return calls


def copies(rec: Recommender) -> list[list[int]]:
    return [g.video_ids for g in rec.duplicate_groups]


def test_stored_groups_are_read_not_found_again(library: Library, detections: list[int]) -> None:
    found = dupes.detect_in_library(library)
    assert [g.video_ids for g in found] == [[1, 2]] and found[0].best == 1
    assert detections == [3]
    for _ in range(2):
        rec = Recommender.from_library(library, detect_below=0)  # never searches while building
        assert copies(rec) == [[1, 2]] and rec.duplicates_current
        assert rec.dupes.group[rec.catalog.pos(1)] == rec.dupes.group[rec.catalog.pos(2)] >= 0
    rec = Recommender.from_library(library)  # the default (a small library may search) reads them too
    assert copies(rec) == [[1, 2]] and rec.duplicates_current
    assert detections == [3]


def test_a_large_changed_library_builds_with_its_stale_groups(library: Library, detections: list[int]) -> None:
    dupes.detect_in_library(library)
    library.upsert_video(record("/v/film-480p.mkv", FILM, width=854, size=500_000))
    rec = Recommender.from_library(library, detect_below=0)
    assert detections == [3]  # not searched again while building
    assert not rec.duplicates_current
    assert copies(rec) == [[1, 2]]  # what was known; the new copy joins when detection runs
    assert [g.video_ids for g in dupes.detect_in_library(library)] == [[1, 2, 4]]
    assert detections == [3, 4]
    rec = Recommender.from_library(library, detect_below=0)
    assert copies(rec) == [[1, 2, 4]] and rec.duplicates_current


def test_a_small_changed_library_finds_and_stores_its_groups_once(library: Library, detections: list[int]) -> None:
    rec = Recommender.from_library(library)  # never stored: small enough to find now
    assert copies(rec) == [[1, 2]] and rec.duplicates_current and detections == [3]
    Recommender.from_library(library)
    assert detections == [3]
    assert dupes.stored_groups(library)[0] == dupes.library_fingerprint(library)


def test_fingerprint_follows_what_detection_reads(library: Library) -> None:
    seen = {dupes.library_fingerprint(library)}

    def changed() -> bool:
        fp = dupes.library_fingerprint(library)
        new = fp not in seen
        seen.add(fp)
        return new

    assert not changed()
    library.upsert_video(record("/v/other.mkv", FILM[:5]))  # the same file scanned again: new keyframes
    assert changed()
    library.mark_missing([3])
    assert changed()
    library.upsert_video(record("/v/new.mkv", OTHER))
    assert changed()
    library.set_setting("unrelated", "x")
    assert not changed()


def test_never_stored_groups_are_found(library: Library) -> None:
    assert dupes.stored_groups(library) == (None, [])
    groups, current = dupes.library_groups(library, detect_below=100)
    assert [g.video_ids for g in groups] == [[1, 2]] and current


def test_service_refresh_hands_new_groups_to_the_warm_recommender(
    library: Library, detections: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "DETECT_INLINE_BELOW", 0)  # behave like a large library
    dupes.detect_in_library(library)
    library.upsert_video(record("/v/film-480p.mkv", resized(FILM)[:8] + FILM[8:], width=854, size=500_000))
    with PyrecService(library.path, cache_dir=tmp_path / "cache") as service:
        service.recommend(n=4)  # builds the recommender: stale groups, no search
        warm = service._recommender
        assert warm is not None and not warm.duplicates_current and copies(warm) == [[1, 2]]
        assert detections == [3]
        assert service.refresh_duplicates() == 1
        assert detections == [3, 4]
        assert service._recommender is warm and warm.duplicates_current and copies(warm) == [[1, 2, 4]]
        assert service.refresh_duplicates() == 1  # current: nothing to do
        assert [sorted(i["id"] for i in g["items"]) for g in service.dupes()] == [[1, 2, 4]]
        assert detections == [3, 4]
        shown = {i["id"] for i in service.recommend(n=4)}
        assert len(shown & {1, 2, 4}) <= 1  # one copy of the film at most


def test_service_dupes_are_current_without_a_scan(library: Library, detections: list[int], tmp_path: Path) -> None:
    dupes.detect_in_library(library)
    library.upsert_video(record("/v/film-480p.mkv", resized(FILM), width=854, size=500_000))  # written by another process
    with PyrecService(library.path, cache_dir=tmp_path / "cache") as service:
        assert [sorted(i["id"] for i in g["items"]) for g in service.dupes()] == [[1, 2, 4]]
        assert service._recommender is None  # listing copies builds no recommender
