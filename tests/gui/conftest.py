"""GUI fixtures: one real sample library scanned once per session, copied per
test so each test may change it; a main window on the copy, offscreen."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("PySide6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed (CI, SSH); set before Qt starts

from pyrec_gui import theme
from pyrec_gui.main_window import MainWindow
from pyrec_gui.settings import Settings
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication

from pyrec.demo.clips import render_clip
from pyrec.demo.sample_library import build_sample_library
from pyrec.service import PyrecService

GUI_DIR = Path(__file__).parent
ROOT = GUI_DIR.parents[1]


def screenshots_tool() -> ModuleType:
    """tools/screenshots.py as a module: it makes "Storm Watch", the film with
    chapters and subtitle lines that the README pictures and these tests use."""
    spec = importlib.util.spec_from_file_location("pyrec_screenshots_tool", ROOT / "tools" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here needs Qt: mark it `gui` (deselect with -m 'not gui')."""
    for item in items:
        if GUI_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gui)


@dataclass(frozen=True)
class SampleLibrary:
    folder: Path  # the videos (shared: tests must not change these files)
    db: Path  # scanned once; copy before changing it
    cache: Path  # thumbnails (content-addressed, safe to share)
    videos: int


@pytest.fixture(scope="session")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> SampleLibrary:
    root = tmp_path_factory.mktemp("gui-sample")
    folder = root / "videos"
    build_sample_library(folder, seconds=2)
    with PyrecService(root / "library.sqlite", cache_dir=root / "cache") as service:
        summary = service.scan([folder])
        assert summary.failed == 0, summary.errors
        count = service.count_videos()
    return SampleLibrary(folder, root / "library.sqlite", root / "cache", count)


@pytest.fixture
def library_copy(sample_library: SampleLibrary, tmp_path: Path) -> Path:
    """A private copy of the scanned library for one test."""
    dest = tmp_path / "library.sqlite"
    shutil.copy2(sample_library.db, dest)
    return dest


@dataclass
class Recorder:
    """Stands in for the system's video player and file dialogs."""

    opened: list[str] = field(default_factory=list)
    folder: str | None = None
    save_path: str | None = None

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(url.toLocalFile())
        return True

    def choose_folder(self, _parent: object) -> str | None:
        return self.folder

    def choose_save(self, _parent: object, _suggested: str) -> str | None:
        return self.save_path


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot, qapp: QApplication, tmp_path: Path, sample_library: SampleLibrary,
                recorder: Recorder) -> Iterator[WindowFactory]:
    """Open the app on a library (default: a copy of the sample library)."""
    theme.apply(qapp)
    opened: list[tuple[MainWindow, PyrecService]] = []

    def make(db: Path | None = None, *, start: bool = True, scan_jobs: int | None = None,
             watch_delay_ms: int = 300, settings: Settings | None = None, in_app_player: bool = False) -> MainWindow:
        if db is None:
            db = tmp_path / "library.sqlite"
            if not db.exists():
                shutil.copy2(sample_library.db, db)
        service = PyrecService(db, cache_dir=sample_library.cache)
        if settings is None:
            settings = Settings(tmp_path / "gui.ini")
            # The recorder stands in for the system's player, unless the test is about the in-app one.
            settings.external_player = not in_app_player
        window = MainWindow(service, settings=settings,
                            choose_folder=recorder.choose_folder, choose_save=recorder.choose_save,
                            open_url=recorder.open_url, scan_jobs=scan_jobs, watch_delay_ms=watch_delay_ms)
        qtbot.addWidget(window)
        window.resize(1280, 820)
        window.show()
        opened.append((window, service))
        if start:
            window.start()
        return window

    yield make
    for window, service in opened:
        window.shutdown()
        service.close()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    """A folder with two short clips of its own (for tests that change files)."""
    folder = tmp_path / "tiny"
    render_clip(folder / "Harbour.Lights.2011.mp4", "ocean", seconds=2, seed=21)
    render_clip(folder / "Night Bus (2019).mp4", "city-night", seconds=2, seed=22)
    return folder
