"""Profiles and interactions."""

from __future__ import annotations

import pytest

from pyrec.errors import NotFoundError
from pyrec.library import Library


def test_ensure_profile_is_idempotent_and_case_insensitive(lib: Library) -> None:
    first = lib.ensure_profile("Alice", incognito=True)
    again = lib.ensure_profile(" alice ")
    assert again == first and first.incognito and first.name == "Alice"
    bob = lib.ensure_profile("Bob")
    assert not bob.incognito
    assert [p.name for p in lib.profiles()] == ["Alice", "Bob"]
    with pytest.raises(ValueError):
        lib.ensure_profile("   ")


def test_interactions_round_trip_and_filter(lib: Library, make_record) -> None:
    video_id = lib.upsert_video(make_record())
    me = lib.ensure_profile("me")
    lib.add_interaction(me.id, video_id, "play", position=0.0, at=100.0)
    lib.add_interaction(me.id, video_id, "watched", watched_seconds=3000.0, duration=5400.5, at=200.0)
    rate = lib.add_interaction(me.id, video_id, "rate", value=4.5, at=300.0)
    history = lib.interactions(me.id)
    assert [(i.kind, i.created_at) for i in history] == [("play", 100.0), ("watched", 200.0), ("rate", 300.0)]
    assert history[1].watched_seconds == 3000.0 and history[1].duration == 5400.5
    assert history[2].id == rate and history[2].value == 4.5
    assert [i.kind for i in lib.interactions(me.id, since=200.0)] == ["watched", "rate"]


def test_interaction_validation(lib: Library, make_record) -> None:
    video_id = lib.upsert_video(make_record())
    me = lib.ensure_profile("me")
    with pytest.raises(ValueError, match="kind"):
        lib.add_interaction(me.id, video_id, "love")
    with pytest.raises(NotFoundError) as info:
        lib.add_interaction(me.id, video_id + 1, "play")
    assert "video" in info.value.reason
    with pytest.raises(NotFoundError) as info:
        lib.add_interaction(me.id + 1, video_id, "play")
    assert "profile" in info.value.reason
    assert lib.interactions(me.id) == []


def test_delete_history_touches_one_profile_only(lib: Library, make_record) -> None:
    video_id = lib.upsert_video(make_record())
    me, you = lib.ensure_profile("me"), lib.ensure_profile("you")
    for kind in ("play", "like"):
        lib.add_interaction(me.id, video_id, kind)
        lib.add_interaction(you.id, video_id, kind)
    assert lib.delete_profile_history(me.id) == 2
    assert lib.interactions(me.id) == []
    assert len(lib.interactions(you.id)) == 2
    assert [p.name for p in lib.profiles()] == ["me", "you"]


def test_forgotten_history_is_gone_from_the_bytes_on_disk(tmp_path) -> None:
    """Read the raw file (and its WAL): no trace of the forgotten events."""
    import struct

    from pyrec.records import FileStat, MediaProbe, VideoRecord

    path = tmp_path / "lib.sqlite"
    marker = 7.123456789012345  # a rating nothing else in the file could hold
    with Library.open(path) as lib:
        video = lib.upsert_video(VideoRecord(FileStat("/m/a.mkv", 1, 1, "q"), MediaProbe(60.0, 25.0, 64, 64, "avc1")))
        profile = lib.ensure_profile("me")
        for _ in range(200):
            lib.add_interaction(profile.id, video, "rate", value=marker)
        needle = struct.pack("<d", marker), struct.pack(">d", marker)  # SQLite stores REAL big-endian

        def on_disk() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.glob("lib.sqlite*"))

        lib._live().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert any(n in on_disk() for n in needle)  # the check can see the events
        assert lib.delete_profile_history(profile.id) == 200
        assert not any(n in on_disk() for n in needle)
        assert lib.interactions(profile.id) == []


def test_newest_events_first_with_a_limit(tmp_path) -> None:
    from pyrec.records import FileStat, MediaProbe, VideoRecord

    with Library.open(tmp_path / "lib.sqlite") as lib:
        video = lib.upsert_video(VideoRecord(FileStat("/m/a.mkv", 1, 1, "q"), MediaProbe(60.0, 25.0, 64, 64, "avc1")))
        me = lib.ensure_profile("me").id
        for i, kind in enumerate(["play", "like", "rate", "hide"]):
            lib.add_interaction(me, video, kind, at=100.0 + i)
        assert [e.kind for e in lib.interactions(me)] == ["play", "like", "rate", "hide"]
        assert [e.kind for e in lib.interactions(me, newest_first=True, limit=2)] == ["hide", "rate"]
        assert [e.kind for e in lib.interactions(me, since=101.0, limit=1)] == ["like"]
