"""Keyboard and remote-style navigation, page by page: arrows move, Enter
opens, Escape goes back, Space plays (the in-app player's own keys are in
test_player.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pyrec.service import PyrecService


def _key(qtbot, key: Qt.Key) -> None:
    """Press a key where the keyboard focus is, as a remote's button would."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key)


def test_home_arrows_between_cards_and_shelves_enter_opens_escape_returns(make_window, library_copy, qtbot) -> None:
    with PyrecService(library_copy) as service:  # some history, so Home has several shelves
        videos = {v["title"]: v for v in service.videos(limit=None)}
        half = videos["Neon Alley"]
        service.record_play(half["id"], position=half["duration"] / 2, watched_seconds=half["duration"] / 2)
        service.like(videos["Canopy"]["id"])
    window = make_window(library_copy)
    qtbot.waitUntil(lambda: len(window.home.shelves) >= 2, timeout=10000)
    window.activateWindow()
    window.home.focus_first()
    shelves = sorted(window.home.shelves.values(), key=window.home.column.indexOf)
    assert shelves[0].view.hasFocus() and shelves[0].view.currentIndex().row() == 0
    at = next(i for i, shelf in enumerate(shelves[:-1]) if shelf.model.rowCount() >= 2)
    for _ in range(at):  # down to the first shelf with two cards or more
        _key(qtbot, Qt.Key.Key_Down)
    first, second = shelves[at], shelves[at + 1]
    assert first.view.hasFocus() and first.view.currentIndex().row() == 0
    _key(qtbot, Qt.Key.Key_Right)
    assert first.view.currentIndex().row() == 1
    _key(qtbot, Qt.Key.Key_Down)
    assert second.view.hasFocus()
    _key(qtbot, Qt.Key.Key_Up)
    assert first.view.hasFocus()
    chosen = first.view.video_at(first.view.currentIndex())
    _key(qtbot, Qt.Key.Key_Return)
    assert window.current_page() == "detail" and window.detail.video["id"] == chosen["id"]
    _key(qtbot, Qt.Key.Key_Escape)
    assert window.current_page() == "home"


def _library_shown(window, qtbot, sample_library) -> None:
    window.show_page("library")
    qtbot.waitUntil(lambda: window.library.model.rowCount() == sample_library.videos, timeout=5000)
    window.activateWindow()


def test_library_enter_opens_space_plays_escape_returns(window, qtbot, recorder, sample_library) -> None:
    _library_shown(window, qtbot, sample_library)
    grid, model = window.library.grid, window.library.model
    grid.setFocus()
    grid.setCurrentIndex(model.index(0))
    _key(qtbot, Qt.Key.Key_Right)
    assert grid.currentIndex().row() == 1
    video = model.item(1)
    _key(qtbot, Qt.Key.Key_Space)
    assert recorder.opened == [video["path"]]  # the system's player stands in here (see conftest)
    for notice in list(window.notices.notices):
        notice.dismiss()
    grid.setFocus()
    _key(qtbot, Qt.Key.Key_Return)
    assert window.current_page() == "detail" and window.detail.video["id"] == video["id"]
    _key(qtbot, Qt.Key.Key_Escape)
    assert window.current_page() == "library"


def test_search_down_into_results_enter_opens_escape_returns(window, qtbot) -> None:
    window.activateWindow()
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "desert")
    window.search.run_now("desert")
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0, timeout=10000)
    _key(qtbot, Qt.Key.Key_Down)
    assert window.search.grid.hasFocus() and window.search.grid.currentIndex().row() == 0
    hit = window.search.model.item(0)
    _key(qtbot, Qt.Key.Key_Return)
    assert window.current_page() == "detail" and window.detail.video["id"] == hit["id"]
    _key(qtbot, Qt.Key.Key_Escape)
    assert window.current_page() == "search"


def test_detail_space_plays_and_escape_returns(window, qtbot, recorder, sample_library) -> None:
    _library_shown(window, qtbot, sample_library)
    video = window.library.model.item(0)
    window.open_video(video)
    assert window.detail.hasFocus()
    _key(qtbot, Qt.Key.Key_Space)
    assert recorder.opened == [video["path"]]
    _key(qtbot, Qt.Key.Key_Escape)
    assert window.current_page() == "library"


def test_escape_leaves_the_other_pages_too(window, qtbot) -> None:
    window.activateWindow()
    for page in ("duplicates", "scan", "privacy"):
        window.show_page(page)
        window.pages[page].setFocus()
        _key(qtbot, Qt.Key.Key_Escape)
        assert window.current_page() != page, page
