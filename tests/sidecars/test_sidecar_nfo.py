"""Kodi/Jellyfin .nfo parsing: real-looking samples, hostile XML, encodings."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrec.errors import SidecarError
from pyrec.records import EntityRef
from pyrec.scan.nfo import MAX_NFO_BYTES, find_nfo, parse_nfo, parse_nfo_text

MOVIE = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>The Hunt for Red October</title>
    <originaltitle>The Hunt for Red October</originaltitle>
    <sorttitle>Hunt for Red October</sorttitle>
    <ratings>
        <rating name="themoviedb" max="10"><value>7.3</value><votes>2000</votes></rating>
        <rating name="imdb" max="10" default="true"><value>7.6</value><votes>190000</votes></rating>
    </ratings>
    <userrating>9</userrating>
    <outline>A Soviet captain defects.</outline>
    <plot>A new, technologically-superior Soviet submarine heads for the U.S. coast.</plot>
    <tagline>Invisible. Silent. Stolen.</tagline>
    <runtime>135</runtime>
    <thumb aspect="poster">https://example.org/poster.jpg</thumb>
    <genre>Action</genre>
    <genre>Thriller / Adventure</genre>
    <tag>submarine</tag>
    <tag>cold war</tag>
    <set><name>Jack Ryan Collection</name><overview>Tom Clancy's analyst.</overview></set>
    <credits>Larry Ferguson (Screenplay)</credits>
    <credits>Donald Stewart</credits>
    <director>John McTiernan</director>
    <premiered>1990-03-02</premiered>
    <studio>Paramount</studio>
    <uniqueid type="imdb" default="true">tt0099810</uniqueid>
    <actor><name>Sean Connery</name><role>Captain Marko Ramius</role><order>0</order><thumb/></actor>
    <actor><name>Alec Baldwin</name><role>Jack Ryan</role><order>1</order></actor>
    <actor><name>Scott Glenn</name><role>Bart Mancuso</role><order>9</order></actor>
</movie>
https://www.imdb.com/title/tt0099810/
"""

EPISODE = """<?xml version="1.0" encoding="UTF-8"?>
<episodedetails>
    <title>Pilot</title>
    <showtitle>Breaking Bad</showtitle>
    <season>1</season>
    <episode>1</episode>
    <rating>8.9</rating>
    <plot>A chemistry teacher is diagnosed with cancer.</plot>
    <aired>2008-01-20</aired>
    <director>Vince Gilligan</director>
    <credits>Vince Gilligan</credits>
    <actor><name>Bryan Cranston</name><role>Walter White</role></actor>
    <actor><name>Aaron Paul</name><role>Jesse Pinkman</role></actor>
</episodedetails>
"""

TVSHOW = """<?xml version="1.0" encoding="UTF-8"?>
<tvshow>
    <title>Breaking Bad</title>
    <plot>A high-school chemistry teacher turns to crime.</plot>
    <season>5</season>
    <premiered>2008-01-20</premiered>
    <genre>Drama</genre>
    <genre>Crime</genre>
    <studio>AMC</studio>
    <actor><name>Bryan Cranston</name><role>Walter White</role><order>0</order></actor>
</tvshow>
"""

JELLYFIN = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<movie>
  <title>Amélie</title>
  <originaltitle>Le Fabuleux Destin d'Amélie Poulain</originaltitle>
  <year>2001</year>
  <rating>3.9</rating>
  <genre>Comedy</genre>
  <actor><name>Audrey Tautou</name><role>Amélie Poulain</role><type>Actor</type><sortorder>0</sortorder></actor>
  <actor><name>Jean-Pierre Jeunet</name><type>Director</type></actor>
  <actor><name>Yann Tiersen</name><type>Composer</type></actor>
  <writer>Guillaume Laurant</writer>
</movie>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<movie><title>&lol9;</title></movie>
"""


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _names(refs: list[EntityRef], kind: str, role: str | None = None) -> list[str]:
    return [r.name for r in refs if r.kind == kind and (role is None or r.role == role)]


def test_movie(tmp_path: Path) -> None:
    path = _write(tmp_path, "Hunt.nfo", MOVIE)
    info, refs = parse_nfo(path)
    assert info.title == "The Hunt for Red October"
    assert info.original_title == ""  # same as the title: not repeated
    assert info.plot.startswith("A new, technologically-superior")  # plot beats outline
    assert info.tagline == "Invisible. Silent. Stolen."
    assert (info.year, info.rating, info.media_type) == (1990, 7.6, "movie")  # the default rating
    assert info.sources == (str(path),)
    assert _names(refs, "genre") == ["Action", "Thriller", "Adventure"]
    assert _names(refs, "tag") == ["submarine", "cold war"]
    assert _names(refs, "collection") == ["Jack Ryan Collection"]
    assert _names(refs, "studio") == ["Paramount"]
    assert _names(refs, "person", "director") == ["John McTiernan"]
    writers = [(r.name, r.extra) for r in refs if r.role == "writer"]
    assert writers == [("Larry Ferguson", "Screenplay"), ("Donald Stewart", "")]
    actors = [(r.name, r.extra, r.weight) for r in refs if r.role == "actor"]
    assert [a[:2] for a in actors] == [("Sean Connery", "Captain Marko Ramius"), ("Alec Baldwin", "Jack Ryan"),
                                       ("Scott Glenn", "Bart Mancuso")]
    assert actors[0][2] == 1.0 and actors[0][2] > actors[1][2] > actors[2][2] >= 0.1  # billing order


def test_episode(tmp_path: Path) -> None:
    info, refs = parse_nfo(_write(tmp_path, "Breaking.Bad.S01E01.nfo", EPISODE))
    assert (info.title, info.season, info.episode, info.year) == ("Pilot", 1, 1, 2008)
    assert (info.media_type, info.rating) == ("episode", 8.9)
    assert _names(refs, "series") == ["Breaking Bad"]
    assert _names(refs, "person", "actor") == ["Bryan Cranston", "Aaron Paul"]
    assert _names(refs, "person", "writer") == ["Vince Gilligan"]


def test_tvshow_describes_the_series_not_the_episode(tmp_path: Path) -> None:
    info, refs = parse_nfo(_write(tmp_path, "tvshow.nfo", TVSHOW))
    assert (info.title, info.season, info.year, info.media_type) == ("", None, None, "")
    assert info.plot == "A high-school chemistry teacher turns to crime."
    assert _names(refs, "series") == ["Breaking Bad"]
    assert _names(refs, "genre") == ["Drama", "Crime"] and _names(refs, "studio") == ["AMC"]


def test_musicvideo(tmp_path: Path) -> None:
    xml = ("<musicvideo><title>Around the World</title><artist>Daft Punk</artist><album>Homework</album>"
           "<year>1997</year><genre>Electronic</genre></musicvideo>")
    info, refs = parse_nfo(_write(tmp_path, "clip.nfo", xml))
    assert (info.title, info.year, info.media_type) == ("Around the World", 1997, "musicvideo")
    assert _names(refs, "person", "creator") == ["Daft Punk"] and _names(refs, "collection") == ["Homework"]


def test_jellyfin_people_types_and_original_title(tmp_path: Path) -> None:
    info, refs = parse_nfo(_write(tmp_path, "amelie.nfo", JELLYFIN))
    assert info.title == "Amélie" and info.original_title.startswith("Le Fabuleux Destin")
    assert info.year == 2001 and info.rating == 3.9
    assert _names(refs, "person", "actor") == ["Audrey Tautou"]
    assert _names(refs, "person", "director") == ["Jean-Pierre Jeunet"]
    assert _names(refs, "person", "writer") == ["Guillaume Laurant"]
    assert "Yann Tiersen" not in _names(refs, "person")  # a composer has no role we model


def test_rating_on_another_scale_is_normalised(tmp_path: Path) -> None:
    xml = '<movie><ratings><rating name="x" max="5"><value>4</value></rating></ratings></movie>'
    assert parse_nfo(_write(tmp_path, "a.nfo", xml))[0].rating == 8.0
    assert parse_nfo(_write(tmp_path, "b.nfo", "<movie><rating>85</rating></movie>"))[0].rating is None


def test_multi_episode_file_uses_the_first_episode(tmp_path: Path) -> None:
    two = EPISODE + EPISODE.replace("<title>Pilot</title>", "<title>Second</title>").split("?>", 1)[1]
    info, _ = parse_nfo(_write(tmp_path, "double.nfo", two))
    assert info.title == "Pilot"


@pytest.mark.parametrize("content", [
    "https://www.imdb.com/title/tt0099810/\n",
    "",
    "   \n\n",
    "\u2554\u2550\u2550\u2557 RELEASE GROUP \u2554\u2550\u2557\n  Greets to all\n",
    "<html><body>not an nfo</body></html>",
])
def test_junk_nfo_says_nothing(tmp_path: Path, content: str) -> None:
    info, refs = parse_nfo(_write(tmp_path, "junk.nfo", content))
    assert (info.title, info.plot, refs) == ("", "", [])


def test_missing_fields_are_fine(tmp_path: Path) -> None:
    info, refs = parse_nfo(_write(tmp_path, "bare.nfo", "<movie><title/><year>soon</year><actor/></movie>"))
    assert (info.title, info.year, info.media_type, refs) == ("", None, "movie", [])


def test_malformed_xml_is_a_sidecar_error_naming_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.nfo", "<movie><title>Unclosed</movie>")
    with pytest.raises(SidecarError) as info:
        parse_nfo(path)
    assert info.value.path == str(path) and info.value.reason.startswith("malformed XML")
    assert "\n" not in str(info.value)


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.nfo", BILLION_LAUGHS)
    started = time.monotonic()
    with pytest.raises(SidecarError) as info:
        parse_nfo(path)
    assert time.monotonic() - started < 1.0
    assert info.value.path == str(path)
    assert info.value.reason.startswith("refused: the XML declares a DTD")  # not "malformed"


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE movie [<!ENTITY xxe SYSTEM "file://{secret}">]>',
    '<!DOCTYPE movie [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
    '<!DOCTYPE movie SYSTEM "file://{secret}">',
    '<!DOCTYPE movie SYSTEM "http://127.0.0.1:9/evil.dtd">',
])
def test_external_entities_are_refused_and_never_read(tmp_path: Path, doctype: str) -> None:
    secret = _write(tmp_path, "secret.txt", "TOP-SECRET")
    xml = '<?xml version="1.0"?>\n' + doctype.format(secret=secret) + "\n<movie><title>&xxe;</title></movie>"
    with pytest.raises(SidecarError) as info:
        parse_nfo(_write(tmp_path, "xxe.nfo", xml))
    assert info.value.reason.startswith("refused: the XML declares a DTD")
    assert "TOP-SECRET" not in str(info.value)


@pytest.mark.parametrize("encoding,declared", [
    ("utf-8-sig", "UTF-8"),
    ("utf-16", "UTF-16"),  # with a BOM
    ("utf-16-le", "UTF-16"),  # without one
    ("utf-16-be", "UTF-16"),
    ("latin-1", "ISO-8859-1"),
    ("cp1252", "windows-1252"),
    ("latin-1", "UTF-8"),  # declared wrongly, as some tools do
    ("utf-8", "ISO-8859-1"),  # and the other way round
    ("cp1252", None),  # not declared at all
])
def test_encodings(tmp_path: Path, encoding: str, declared: str | None) -> None:
    prolog = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    dash = "-" if encoding == "latin-1" else "\u2013"  # an en dash exists in cp1252, not latin-1
    xml = prolog + f"<movie><title>Amélie {dash} Café</title><plot>Crème brûlée</plot></movie>"
    info, _ = parse_nfo(_write(tmp_path, "enc.nfo", xml.encode(encoding)))
    assert info.title == f"Amélie {dash} Café"
    assert info.plot == "Crème brûlée"


def test_oversized_nfo_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.nfo"
    with open(path, "wb") as f:
        f.truncate(MAX_NFO_BYTES + 1)
    with pytest.raises(SidecarError) as info:
        parse_nfo(path)
    assert "too large" in info.value.reason


def test_binary_nfo_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SidecarError) as info:
        parse_nfo(_write(tmp_path, "bin.nfo", b"\x00\x01\x02\xff" * 300 + b"\x00\x00\x00\x00\xfe"))
    assert "binary" in info.value.reason


def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.nfo"
    os.mkfifo(fifo)
    with pytest.raises(SidecarError) as info:
        parse_nfo(fifo)
    assert "not a regular file" in info.value.reason


def test_unreadable_path_is_a_sidecar_error(tmp_path: Path) -> None:
    with pytest.raises(SidecarError) as info:
        parse_nfo(tmp_path / "gone.nfo")
    assert "cannot read" in info.value.reason


def test_find_nfo_orders_general_to_specific(tmp_path: Path) -> None:
    show = tmp_path / "Breaking Bad"
    season = show / "Season 1"
    video = _write(season, "Breaking.Bad.S01E01.mkv", b"")
    _write(show, "TVSHOW.NFO", TVSHOW)
    _write(season, "Breaking.Bad.S01E01.nfo", EPISODE)
    _write(season, "Breaking.Bad.S01E02.nfo", EPISODE)
    assert find_nfo(video) == [str(show / "TVSHOW.NFO"), str(season / "Breaking.Bad.S01E01.nfo")]
    movie = _write(tmp_path / "Films" / "Alien (1979)", "Alien.mkv", b"")
    _write(movie.parent, "movie.nfo", MOVIE)
    assert find_nfo(movie) == [str(movie.parent / "movie.nfo")]
    assert find_nfo(tmp_path / "nowhere" / "x.mkv") == []


# ---- fuzzing ------------------------------------------------------------------

_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                    max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600))
def test_fuzz_bytes_only_raise_sidecar_error(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, "fuzz.nfo", data)
    try:
        _, refs = parse_nfo(path)
    except SidecarError as exc:
        assert exc.path == str(path) and "\n" not in str(exc)
    else:
        assert all(r.name for r in refs)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("<>/&;!?=\"' abcmovietl\n[]%-DOCTYPEENTITY")), max_size=200))
def test_fuzz_xmlish_text_only_raises_sidecar_error(text: str) -> None:
    with contextlib.suppress(SidecarError):  # anything else fails the test
        parse_nfo_text(text, "fuzz.nfo")


@settings(max_examples=100, deadline=None)
@given(title=_XML_TEXT, plot=_XML_TEXT, actors=st.lists(_XML_TEXT, max_size=5))
def test_fields_round_trip(title: str, plot: str, actors: list[str]) -> None:
    xml = "<movie><title>{}</title><plot>{}</plot>{}</movie>".format(
        escape(title), escape(plot), "".join(f"<actor><name>{escape(a)}</name></actor>" for a in actors))
    info, refs = parse_nfo_text(xml, "x.nfo")
    assert info.title == " ".join(title.split())
    assert info.plot == " ".join(plot.split())
    assert _names(refs, "person", "actor") == [" ".join(a.split()) for a in actors if a.split()]
