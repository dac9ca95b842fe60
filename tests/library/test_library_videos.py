"""Storing, replacing, moving and losing videos; reading them back."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pyrec.errors import LibraryError, NotFoundError
from pyrec.library import Library
from pyrec.records import EntityRef, FileStat, ScanFailure

from .helpers import MODEL


def _count(path: Path, sql: str, *params: object) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def test_upsert_stores_every_field(lib: Library, make_record) -> None:
    record = make_record()
    video_id = lib.upsert_video(record)
    got = lib.video(video_id)
    assert got.file == record.file and got.probe == record.probe
    assert got.text == record.text
    assert (got.status, got.error, got.stats) == ("ok", None, record.stats)
    assert got.added_at == got.updated_at and abs(got.added_at - time.time()) < 60
    assert lib.keyframes(video_id) == record.keyframes
    assert lib.labels(video_id) == record.labels
    assert {(e.kind, e.name, e.role, e.extra) for e in lib.entities_of(video_id)} == {
        ("person", "Sean Connery", "actor", "Captain"), ("genre", "Thriller", "", "")}
    assert lib.video_by_path(record.file.path) == got
    assert lib.video_by_path("/nowhere.mkv") is None
    with pytest.raises(NotFoundError):
        lib.video(video_id + 100)


def test_rescan_replaces_children_but_keeps_id_history_and_added_at(lib: Library, make_record) -> None:
    first = lib.upsert_video(make_record(people=("Sean Connery", "Alec Baldwin"), keyframes=4))
    added = lib.video(first).added_at
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, first, "watched", watched_seconds=5000.0)

    new = make_record(plot="A cartographer maps the ocean floor.", people=("Sam Neill",), genres=("Drama",),
                      keyframes=2, labels=("ocean",), subtitles="sonar contact", size=2000, quick_hash="new")
    second = lib.upsert_video(new)

    assert second == first
    got = lib.video(first)
    assert got.added_at == added and got.updated_at >= added
    assert got.file.size == 2000 and got.text.plot.startswith("A cartographer")
    assert len(lib.keyframes(first)) == 2
    assert [lb.name for lb in lib.labels(first)] == ["ocean"]
    assert {e.name for e in lib.entities_of(first)} == {"Sam Neill", "Drama"}
    ids, matrix = lib.embeddings(MODEL)
    assert ids.tolist() == [first] and matrix[0].tobytes() == new.embeddings[0].vector.tobytes()
    assert [i.kind for i in lib.interactions(profile.id)] == ["watched"]
    # entities no video uses any more are gone, so document frequencies stay honest
    assert lib.find_entity("person", "Alec Baldwin") is None
    assert {s.name for s in lib.entity_stats()} == {"Sam Neill", "Drama"}
    # search follows the replacement
    assert lib.search("submarine") == [] and lib.search("connery") == []
    assert [h.video_id for h in lib.search("cartographer")] == [first]
    assert [h.video_id for h in lib.search("sonar")] == [first]


def test_bad_record_stores_nothing(lib: Library, make_record) -> None:
    record = make_record()
    record.entities.append(EntityRef("planet", "Mars"))
    with pytest.raises(ValueError, match="planet"):
        lib.upsert_video(record)
    record = make_record(vector=np.array([1.0, np.nan], np.float32))
    with pytest.raises(ValueError, match="NaN"):
        lib.upsert_video(record)
    assert lib.count_videos() == 0 and lib.stats().entities_by_kind == {}


def test_failure_of_a_new_file(lib: Library) -> None:
    stat = FileStat("/media/broken.avi", 10, 20, "")
    video_id = lib.record_failure(ScanFailure(stat, "moov atom\nnot found"))
    got = lib.video(video_id)
    assert (got.status, got.error, got.probe, got.file) == ("failed", "moov atom not found", None, stat)
    assert lib.known_files(["/media"])["/media/broken.avi"].status == "failed"


def test_failure_of_a_known_file_keeps_its_data_until_it_reads_again(lib: Library, make_record) -> None:
    record = make_record()
    video_id = lib.upsert_video(record)
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, video_id, "like")
    corrupt = replace(record.file, size=5, mtime_ns=record.file.mtime_ns + 1)
    assert lib.record_failure(ScanFailure(corrupt, "invalid data found")) == video_id
    got = lib.video(video_id)
    assert (got.status, got.error, got.file.size) == ("failed", "invalid data found", 5)
    assert got.text.title == record.text.title and len(lib.keyframes(video_id)) == 3
    assert lib.interactions(profile.id)[0].video_id == video_id
    # a failed file is not offered for recommendation or search
    assert lib.embeddings(MODEL)[0].tolist() == []
    assert lib.embeddings(MODEL, status=None)[0].tolist() == [video_id]
    assert lib.search("submarine") == []
    # and a good scan later clears the error
    assert lib.upsert_video(record) == video_id
    assert (lib.video(video_id).status, lib.video(video_id).error) == ("ok", None)


def test_moved_file_keeps_id_and_history(lib: Library, make_record) -> None:
    record = make_record("/media/a/old name.mkv", quick_hash="fp1")
    video_id = lib.upsert_video(record)
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, video_id, "play", position=12.0)
    added = lib.video(video_id).added_at
    lib.mark_missing([video_id])

    candidates = lib.find_by_quick_hash(record.file.size, "fp1")
    assert [c.id for c in candidates] == [video_id] and candidates[0].status == "missing"
    assert lib.find_by_quick_hash(record.file.size, "") == []
    new_stat = FileStat("/media/b/new name.mkv", record.file.size, 99, "fp1")
    lib.move_video(video_id, new_stat)

    got = lib.video(video_id)
    assert (got.file, got.status, got.added_at) == (new_stat, "ok", added)
    assert lib.video_by_path("/media/a/old name.mkv") is None
    assert lib.interactions(profile.id)[0].video_id == video_id
    assert lib.count_videos() == 1


def test_move_onto_another_videos_path_is_refused(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv"))
    b = lib.upsert_video(make_record("/m/b.mkv"))
    with pytest.raises(LibraryError) as info:
        lib.move_video(a, FileStat("/m/b.mkv", 1, 1, "x"))
    assert f"belongs to video {b}" in info.value.reason and info.value.path == "/m/b.mkv"
    assert lib.video(a).file.path == "/m/a.mkv" and lib.video(b).file.path == "/m/b.mkv"
    with pytest.raises(NotFoundError):
        lib.move_video(999, FileStat("/m/c.mkv", 1, 1, "x"))


def test_missing_and_present(lib: Library, make_record) -> None:
    good = lib.upsert_video(make_record("/m/good.mkv"))
    bad = lib.record_failure(ScanFailure(FileStat("/m/bad.mkv", 1, 1), "truncated"))
    assert lib.mark_missing([good, bad]) == 2
    assert lib.mark_missing([good]) == 0  # already missing
    assert lib.count_videos("missing") == 2
    assert lib.embeddings(MODEL)[0].tolist() == [] and lib.entity_stats() == []
    assert lib.search("connery") == []

    lib.mark_present(good, FileStat("/m/good.mkv", 1000, 7, "abc123"))
    lib.mark_present(bad, FileStat("/m/bad.mkv", 1, 1))
    assert lib.video(good).status == "ok" and lib.video(good).file.mtime_ns == 7
    assert lib.video(bad).status == "failed"  # it comes back as it left
    with pytest.raises(ValueError, match="move_video"):
        lib.mark_present(good, FileStat("/elsewhere.mkv", 1, 1))
    with pytest.raises(NotFoundError):
        lib.mark_present(999, FileStat("/m/x.mkv", 1, 1))


def test_known_files_respects_root_boundaries(lib: Library, make_record) -> None:
    for path in ("/media/a/x.mkv", "/media/a/sub/y.mkv", "/media/ab/z.mkv", "/media/A/upper.mkv",
                 "/media/100%_real/w.mkv", "/media/100x_real/v.mkv"):
        lib.upsert_video(make_record(path))
    assert set(lib.known_files(["/media/a"])) == {"/media/a/x.mkv", "/media/a/sub/y.mkv"}
    assert set(lib.known_files(["/media/a/"])) == {"/media/a/x.mkv", "/media/a/sub/y.mkv"}
    assert set(lib.known_files(["/media/100%_real"])) == {"/media/100%_real/w.mkv"}
    assert set(lib.known_files(["/media/a", "/media/ab"])) == {
        "/media/a/x.mkv", "/media/a/sub/y.mkv", "/media/ab/z.mkv"}
    assert len(lib.known_files(["/"])) == 6
    assert lib.known_files(["/elsewhere"]) == {}
    known = lib.known_files(["/media/a/x.mkv"])  # a root may name one file
    assert list(known) == ["/media/a/x.mkv"] and known["/media/a/x.mkv"].quick_hash == "abc123"
    with pytest.raises(ValueError):
        lib.known_files([""])


def test_non_utf8_file_names_round_trip(lib: Library, make_record) -> None:
    # b"caf\xe9" (latin-1) is not UTF-8; Python hands it over surrogate-escaped
    path = "/media/caf\udce9/Am\udce9lie.mkv"
    record = make_record(path, title="Am\udce9lie")
    video_id = lib.upsert_video(record)
    assert lib.video(video_id).file.path == path
    assert lib.video_by_path(path).id == video_id
    assert list(lib.known_files(["/media/caf\udce9"])) == [path]
    assert lib.video(video_id).text.title == "Am\ufffdlie"  # free text is made valid UTF-8


def test_listing_counting_and_ordering(lib: Library, make_record) -> None:
    ids = [lib.upsert_video(make_record(f"/m/{name}.mkv", title=name)) for name in ("b", "a", "c")]
    lib.record_failure(ScanFailure(FileStat("/m/z.mkv", 1, 1), "bad"))
    assert lib.count_videos() == 4 and lib.count_videos("ok") == 3 and lib.count_videos("failed") == 1
    assert [v.text.title for v in lib.videos("ok", order="title")] == ["a", "b", "c"]
    assert [v.id for v in lib.videos("ok", order="-id", limit=2)] == [ids[2], ids[1]]
    assert [v.id for v in lib.videos("ok", limit=2, offset=2)] == [ids[2]]
    with pytest.raises(ValueError):
        lib.videos(order="id; DROP TABLE videos")
    with pytest.raises(ValueError):
        lib.count_videos("gone")


def test_delete_cascades_everywhere(lib: Library, make_record) -> None:
    gone = lib.upsert_video(make_record("/m/gone.mkv", people=("Only Here",)))
    kept = lib.upsert_video(make_record("/m/kept.mkv"))
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, gone, "play")
    assert lib.delete_videos([gone, 12345]) == 1
    path = lib.path
    for table in ("keyframes", "labels", "embeddings", "video_entities", "texts", "interactions"):
        assert _count(path, f"SELECT count(*) FROM {table} WHERE video_id = ?", gone) == 0, table
    assert lib.find_entity("person", "only here") is None
    assert lib.find_entity("person", "Sean Connery") is not None  # still used by `kept`
    assert [h.video_id for h in lib.search("submarine")] == [kept]


def test_entities_are_shared_case_insensitively(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv", people=("Keanu Reeves",)))
    b = lib.upsert_video(make_record("/m/b.mkv", people=("keanu  reeves",)))
    entity = lib.find_entity("person", "KEANU REEVES")
    assert entity is not None
    assert [link.video_id for link in lib.videos_with_entity(entity)] == [a, b]
    stats = {s.name: s.df for s in lib.entity_stats()}
    assert stats == {"Keanu Reeves": 2, "Thriller": 2}


def test_duplicate_credit_keeps_the_strongest_edge(lib: Library, make_record) -> None:
    record = make_record()
    record.entities[:] = [EntityRef("person", "Ann", "actor", 0.3), EntityRef("person", "ann", "actor", 0.9, "Eve"),
                          EntityRef("person", "Ann", "director", 1.0), EntityRef("tag", "  ")]
    video_id = lib.upsert_video(record)
    edges = sorted((e.role, e.weight, e.extra) for e in lib.entities_of(video_id))
    assert edges == [("actor", 0.9, "Eve"), ("director", 1.0, "")]


def test_stats_counts_everything(lib: Library, make_record) -> None:
    video_id = lib.upsert_video(make_record())
    lib.record_failure(ScanFailure(FileStat("/m/bad.mkv", 1, 1), "bad"))
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, video_id, "play")
    lib.add_interaction(profile.id, video_id, "like")
    stats = lib.stats()
    assert stats.videos_by_status == {"ok": 1, "failed": 1} and stats.videos == 2
    assert stats.entities_by_kind == {"person": 1, "genre": 1}
    assert stats.interactions_by_kind == {"play": 1, "like": 1}
    assert stats.embeddings_by_model == {MODEL: 1} and stats.profiles == 1
    assert stats.path == str(lib.path)
