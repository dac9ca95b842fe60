"""Shared fixtures. Real data lives in ../shared/data next to the checkout;
tests that need it skip cleanly when it is absent."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_videos(shared_data: Path) -> Path:
    path = shared_data / "sample-videos"
    if not path.is_dir():
        pytest.skip("../shared/data/sample-videos is not present")
    return path


@pytest.fixture(scope="session")
def movielens(shared_data: Path) -> Path:
    path = shared_data / "ml-latest-small"
    if not (path / "ratings.csv").is_file():
        pytest.skip("../shared/data/ml-latest-small is not present")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's library or cache from a test, and never run
    from the checkout: a child ``python -c`` puts its cwd on sys.path, and the
    source tree's pyrec/ (no compiled core) would shadow the installed one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.chdir(home)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("PYREC_DB", raising=False)
    monkeypatch.delenv("PYREC_CACHE", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _no_kernel_filter_in_the_test_runner() -> Iterator[None]:
    """Tests that call ``pyrec.cli.main`` in this process would install the
    kernel network filter into pytest itself, and every later test's child
    processes inherit it (the leak tests need a real loopback listener). So
    in-process callers get the audit hook only; the kernel filter is tested
    where it belongs, in real ``pyrec`` processes (tests/reliability)."""
    from pyrec import netguard

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(netguard, "_deny_network_natively",
                      lambda: (False, "", "not installed inside the test runner"))
        yield


def _run_ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=120)


@pytest.fixture(scope="session")
def ffmpeg() -> Callable[..., None]:
    """The ffmpeg tool, quiet, for tests that make their media; they skip without it."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("needs the ffmpeg tool to make media")
    return _run_ffmpeg
