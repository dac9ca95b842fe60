"""Home: shelves of recommendations (For you, Continue watching, Because you
watched …, New in the library), each a sideways row of cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.models.items import ItemsModel
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.widgets.card_view import CardRow
from pyrec_gui.widgets.common import EmptyState, label
from pyrec_gui.widgets.keyframe_strip import HoverPreview
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.shapes import Card
from pyrec.shapes import Shelf as ShelfJson

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyrec.service import PyrecService

    ProfileChooser = Callable[[PyrecService], str | None]  # picks the profile from the service's list


class Shelf(QWidget):
    """A titled row of cards."""

    def __init__(self, shelf_id: str, title: str, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shelf_id = shelf_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(2)
        head = QHBoxLayout()
        head.setContentsMargins(8, 0, 8, 0)
        self.title = label(title, "h2")
        self.count = label("", "muted")
        head.addWidget(self.title)
        head.addSpacing(8)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        layout.addLayout(head)
        self.model = ItemsModel(parent=self)
        self.view = CardRow(thumbnails)
        self.view.setModel(self.model)
        self.view.setAccessibleName(title)
        layout.addWidget(self.view)

    def set_content(self, title: str, items: list[Card]) -> None:
        self.title.setText(title)
        self.view.setAccessibleName(title)
        self.count.setText(f"{len(items)} videos" if len(items) != 1 else "1 video")
        self.model.set_items(items)


class HomeView(QWidget):
    video_activated = Signal(dict)
    action_requested = Signal(str, dict)
    scan_requested = Signal()
    shelves_loaded = Signal(int)  # number of shelves shown
    failed = Signal(str)

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, preview: HoverPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.thumbnails = thumbnails
        self.preview = preview
        self.profile: str | None = None
        self.shelves: dict[str, Shelf] = {}
        self._generation = 0

        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(16, 12, 16, 16)
        self.column.setSpacing(10)
        self.heading = label("Home", "h1")
        self.column.addWidget(self.heading)
        self.status = label("Finding something to watch…", "muted")
        self.column.addWidget(self.status)
        self.column.addStretch(1)
        self.scroller.setWidget(body)
        self.stack.addWidget(self.scroller)

        self.empty = EmptyState("scan", "Your library is empty",
                                "pyrec recommends from your own videos, privately, on this computer. "
                                "Choose a folder with videos and pyrec will index it in the background.",
                                "Choose a folder to scan…", self.scan_requested.emit)
        self.stack.addWidget(self.empty)

    def refresh(self, profile: str | None | ProfileChooser = None) -> None:
        """Load the shelves of ``profile``, or of the profile ``profile(service)``
        picks in the same trip to the worker (the window's first load, before
        it knows the profiles)."""
        self.profile = None if callable(profile) else profile
        self._generation += 1
        generation = self._generation
        self.status.setText("Finding something to watch…")
        self.status.show()

        def load(s: PyrecService) -> tuple[str | None, int, list[ShelfJson]]:
            chosen = profile(s) if callable(profile) else profile
            count = s.count_videos()
            return chosen, count, (s.shelves(profile=chosen, limit=20) if count else [])

        self.runner.submit(load, lambda result: self._loaded(generation, result),
                           lambda exc: self._failed(generation, exc), owner=self)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status.setText("Recommendations are not available right now.")
            self.failed.emit(error_line(exc))

    def _loaded(self, generation: int, result: tuple[str | None, int, list[ShelfJson]]) -> None:
        if generation != self._generation:
            return
        self.profile, count, shelves = result
        if count == 0:
            self.stack.setCurrentWidget(self.empty)
            self.shelves_loaded.emit(0)
            return
        self.stack.setCurrentWidget(self.scroller)
        shown = [s for s in shelves if s.get("items")]
        keep = {s["id"] for s in shown}
        for shelf_id in [k for k in self.shelves if k not in keep]:
            widget = self.shelves.pop(shelf_id)
            self.column.removeWidget(widget)
            widget.deleteLater()
        for position, data in enumerate(shown):
            shelf = self.shelves.get(data["id"])
            if shelf is None:
                shelf = Shelf(data["id"], data.get("title", ""), self.thumbnails)
                shelf.view.video_activated.connect(self.video_activated)
                shelf.view.action_requested.connect(self.action_requested)
                shelf.view.leave.connect(lambda d, col, sid=data["id"]: self._move(sid, d, col))
                self.preview.attach(shelf.view)
                self.shelves[data["id"]] = shelf
            else:
                self.column.removeWidget(shelf)  # re-inserted below in the new order
            self.column.insertWidget(2 + position, shelf)  # after heading and status
            shelf.set_content(data.get("title", ""), data["items"])
            shelf.show()  # at once, not on the layout's next pass: the cards are what the user waits for
        self.status.setVisible(not shown)
        if not shown:
            self.status.setText("Nothing to recommend yet: play or like a few videos in the Library.")
        self.shelves_loaded.emit(len(shown))

    def _move(self, shelf_id: str, direction: int, column: int) -> None:
        """Keyboard: Up/Down from a shelf goes to the same column of the next shelf."""
        order = [self.shelves[k] for k in self.shelves if self.column.indexOf(self.shelves[k]) >= 0]
        order.sort(key=self.column.indexOf)
        current = next((i for i, s in enumerate(order) if s.shelf_id == shelf_id), None)
        if current is None or not 0 <= current + direction < len(order):
            return
        target = order[current + direction]
        rows = target.model.rowCount()
        if rows:
            target.view.setFocus(Qt.FocusReason.OtherFocusReason)
            target.view.setCurrentIndex(target.model.index(min(column, rows - 1)))
            self.scroller.ensureWidgetVisible(target, 0, 40)

    def shelf_views(self) -> list[CardRow]:
        return [s.view for s in self.shelves.values()]

    def first_shelf(self) -> Shelf | None:
        return next(iter(self.shelves.values()), None)

    def focus_first(self) -> None:
        shelf = self.first_shelf()
        if shelf is not None and shelf.model.rowCount():
            shelf.view.setFocus()
            shelf.view.setCurrentIndex(shelf.model.index(0))

