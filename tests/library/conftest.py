"""Fixtures for library tests: a fresh library per test, plus the helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pyrec.library import Library
from pyrec.records import VideoRecord

from . import helpers


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "library.sqlite"


@pytest.fixture
def lib(db_path: Path) -> Iterator[Library]:
    with Library.open(db_path) as opened:
        yield opened


@pytest.fixture
def make_record() -> Callable[..., VideoRecord]:
    return helpers.make_record


@pytest.fixture
def library_at() -> Callable[[Path, int], None]:
    return helpers.build_library_at


@pytest.fixture
def read_schema() -> Callable[[Path], list[tuple[str, str, str]]]:
    return helpers.schema_of
