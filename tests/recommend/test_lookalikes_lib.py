"""A generated library of look-alikes, shared by the look-alike, feedback
and reasons tests: several visual styles (rendered clips with motion), every
clip its own title with an .nfo sidecar, one style a series; almost all of it
in one generic "Movies" folder. Scanned for real (decode, ONNX embeddings).

Metadata is spread across styles on purpose: genres and directors do not
follow the look, so what a test sees of a style comes from the pictures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from pyrec.demo.clips import render_clip, resized_copy
from pyrec.service import PyrecService

STYLES = ("ocean", "forest", "city-night", "snow")  # distinct looks
PER_STYLE = 7  # 3 liked + 4 that must fill a top 5
SERIES_STYLE = "snow"  # this style's clips are the episodes of one show
SERIES_NAME = "Polar Station"
GENRES = ("Drama", "Comedy", "Thriller", "Documentary", "Adventure")
FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus")
LAST = ("Brook", "Carr", "Dunn", "Eyre")
WORDS = ("Amber", "Bright", "Copper", "Distant", "Early", "Faded", "Golden", "Hollow", "Iron", "Jade",
         "Kind", "Late", "Muted", "Noble", "Open", "Pale", "Quiet", "Red", "Silver", "Tall",
         "Upper", "Vast", "Warm", "Young", "Zero", "Broken", "Calm", "Deep")
NOUNS = ("Harbour", "Road", "Letter", "Garden", "Promise", "Window", "River")


COPY_OF = 0  # clip index with a true copy (same recording, half size) in Downloads/


@dataclass(frozen=True)
class Clip:
    video_path: Path
    style: str
    title: str


@dataclass(frozen=True)
class Scanned:
    db: Path
    cache: Path
    clips: list[Clip]
    ids: dict[str, int]  # title -> video id
    style: dict[int, str]  # video id -> style
    copy_id: int  # the copy of clips[COPY_OF]

    def of_style(self, style: str) -> list[int]:
        return sorted(v for v, s in self.style.items() if s == style)

    def service(self) -> PyrecService:
        return PyrecService(self.db, cache_dir=self.cache)


@contextmanager
def fresh_profile(svc: PyrecService, name: str) -> Iterator[str]:
    """A profile whose history is forgotten afterwards, so that no test's
    likes reach another as "popular with your other profiles"."""
    svc.create_profile(name)
    try:
        yield name
    finally:
        svc.forget(name)


_SCANNED: dict[str, Scanned] = {}


def scanned_library(factory: pytest.TempPathFactory) -> Scanned:
    """The library built and scanned once per test session (the three test
    modules share it; each test uses its own profiles)."""
    if "lib" not in _SCANNED:
        root = factory.mktemp("lookalikes")
        clips = build_lookalike_library(root / "media")
        copy = resized_copy(clips[COPY_OF].video_path, root / "media" / "Downloads" / "copy_480p.mp4", 0.5)
        with PyrecService(root / "lib.db", cache_dir=root / "cache") as svc:
            summary = svc.scan([root / "media"], jobs=1)
            assert summary.failed == 0 and summary.added == len(clips) + 1
            by_path = {c["path"]: c["id"] for c in svc.videos(limit=None)}
        ids = {c.title: by_path[str(c.video_path)] for c in clips}
        style = {ids[c.title]: c.style for c in clips}
        _SCANNED["lib"] = Scanned(root / "lib.db", root / "cache", clips, ids, style, by_path[str(copy)])
    return _SCANNED["lib"]


def build_lookalike_library(root: Path, *, seconds: float = 2.0) -> list[Clip]:
    clips: list[Clip] = []
    k = 0
    for s, style in enumerate(STYLES):
        for i in range(PER_STYLE):
            title = f"{WORDS[k % len(WORDS)]} {NOUNS[i]}"
            genre, director = GENRES[k % len(GENRES)], f"{FIRST[i]} {LAST[s]}"  # one film each
            if style == SERIES_STYLE:
                path = root / "Series" / SERIES_NAME / "Season 1" / f"Polar.Station.S01E{i + 1:02d}.mp4"
                nfo = (f"<episodedetails><title>{escape(title)}</title><showtitle>{SERIES_NAME}</showtitle>"
                       f"<season>1</season><episode>{i + 1}</episode><plot>Episode {i + 1}.</plot>"
                       f"<genre>{genre}</genre><director>{director}</director></episodedetails>")
            else:
                path = root / "Movies" / f"{title} ({2000 + k})" / f"{title.replace(' ', '.')}.{2000 + k}.mp4"
                nfo = (f"<movie><title>{escape(title)}</title><year>{2000 + k}</year>"
                       f"<plot>A story called {escape(title)}.</plot><genre>{genre}</genre>"
                       f"<director>{director}</director></movie>")
            render_clip(path, style, seconds=seconds, seed=1000 + k)
            path.with_suffix(".nfo").write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + nfo, encoding="utf-8")
            clips.append(Clip(path, style, title))
            k += 1
    return clips


@pytest.fixture(scope="module", name="lib")
def lib_fixture(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scanned_library(tmp_path_factory)


@pytest.fixture(scope="module", name="svc")
def svc_fixture(lib: Scanned) -> Iterator[PyrecService]:
    with lib.service() as s:
        yield s
