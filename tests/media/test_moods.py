""""Surprise me" with a mood draws from what fits it, judged by what the
scan heard and saw: music videos for "lively", talks for "talky"."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pyrec.cli import main
from pyrec.service import PyrecService

from .sound_makers import Run, make_sound_library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> Path:
    base = tmp_path_factory.mktemp("moods")
    folder = make_sound_library(ffmpeg, base / "media")
    db = base / "lib.sqlite"
    with PyrecService(db, cache_dir=base / "cache") as service:
        assert service.scan([folder], jobs=1).added == 5
    return db


@pytest.mark.parametrize(("mood", "fitting"), [("lively", {"Night Chords", "Harbour Song"}),
                                               ("talky", {"Keeper Talks", "Ferry Talks"})])
def test_a_mood_draws_only_what_fits_it(library: Path, tmp_path: Path, mood: str, fitting: set[str]) -> None:
    random.seed(7)
    with PyrecService(library, cache_dir=tmp_path / "cache") as service:
        service.create_profile("ann")
        drawn = {service.surprise("ann", mood=mood)["title"] for _ in range(12)}  # type: ignore[index]
        anything = {service.surprise("ann")["title"] for _ in range(40)}  # type: ignore[index]
    assert drawn <= fitting and drawn, drawn
    assert len(anything) > len(fitting)  # without a mood the draw is wider


def test_unknown_mood_is_refused_and_the_cli_names_the_pick(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with PyrecService(library) as service, pytest.raises(ValueError, match="unknown mood 'sleepy'"):
        service.surprise(mood="sleepy")
    assert main(["surprise", "--mood", "talky", "--db", str(library)]) == 0
    assert "Talks" in capsys.readouterr().out
