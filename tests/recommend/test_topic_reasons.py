"""Reasons from what was heard and read: two documentaries whose subtitles
both talk of storms, harbours and lighthouses are "also about" those words,
and the artist the container tags name is the voice of a documentary
("narrated by Ingrid Solberg") but not of a music video. On real files made
with ffmpeg (embedded subtitle tracks, container tags), scanned into a real
library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pyrec import shapes
from pyrec.recommend.explain import join_words
from pyrec.recommend.topics import Topics
from pyrec.service import PyrecService

NARRATOR = "Ingrid Solberg"
COMMON = "This is the film and here we are. "
# Different generators: different videos to the duplicate finder (copies are never "similar").
PICTURES = ("testsrc2", "mandelbrot", "life=mold=10:ratio=0.2", "cellauto=rule=110", "smptebars", "rgbtestsrc",
            "cellauto=rule=30", "yuvtestsrc")
# title -> (genre, artist, subtitle lines)
FILMS = {
    "Night Crossing": ("Documentary", NARRATOR, ["The storm drove the boats into the harbour.",
                                                "The lighthouse keeper watched the storm all night."]),
    "Harbour Lights": ("Documentary", NARRATOR, ["Another storm at sea: waves broke over the harbour wall.",
                                                "Only the lighthouse stood."]),
    "Honey Season": ("Documentary", "", ["Bees carry pollen from the flowers.", "The hive makes honey."]),
    "Dune Walkers": ("Documentary", "", ["Camels cross the desert sand.", "An oasis waits beyond the dunes."]),
    "Iron Roads": ("Documentary", "", ["Trains leave the station at dawn.", "The railway crosses the valley."]),
    "Fire Mountain": ("Documentary", "", ["The volcano erupts.", "Lava flows down toward the village."]),
    "Owl Wood": ("Documentary", "", ["Owls hunt in the forest.", "Mice hide under the leaves."]),
    "Night Chords": ("Music", NARRATOR, ["La la la, the melody rises.", "Guitar and drums."]),
}


def _srt(lines: list[str]) -> str:
    return "".join(f"{i + 1}\n00:00:0{i * 2},000 --> 00:00:0{i * 2 + 1},500\n{COMMON}{text}\n\n"
                   for i, text in enumerate(lines))


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Callable[..., None]) -> PyrecService:
    base = tmp_path_factory.mktemp("topics")
    media = base / "media"
    media.mkdir()
    for i, (title, (genre, artist, lines)) in enumerate(FILMS.items()):
        srt = base / f"{i}.srt"
        srt.write_text(_srt(lines))
        tags = ["-metadata", f"title={title}", "-metadata", f"genre={genre}"]
        if artist:
            tags += ["-metadata", f"artist={artist}"]
        sep = ":" if "=" in PICTURES[i] else "="
        ffmpeg("-f", "lavfi", "-i", f"{PICTURES[i]}{sep}size=160x120:rate=10", "-i", str(srt), "-t", "5",
               "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-c:s", "mov_text", *tags,
               str(media / f"{title.lower().replace(' ', '-')}.mp4"))
    service = PyrecService(base / "lib.sqlite", cache_dir=base / "cache")
    assert service.scan([media], jobs=1).added == len(FILMS)
    return service


def _card(svc: PyrecService, seed: str, title: str) -> shapes.Card:
    ids = {v["title"]: v["id"] for v in svc.videos(limit=None)}
    cards = svc.similar(ids[seed], n=len(FILMS))
    return next(c for c in cards if c["title"] == title)


def test_two_films_about_storms_say_so(svc: PyrecService) -> None:
    card = _card(svc, "Night Crossing", "Harbour Lights")
    topic = next(r for r in card["reason_details"] if r["kind"] == "shared_topic")
    words = topic["data"]["words"]
    assert set(words) <= {"storm", "harbour", "lighthouse"} and "storm" in words, words
    assert topic["text"] == f"also about {join_words(words)}, like Night Crossing"
    # Common words, stop words and words of one film alone are never a topic.
    everything = [w for c in svc.similar(card["id"], n=len(FILMS)) for r in c["reason_details"]
                  if r["kind"] == "shared_topic" for w in r["data"]["words"]]
    assert not {"film", "the", "here", "boats", "waves"} & set(everything)


def test_films_about_other_things_get_no_topic(svc: PyrecService) -> None:
    card = _card(svc, "Night Crossing", "Honey Season")
    assert not [r for r in card["reason_details"] if r["kind"] == "shared_topic"]


def test_the_artist_of_a_documentary_is_its_narrator(svc: PyrecService) -> None:
    doc = _card(svc, "Night Crossing", "Harbour Lights")
    assert f"narrated by {NARRATOR}, as in Night Crossing" in doc["reasons"], doc["reasons"]
    music = _card(svc, "Night Crossing", "Night Chords")  # a music video's artist performs, not narrates
    assert not [r for r in music["reasons"] if r.startswith("narrated by")], music["reasons"]
    assert "same creator as Night Crossing" in music["reasons"], music["reasons"]


def test_topics_weigh_words_by_how_rare_they_are() -> None:
    texts = {i: f"the weather today and the news {extra}" for i, extra in
             enumerate(["storms at sea", "storm warning at sea", "bees", "trains", "camels", "owls"])}
    topics = Topics.build(texts)
    words, share = topics.shared(0, 1)
    assert set(words) == {"storms", "sea"} and 0 < share <= 1  # "storm"/"storms" are one word
    assert topics.shared(0, 2) == ([], 0.0)  # "weather", "today", "news": on every video, no topic
    assert "weather" not in topics.words[0] and "the" not in topics.words[0]



def test_for_you_names_the_narrator_too(svc: PyrecService) -> None:
    svc.create_profile("listener")
    ids = {v["title"]: v["id"] for v in svc.videos(limit=None)}
    svc.like(ids["Night Crossing"], "listener")
    cards = {c["title"]: c for c in svc.recommend("listener", n=len(FILMS))}
    assert f"narrated by {NARRATOR}, as in Night Crossing" in cards["Harbour Lights"]["reasons"], cards
    assert not [r for r in cards["Night Chords"]["reasons"] if r.startswith("narrated by")]
