from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyrec.records import EntityRef
from pyrec.service import PyrecService
from tests.library.helpers import make_record


def add_video(service: PyrecService, path: str, title: str, *, year: int | None = None, season: int | None = None,
              episode: int | None = None, series: str = "", size: int = 1000, quick_hash: str = "") -> int:
    record = make_record(path, title=title, size=size, quick_hash=quick_hash or f"h-{path}")
    record.text.year, record.text.season, record.text.episode = year, season, episode
    record.text.media_type = "episode" if series else "movie"
    if series:
        record.entities.append(EntityRef("series", series))
    return service.library.upsert_video(record)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[PyrecService]:
    with PyrecService(tmp_path / "lib.db", cache_dir=tmp_path / "cache") as svc:
        add_video(svc, "/media/movies/Hunt.mkv", "The Hunt for Red October", year=1990)
        add_video(svc, "/media/movies/Half.mkv", "Half Way", year=2001)
        add_video(svc, "/media/tv/Show/Show.S01E02.mkv", "Two", season=1, episode=2, series="Show")
        yield svc


def ids(service: PyrecService) -> dict[str, int]:
    return {c.path: c.id for c in service.library.match_candidates()}
