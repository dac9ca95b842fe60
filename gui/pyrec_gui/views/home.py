"""Home: shelves of recommendations (For you, Continue watching, Because you
watched …, New in the library), each a sideways row of cards, in the order
the profile chose (hidden ones left out; kept by the service per profile),
and a "Surprise me" pick for tonight."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMenu,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.models.items import ItemsModel
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.widgets.card_view import CardRow
from pyrec_gui.widgets.common import EmptyState, button, label
from pyrec_gui.widgets.keyframe_strip import HoverPreview
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.service import HomeRows, PyrecService, arrange
from pyrec.shapes import Card
from pyrec.shapes import Shelf as ShelfJson

if TYPE_CHECKING:
    from collections.abc import Callable

    ProfileChooser = Callable[[PyrecService], str | None]  # picks the profile from the service's list

NO_ROWS: HomeRows = {"order": [], "hidden": []}
GENERIC_NOTE = ("These picks are for anyone: “{name}” has not played, liked or finished anything yet, so pyrec "
                "shows the range of the library (one of each kind), new and well-liked videos. Play or like a few "
                "and “For you” follows your taste.")


Loaded = tuple[str | None, int, list[ShelfJson], HomeRows, bool]  # profile, videos, shelves, rows, has history


class Shelf(QWidget):
    """A titled row of cards."""

    arrange_requested = Signal(str, str)  # shelf id, "up" / "down" / "hide"

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
        self.menu_button = QToolButton()
        self.menu_button.setText("⋯")
        self.menu_button.setToolTip("Move or hide this shelf")
        self.menu_button.setAccessibleName(f"Arrange {title}")
        self.menu_button.setAutoRaise(True)
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # "⋯" says it already
        menu = QMenu(self.menu_button)
        for action, text in (("up", "Move up"), ("down", "Move down"), ("hide", "Hide this shelf")):
            menu.addAction(text, partial(self.arrange_requested.emit, shelf_id, action))
        self.menu_button.setMenu(menu)
        head.addWidget(self.menu_button)
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
    surprise_ready = Signal(object)  # the pick for tonight (a card), None when there is nothing to pick
    rows_changed = Signal()  # the profile's shelf order or hidden shelves were stored
    failed = Signal(str)

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, preview: HoverPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.thumbnails = thumbnails
        self.preview = preview
        self.profile: str | None = None
        self.shelves: dict[str, Shelf] = {}
        self.all_shelves: list[ShelfJson] = []  # as the service gave them, hidden ones too
        self.rows: HomeRows = {"order": [], "hidden": []}
        self.has_history = True
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
        top = QHBoxLayout()
        self.heading = label("Home", "h1")
        top.addWidget(self.heading)
        top.addStretch(1)
        self.surprise_button = button("Surprise me", "play", self.surprise,
                                      tip="One pick for tonight (for a series: the next episode you have not seen)")
        top.addWidget(self.surprise_button)
        self.mood_box = QComboBox()  # what the surprise should fit tonight
        self.mood_box.setToolTip("Tonight's mood: the surprise is drawn from what fits it")
        self.mood_box.addItem("any mood", None)
        for name, meaning in PyrecService.moods().items():
            self.mood_box.addItem(meaning, name)
        top.addWidget(self.mood_box)
        self.rows_button = QToolButton()
        self.rows_button.setText("Shelves")
        self.rows_button.setToolTip("Choose which shelves Home shows")
        self.rows_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.rows_menu = QMenu(self.rows_button)
        self.rows_menu.aboutToShow.connect(self._fill_rows_menu)
        self.rows_button.setMenu(self.rows_menu)
        top.addWidget(self.rows_button)
        self.column.addLayout(top)
        self.note = label("", "muted", wrap=True)  # why the picks are generic, when they are
        self.note.hide()
        self.column.addWidget(self.note)
        self.status = label("Finding something to watch…", "muted")
        self.column.addWidget(self.status)
        self.column.addStretch(1)
        self.scroller.setWidget(body)
        self.stack.addWidget(self.scroller)

        self.empty = EmptyState("scan", "Your library is empty",
                                "pyrec recommends from your own videos, privately, on this computer. "
                                "Add a folder with videos and pyrec will index it in the background.",
                                "Add a folder…", self.scan_requested.emit)
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

        def load(s: PyrecService) -> Loaded:
            chosen = profile(s) if callable(profile) else profile
            count = s.count_videos()
            if not count:
                return chosen, 0, [], NO_ROWS, True
            return (chosen, count, s.shelves(profile=chosen, limit=20), s.home_rows(chosen),
                    bool(s.history(chosen, limit=1)))

        self.runner.submit(load, lambda result: self._loaded(generation, result),
                           lambda exc: self._failed(generation, exc), owner=self)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.status.setText("Recommendations are not available right now.")
            self.failed.emit(error_line(exc))

    def _loaded(self, generation: int, result: Loaded) -> None:
        if generation != self._generation:
            return
        self.profile, count, self.all_shelves, self.rows, self.has_history = result
        if count == 0:
            self.stack.setCurrentWidget(self.empty)
            self.shelves_loaded.emit(0)
            return
        self.stack.setCurrentWidget(self.scroller)
        self.note.setText(GENERIC_NOTE.format(name=self.profile or "default"))
        self.note.setVisible(not self.has_history)
        self.shelves_loaded.emit(self._render())

    def _render(self) -> int:
        """Place the shelves as the profile arranged them; returns how many are shown."""
        shown = [s for s in arrange(self.all_shelves, self.rows) if s.get("items")]
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
                shelf.arrange_requested.connect(self.arrange_shelf)
                self.preview.attach(shelf.view)
                self.shelves[data["id"]] = shelf
            else:
                self.column.removeWidget(shelf)  # re-inserted below in the new order
            self.column.insertWidget(3 + position, shelf)  # after heading, note and status
            shelf.set_content(data.get("title", ""), data["items"])
            shelf.show()  # at once, not on the layout's next pass: the cards are what the user waits for
        self.status.setVisible(not shown)
        if not shown:
            self.status.setText("Every shelf is hidden: choose some under “Shelves”." if self.all_shelves else
                                "Nothing to recommend yet: play or like a few videos in the Library.")
        return len(shown)

    # -- the profile's arrangement ------------------------------------------------------------
    def shown_ids(self) -> list[str]:
        """The shelves on the page, top to bottom."""
        return [s.shelf_id for s in sorted(self.shelves.values(), key=self.column.indexOf)]

    def arrange_shelf(self, shelf_id: str, action: str) -> None:
        """Move a shelf up or down, or hide it; stored for this profile."""
        if action == "hide":
            self.store_rows(hidden=[*self.rows["hidden"], shelf_id])
            return
        order = self.shown_ids()
        if shelf_id not in order:
            return
        i = order.index(shelf_id)
        j = i + (-1 if action == "up" else 1)
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
            self.store_rows(order=order)

    def store_rows(self, *, order: list[str] | None = None, hidden: list[str] | None = None) -> None:
        """Show the new arrangement now and store it through the service."""
        if order is not None:
            self.rows = {**self.rows, "order": order}
        if hidden is not None:
            self.rows = {**self.rows, "hidden": sorted(set(hidden))}
        self._render()
        profile, rows = self.profile, self.rows
        self.runner.submit(lambda s: s.set_home_rows(profile, order=rows["order"], hidden=rows["hidden"]),
                           lambda _rows: self.rows_changed.emit(), lambda exc: self.failed.emit(error_line(exc)),
                           owner=self)

    def _fill_rows_menu(self) -> None:
        self.rows_menu.clear()
        for data in self.all_shelves:
            act = self.rows_menu.addAction(data.get("title", data["id"]))
            act.setCheckable(True)
            act.setChecked(data["id"] not in self.rows["hidden"])
            act.toggled.connect(lambda on, sid=data["id"]: self.set_shelf_shown(sid, on))
        self.rows_menu.addSeparator()
        self.rows_menu.addAction("Reset to the usual order", lambda: self.store_rows(order=[], hidden=[]))

    def set_shelf_shown(self, shelf_id: str, shown: bool) -> None:
        hidden = set(self.rows["hidden"])
        hidden = hidden - {shelf_id} if shown else hidden | {shelf_id}
        self.store_rows(hidden=sorted(hidden))

    # -- tonight ------------------------------------------------------------------------------
    def surprise(self) -> None:
        profile, mood = self.profile, self.mood_box.currentData()
        self.runner.submit(lambda s: s.surprise(profile, mood=mood), self.surprise_ready.emit,
                           lambda exc: self.failed.emit(error_line(exc)), owner=self)

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

