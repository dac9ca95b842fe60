"""Library folders, settings, facet counts and filtered listings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrec.library import Library


def test_library_folders_are_absolute_unique_and_ordered(lib: Library, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert lib.add_library_folder("Films") is True
    assert lib.add_library_folder(tmp_path / "Films") is False  # same folder, already there
    assert lib.add_library_folder("/media/Série 北") is True
    assert lib.library_folders() == [str(tmp_path / "Films"), "/media/Série 北"]
    assert lib.remove_library_folder(tmp_path / "Films") is True
    assert lib.remove_library_folder(tmp_path / "Films") is False
    assert lib.library_folders() == ["/media/Série 北"]


def test_settings_round_trip_and_overwrite(lib: Library) -> None:
    assert lib.setting("rescan_on_start") is None
    assert lib.setting("rescan_on_start", "no") == "no"
    lib.set_setting("rescan_on_start", "yes")
    lib.set_setting("rescan_on_start", "no")
    assert lib.setting("rescan_on_start") == "no"


def test_filters_by_entity_and_label_and_facet_counts(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv", genres=("Drama",), labels=("seashore", "boat")))
    b = lib.upsert_video(make_record("/m/b.mkv", genres=("Drama", "Comedy"), labels=("boat",)))
    c = lib.upsert_video(make_record("/m/c.mkv", genres=("Comedy",), labels=("dog",)))
    drama = lib.find_entity("genre", "drama")
    assert drama is not None
    assert [v.id for v in lib.videos(entity_id=drama)] == [a, b]
    assert lib.count_videos(entity_id=drama) == 2
    assert [v.id for v in lib.videos(label="boat", order="-id")] == [b, a]
    assert [v.id for v in lib.videos(status="ok", entity_id=drama, label="seashore")] == [a]
    assert lib.label_stats() == [("boat", 2), ("dog", 1), ("seashore", 1)]
    lib.mark_missing([b])  # missing videos leave the facet counts
    assert lib.label_stats() == [("boat", 1), ("dog", 1), ("seashore", 1)]
    assert [v.id for v in lib.videos(status="ok", label="boat")] == [a]
    assert c in {v.id for v in lib.videos(status="ok")}


def test_first_thumbnails_pick_the_sharpest_keyframe(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv", keyframes=3))  # sharpness = idx in make_record
    b = lib.upsert_video(make_record("/m/b.mkv", keyframes=0))
    assert lib.first_thumbnails([a, b, 999]) == {a: "/cache/2.jpg"}
    assert lib.first_thumbnails([]) == {}


def test_backup_is_a_consistent_private_copy(lib: Library, make_record, tmp_path: Path) -> None:
    import stat

    import pytest

    from pyrec.errors import LibraryError

    video = lib.upsert_video(make_record("/m/a.mkv"))
    profile = lib.ensure_profile("me")
    lib.add_interaction(profile.id, video, "like")
    dest = lib.backup(tmp_path / "backups" / "copy.sqlite")
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with Library.open(dest) as copy:
        assert copy.video(video).file.path == "/m/a.mkv"
        assert [i.kind for i in copy.interactions(copy.ensure_profile("me").id)] == ["like"]
        ok = copy._live().execute("PRAGMA integrity_check").fetchone()[0]
    assert ok == "ok"
    with pytest.raises(LibraryError, match="already exists"):
        lib.backup(dest)


def test_bulk_reads_match_per_video_reads_and_skip_missing(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv", people=("Ann Lee",), genres=("Drama",), labels=("boat", "sea")))
    b = lib.upsert_video(make_record("/m/b.mkv", people=("Bo Ray",), genres=("Comedy",), labels=("dog",)))
    gone = lib.upsert_video(make_record("/m/c.mkv", labels=("cat",)))
    lib.mark_missing([gone])
    edges = lib.all_entity_edges()
    for video in (a, b):
        assert sorted((k, n, r) for v, k, n, r, _ in edges if v == video) == sorted(
            (e.kind, e.name, e.role) for e in lib.entities_of(video))
    assert {v for v, *_ in edges} == {a, b}
    labels = lib.all_labels()
    assert [(n, s) for v, n, s in labels if v == a] == [(label.name, label.score) for label in lib.labels(a)]
    assert gone not in {v for v, *_ in labels}
    hashes = lib.all_keyframe_hashes()
    assert set(hashes) == {a, b}
    assert hashes[a][0].tolist() == [k.phash for k in lib.keyframes(a)]
    assert hashes[a][1].tolist() == [k.time for k in lib.keyframes(a)]


def test_watched_state_and_several_entities_filter_together(lib: Library, make_record) -> None:
    a = lib.upsert_video(make_record("/m/a.mkv", people=("Ann Lee",), genres=("Drama",)))
    b = lib.upsert_video(make_record("/m/b.mkv", people=("Ann Lee",), genres=("Comedy",)))
    c = lib.upsert_video(make_record("/m/c.mkv", people=("Bo Ray",), genres=("Drama",)))
    d = lib.upsert_video(make_record("/m/d.mkv", people=("Bo Ray",), genres=("Comedy",)))
    me, other = lib.ensure_profile("me").id, lib.ensure_profile("other").id
    lib.add_interaction(me, a, "play", watched_seconds=5000.0, duration=5400.0)  # 93%: watched
    lib.add_interaction(me, b, "play", watched_seconds=600.0, duration=5400.0)   # started
    lib.add_interaction(me, c, "watched")
    lib.add_interaction(other, d, "watched")  # someone else's history does not count

    def ids(**kw) -> list[int]:
        return [v.id for v in lib.videos(profile_id=me, **kw)]

    assert ids(watched="watched") == [a, c]
    assert ids(watched="in-progress") == [b]
    assert ids(watched="unwatched") == [d]
    assert lib.count_videos(watched="unwatched", profile_id=me) == 1
    ann, drama = lib.find_entity("person", "Ann Lee"), lib.find_entity("genre", "Drama")
    assert ids(entity_ids=[ann, drama]) == [a]
    assert ids(entity_ids=[ann], watched="in-progress") == [b]
    with pytest.raises(ValueError, match="needs a profile"):
        lib.videos(watched="watched")
