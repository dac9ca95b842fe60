"""The Privacy page's Import history section, on a real library, off the GUI thread."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pyrec_gui.notices import NoticeBar  # noqa: E402
from pyrec_gui.views.privacy import PrivacyView  # noqa: E402
from pyrec_gui.workers import ServiceRunner  # noqa: E402

from pyrec.service import PyrecService  # noqa: E402
from tests.history.builders import kodi_db  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, service: PyrecService, tmp_path: Path) -> Iterator[tuple[PrivacyView, NoticeBar]]:
    kodi = kodi_db(tmp_path / "MyVideos131.db")
    runner = ServiceRunner(service)
    notices = NoticeBar()
    view = PrivacyView(runner, notices, choose_source=lambda _parent, source: str(kodi) if source == "kodi" else None)
    qtbot.addWidget(view)
    qtbot.addWidget(notices)
    view.resize(1100, 900)
    view.show()
    view.refresh()
    yield view, notices
    runner.shutdown()


def rows(tree) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())] for i in range(tree.topLevelItemCount())]


def test_preview_then_import_shows_the_matching_report_and_the_history(page, qtbot, service: PyrecService) -> None:
    view, notices = page
    section = view.importer
    section.source.setCurrentIndex(section.source.findData("kodi"))
    section._choose()  # the (stand-in) file dialog
    section.maps.setText("smb://nas/movies/=/media/movies/ ; smb://nas/tv/=/media/tv/")
    section.preview_button.click()
    qtbot.waitUntil(lambda: section.last_report is not None, timeout=5000)
    assert section.last_report is not None and section.last_report["dry_run"]
    assert "Would add 4 events" in section.summary.text()
    assert service.library.find_profile("default") is None  # a preview stores nothing
    got = rows(section.report)
    assert got[0][0] == "unmatched" and got[0][1] == "smb://nas/movies/Elsewhere.mkv"  # problems first
    assert sorted(r[0] for r in got) == ["matched", "matched", "matched", "unmatched"]

    with qtbot.waitSignal(section.imported, timeout=5000):
        section.import_button.click()
    assert "Added 4 events" in section.summary.text()
    qtbot.waitUntil(lambda: view.history.topLevelItemCount() == 4, timeout=5000)
    assert {r[1].split()[0] for r in rows(view.history)} == {"Marked", "Rated", "Played"}

    with qtbot.waitSignal(section.imported, timeout=5000):
        section.forget_button.click()
    assert any("Forgot 4 events imported from kodi" in n.text for n in notices.history)


def test_a_bad_file_is_one_notice(page, qtbot, tmp_path: Path) -> None:
    view, notices = page
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"not a database at all")
    view.importer.path.setText(str(bad))
    view.importer.import_button.click()
    qtbot.waitUntil(lambda: any(n.level == "error" for n in notices.history), timeout=5000)
    error = [n for n in notices.history if n.level == "error"][0]
    assert str(bad) in error.text and "not an SQLite database" in error.text and "\n" not in error.text
    assert view.importer.import_button.isEnabled()
