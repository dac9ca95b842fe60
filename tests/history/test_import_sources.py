"""Each source imports into a real library, matched and timestamped as the source said."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyrec.errors import PyrecError
from pyrec.history.times import parse_local, parse_utc
from pyrec.service import PyrecService
from tests.history.builders import jellyfin_108, jellyfin_1011, kodi_db, plex_db, trakt_export
from tests.history.conftest import ids

KODI_MAPS = ["smb://nas/movies/=/media/movies/", "smb://nas/tv/=/media/tv/"]


def events(service: PyrecService) -> list[tuple[str, str, float | None, float | None, float]]:
    """(video path, kind, value, position, time) of the default profile, oldest first."""
    lib = service.library
    p = lib.find_profile("default")
    assert p is not None
    paths = {v: k for k, v in ids(service).items()}
    return [(paths[e.video_id], e.kind, e.value, e.position, e.created_at) for e in lib.interactions(p.id)]


def test_kodi_database_imports_plays_resume_points_and_ratings(service: PyrecService, tmp_path: Path) -> None:
    db = kodi_db(tmp_path / "MyVideos131.db")
    report = service.import_history("kodi", db, maps=KODI_MAPS)
    assert report["summary"]["matched"] == 3 and report["summary"]["unmatched"] == 1
    unmatched = [i for i in report["items"] if i["status"] == "unmatched"]
    assert unmatched[0]["label"] == "smb://nas/movies/Elsewhere.mkv"
    assert "/media/movies/Elsewhere.mkv" in unmatched[0]["reason"]
    assert all(i["method"] == "path" for i in report["items"] if i["status"] == "matched")
    got = events(service)
    hunt = parse_local("2021-03-04 21:30:00")
    assert ("/media/movies/Hunt.mkv", "watched", 2.0, None, hunt) in got
    assert ("/media/movies/Hunt.mkv", "rate", 8.0, None, hunt) in got
    assert ("/media/movies/Half.mkv", "play", None, 1800.5, parse_local("2022-05-06 20:00:00")) in got
    assert ("/media/tv/Show/Show.S01E02.mkv", "watched", 1.0, None, parse_local("2023-01-02 19:00:00")) in got
    assert len(got) == 4 and report["added"] == 4


def test_importing_twice_adds_nothing_and_forget_undoes_only_the_import(service: PyrecService, tmp_path: Path) -> None:
    db = kodi_db(tmp_path / "MyVideos131.db")
    service.mark_watched("/media/movies/Half.mkv")  # pyrec's own event: must survive
    service.import_history("kodi", db, maps=KODI_MAPS)
    again = service.import_history("kodi", db, maps=KODI_MAPS)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert len(events(service)) == 5
    assert service.history_sources() == {"kodi": 4, "pyrec": 1}
    assert service.forget_source("kodi") == 4
    left = events(service)
    assert [(p, k) for p, k, *_ in left] == [("/media/movies/Half.mkv", "watched")]


def test_dry_run_stores_nothing_but_counts_what_it_would_add(service: PyrecService, tmp_path: Path) -> None:
    db = kodi_db(tmp_path / "MyVideos131.db")
    report = service.import_history("kodi", db, maps=KODI_MAPS, dry_run=True)
    assert report["dry_run"] and report["added"] == 4
    assert service.library.find_profile("default") is None  # not even the profile was made
    service.import_history("kodi", db, maps=KODI_MAPS)
    assert service.import_history("kodi", db, maps=KODI_MAPS, dry_run=True)["added"] == 0


def test_jellyfin_10_11_needs_an_account_when_several_have_history(service: PyrecService, tmp_path: Path) -> None:
    folder = tmp_path / "jellyfin" / "data"
    db = jellyfin_1011(folder)
    with pytest.raises(PyrecError, match="alice, bob"):
        service.import_history("jellyfin", folder)
    report = service.import_history("jellyfin", folder, account="alice", maps=["/data/movies=/media/movies"])
    assert report["account"] == "alice" and report["summary"]["matched"] == 2
    got = events(service)
    t = parse_utc("2024-02-03T20:15:00.123456Z")
    assert ("/media/movies/Hunt.mkv", "watched", 3.0, None, t) in got
    assert ("/media/movies/Hunt.mkv", "like", None, None, t) in got
    assert ("/media/movies/Hunt.mkv", "rate", 9.0, None, t) in got
    assert ("/media/movies/Half.mkv", "play", None, 1200.0, parse_utc("2024-02-04T21:00:00Z")) in got
    assert db.exists() and not (folder / "jellyfin.db-wal").exists()  # opened immutable: nothing written beside it


def test_jellyfin_10_8_library_db(service: PyrecService, tmp_path: Path) -> None:
    db = jellyfin_108(tmp_path / "jf")
    report = service.import_history("jellyfin", db, maps=["/data/movies=/media/movies"])
    assert report["account"] == "alice" and report["summary"]["matched"] == 1
    assert ("/media/movies/Hunt.mkv", "rate", 7.5, None, parse_utc("2023-06-07T08:09:10Z")) in events(service)


def test_plex_imports_every_viewing_with_its_own_time(service: PyrecService, tmp_path: Path) -> None:
    db = plex_db(tmp_path / "com.plexapp.plugins.library.db")
    report = service.import_history("plex", db, maps=["/srv/plex/movies=/media/movies"])
    assert report["account"] == "owner" and report["summary"]["matched"] == 2
    got = events(service)
    assert [e[4] for e in got if e[1] == "watched"] == [1600000000.0, 1700000000.0]
    assert ("/media/movies/Hunt.mkv", "rate", 10.0, None, 1700000000.0) in got
    assert ("/media/movies/Half.mkv", "play", None, 1234.0, 1700100000.0) in got


def test_trakt_matches_by_title_and_episode_and_reports_the_rest(service: PyrecService, tmp_path: Path) -> None:
    report = service.import_history("trakt", trakt_export(tmp_path / "trakt"))
    by_label = {i["label"]: i for i in report["items"]}
    assert by_label["The Hunt for Red October (1990)"]["method"] == "title"
    assert by_label["Show S01E02"]["method"] == "episode"
    assert by_label["Not Here (2010)"]["status"] == "unmatched"
    assert any("watchlist" in s for s in report["skipped"])
    got = events(service)
    assert [e[4] for e in got if e[0] == "/media/movies/Hunt.mkv" and e[1] == "watched"] == [
        parse_utc("2019-05-01T20:00:00Z"), parse_utc("2020-05-01T20:00:00Z")]
    assert ("/media/movies/Hunt.mkv", "rate", 9.0, None, parse_utc("2020-05-02T10:00:00Z")) in got
