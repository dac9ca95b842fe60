"""Played state goes back into .nfo sidecars; the rest of each file is kept byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyrec.cli import main
from pyrec.history.nfo_state import read_state
from pyrec.history.nfo_write import PlayedState, write_played_state
from pyrec.history.times import parse_local
from pyrec.service import PyrecService
from tests.history.conftest import add_video

NFO = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>\r\n"
       "<!-- written by Kodi; a comment to keep -->\r\n"
       "<movie>\r\n"
       "\t<title>Heat &amp; Dust</title>\r\n"
       "\t<playcount>1</playcount>\r\n"
       "\t<lastplayed>2019-01-01 10:00:00</lastplayed>\r\n"
       "\t<uniqueid type=\"imdb\" default=\"true\">tt0113277</uniqueid>\r\n"
       "\t<fileinfo><streamdetails><video><codec>h264</codec></video></streamdetails></fileinfo>\r\n"
       "</movie>\r\n")


def test_only_the_three_fields_change(tmp_path: Path) -> None:
    video = tmp_path / "Heat.mkv"
    video.write_bytes(b"x")
    nfo = tmp_path / "Heat.nfo"
    nfo.write_bytes(b"\xef\xbb\xbf" + NFO.encode())
    os.chmod(nfo, 0o640)
    when = parse_local("2024-05-06 07:08:09")
    result = write_played_state(str(video), PlayedState(3, when, 8.4))
    assert result.changed and result.reason == "playcount 3, lastplayed 2024-05-06 07:08:09, userrating 8"
    expected = (NFO.replace("<playcount>1</playcount>", "<playcount>3</playcount>")
                .replace("2019-01-01 10:00:00", "2024-05-06 07:08:09")
                .replace("</fileinfo>\r\n</movie>", "</fileinfo>\r\n\t<userrating>8</userrating>\r\n</movie>"))
    assert nfo.read_bytes() == b"\xef\xbb\xbf" + expected.encode()
    assert os.stat(nfo).st_mode & 0o777 == 0o640
    state = read_state(nfo)
    assert state is not None and (state.play_count, state.user_rating) == (3, 8.0)
    again = write_played_state(str(video), PlayedState(3, when, 8.0))
    assert not again.changed and again.reason == "already up to date"
    lower = write_played_state(str(video), PlayedState(1, when - 86400, None))  # never lowers a count or a date
    assert not lower.changed


@pytest.mark.parametrize("content, why", [
    (b'<?xml version="1.0"?><!DOCTYPE movie [<!ENTITY x "y">]><movie><title>&x;</title></movie>', "refused"),
    ("<movie><title>Caf\u00e9</title></movie>".encode("cp1252"), "not UTF-8"),
    (b"<episodedetails><title>a</title></episodedetails><episodedetails><title>b</title></episodedetails>",
     "several root"),
])
def test_odd_sidecars_are_left_alone(tmp_path: Path, content: bytes, why: str) -> None:
    video = tmp_path / "v.mkv"
    video.write_bytes(b"x")
    (tmp_path / "v.nfo").write_bytes(content)
    result = write_played_state(str(video), PlayedState(1, 1.7e9, None))
    assert not result.changed and why in result.reason
    assert (tmp_path / "v.nfo").read_bytes() == content


def test_export_nfo_from_the_library_and_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Heat.mkv").write_bytes(b"x")
    (tmp_path / "Heat.nfo").write_text("<movie>\n  <title>Heat</title>\n</movie>\n")
    (tmp_path / "Bare.mkv").write_bytes(b"x")
    db = tmp_path / "lib.db"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        add_video(service, str(tmp_path / "Heat.mkv"), "Heat")
        add_video(service, str(tmp_path / "Bare.mkv"), "Bare")
        service.mark_watched(str(tmp_path / "Heat.mkv"))
        service.rate(str(tmp_path / "Heat.mkv"), 7)
        service.mark_watched(str(tmp_path / "Bare.mkv"))
    assert main(["--db", str(db), "export", "nfo", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would change 1 .nfo files" in out and "no .nfo beside it" in out
    assert "<playcount>" not in (tmp_path / "Heat.nfo").read_text()
    assert main(["--db", str(db), "export", "nfo"]) == 0
    text = (tmp_path / "Heat.nfo").read_text()
    assert text.startswith("<movie>\n  <title>Heat</title>\n  <playcount>1</playcount>\n  <lastplayed>")
    assert text.endswith("  <userrating>7</userrating>\n</movie>\n")
    assert not (tmp_path / "Bare.nfo").exists()
