"""Matching never guesses: content, ids and titles, ambiguous and unmatched with reasons."""

from __future__ import annotations

import os
from pathlib import Path

from pyrec.history.match import AMBIGUOUS, MATCHED, UNMATCHED, Matcher, parse_maps, remap
from pyrec.history.records import SourceItem
from pyrec.library import MatchCandidate
from pyrec.scan.quickhash import quick_hash


def cand(i: int, path: str, title: str = "", year: int | None = None, *, size: int = 10, digest: str = "",
         series: str = "", season: int | None = None, episode: int | None = None) -> MatchCandidate:
    return MatchCandidate(i, path, size, digest, title, year, season, episode, "", series)


def test_remap_handles_shares_and_windows_drives() -> None:
    maps = parse_maps(["smb://nas/=/mnt/nas/", "D:\\Films=/media/films", "/data=/media"])
    assert remap("smb://nas/movies/a.mkv", maps) == "/mnt/nas/movies/a.mkv"
    assert remap("d:\\Films\\Sub\\b.mkv", maps) == "/media/films/Sub/b.mkv"
    assert remap("/data/x/../y.mkv", maps) == "/media/y.mkv"
    assert remap("/elsewhere/z.mkv", maps) == "/elsewhere/z.mkv"


def test_a_moved_file_is_found_by_its_content(tmp_path: Path) -> None:
    data = os.urandom(300_000)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "film.mkv").write_bytes(data)  # where the other program saw it
    (tmp_path / "new" / "renamed.mkv").write_bytes(data)  # where the library has it
    library_path = str(tmp_path / "new" / "renamed.mkv")
    m = Matcher([cand(7, library_path, size=len(data), digest=quick_hash(library_path)),
                 cand(8, "/x/other.mkv", size=len(data), digest="0" * 32)])
    got = m.match(SourceItem(key="k", path=str(tmp_path / "old" / "film.mkv")))
    assert (got.status, got.video_id, got.method) == (MATCHED, 7, "hash")


def test_same_name_and_exact_size_matches_and_two_copies_are_ambiguous() -> None:
    m = Matcher([cand(1, "/lib/a/Film.mkv", size=1234), cand(2, "/lib/b/Other.mkv", size=1234)])
    got = m.match(SourceItem(key="k", path="/plex/Film.mkv", size=1234))
    assert (got.status, got.video_id, got.method) == (MATCHED, 1, "name+size")
    twins = Matcher([cand(1, "/lib/a/Film.mkv", size=1234), cand(2, "/lib/b/Film.mkv", size=1234)])
    got = twins.match(SourceItem(key="k", path="/plex/Film.mkv", size=1234))
    assert got.status == AMBIGUOUS and got.video_id is None and "ids 1, 2" in got.reason


def test_external_ids_come_from_the_library_videos_nfo(tmp_path: Path) -> None:
    video = tmp_path / "Heat.mkv"
    video.write_bytes(b"x")
    (tmp_path / "Heat.nfo").write_text('<movie><title>Heat</title><uniqueid type="imdb">tt0113277</uniqueid></movie>')
    m = Matcher([cand(3, str(video), "Heat", 1995), cand(4, "/lib/Heat (remake).mkv", "Heat", 1995)])
    got = m.match(SourceItem(key="t", title="Heat", year=1995, ids=(("imdb", "tt0113277"),)))
    assert (got.status, got.video_id, got.method) == (MATCHED, 3, "ids")


def test_titles_need_the_year_to_agree_and_same_title_twice_is_ambiguous() -> None:
    m = Matcher([cand(1, "/a.mkv", "Dune", 1984), cand(2, "/b.mkv", "Dune", 2021), cand(3, "/c.mkv", "Solaris")])
    assert m.match(SourceItem(key="1", title="dune", year=2021)).video_id == 2
    assert m.match(SourceItem(key="2", title="Dune")).status == AMBIGUOUS
    assert m.match(SourceItem(key="3", title="Dune", year=2000)).status == UNMATCHED
    assert m.match(SourceItem(key="4", title="Solaris", year=1972)).video_id == 3  # the library has no year
    nothing = m.match(SourceItem(key="5", path="/gone.mkv", title="Gone"))
    assert nothing.status == UNMATCHED and "/gone.mkv" in nothing.reason and "Gone" in nothing.reason
