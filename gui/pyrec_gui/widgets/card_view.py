"""List views that show video cards: a wrapping grid (library, results) and
a single horizontal row (a home shelf). Click or Enter opens a video, Space
plays it (from where its words are, for a search hit); the context menu
offers the same actions as the detail page.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QMenu, QWidget

from pyrec_gui import icons
from pyrec_gui.models.items import Role
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.widgets.card_delegate import CardDelegate, CardStyle

from pyrec.shapes import Card

# (action id, menu text, icon): what a card's context menu offers.
CARD_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("open", "Open details", "library"),
    ("play", "Play", "play"),
    ("like", "Like", "like"),
    ("dislike", "Dislike", "dislike"),
    ("hide", "Not interested", "hide"),
    ("watched", "Mark watched", "watched"),
    ("similar", "More like this", "search"),
)


class CardView(QListView):
    """Base: card delegate, thumbnail repaints, open on click/Enter, context menu."""

    video_activated = Signal(dict)
    action_requested = Signal(str, dict)  # action id, video

    def __init__(self, thumbnails: ThumbnailCache, style: CardStyle | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.delegate = CardDelegate(thumbnails, style, self)
        self.setItemDelegate(self.delegate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)  # cards sit on the page, not in a box
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # no per-row sizeHint: 100k rows lay out instantly
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.clicked.connect(self._open)
        thumbnails.ready.connect(self._thumbnail_ready)
        self.setGridSize(self.delegate.card_size(self.font()))

    def card_size(self) -> QSize:
        return self.delegate.card_size(self.font())

    def _thumbnail_ready(self, _path: str) -> None:
        if self.isVisible():
            self.viewport().update()  # Qt merges these; cheaper than finding rows by path

    def video_at(self, index: QModelIndex) -> Card | None:
        video = index.data(Role.Video) if index.isValid() else None
        return cast(Card, video) if isinstance(video, dict) else None  # the Video role holds the card

    def _open(self, index: QModelIndex) -> None:
        video = self.video_at(index)
        if video is not None:
            self.video_activated.emit(video)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        if key == Qt.Key.Key_Space and not event.modifiers():
            video = self.video_at(self.currentIndex())
            if video is not None:
                self.action_requested.emit("play_moment" if video.get("moments") else "play", video)
            return
        if key == Qt.Key.Key_Menu and self.currentIndex().isValid():
            self._menu(self.visualRect(self.currentIndex()).center())
            return
        super().keyPressEvent(event)

    def _menu(self, pos: QPoint) -> None:
        video = self.video_at(self.indexAt(pos))
        if video is None:
            return
        menu = QMenu(self)
        for action_id, text, icon_name in CARD_ACTIONS:
            act = menu.addAction(icons.icon(icon_name), text)
            act.setData(action_id)
            if action_id == "play" and video.get("moments"):
                where = video["moments"][0]["where"]
                act = menu.addAction(icons.icon("play"), f"Play from where it is {where}")
                act.setData("play_moment")
        chosen = menu.exec(self.viewport().mapToGlobal(pos))
        if chosen is not None:
            action_id = str(chosen.data())
            if action_id == "open":
                self.video_activated.emit(video)
            else:
                self.action_requested.emit(action_id, video)


class CardGrid(CardView):
    """A wrapping grid that scrolls vertically; grows as its model fetches more."""

    def __init__(self, thumbnails: ThumbnailCache, style: CardStyle | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(thumbnails, style, parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(0)
        self.verticalScrollBar().setSingleStep(24)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Share the spare width between the columns so the grid fills the page.
        card = self.card_size()
        width = self.viewport().width()
        columns = max(1, width // card.width())
        cell = QSize(max(card.width(), width // columns), card.height())
        if cell != self.gridSize():
            self.setGridSize(cell)
        super().resizeEvent(event)


class CardRow(CardView):
    """One shelf: a single row of cards scrolling sideways; height fits a card.

    Up and Down leave the row (the home page moves to the shelf above or below)."""

    leave = Signal(int, int)  # direction (-1 up, +1 down), current column

    def __init__(self, thumbnails: ThumbnailCache, style: CardStyle | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(thumbnails, style, parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.horizontalScrollBar().setSingleStep(40)
        self._fit_height()

    def _fit_height(self) -> None:
        bar = self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(self.card_size().height() + bar + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not event.modifiers():
            self.leave.emit(-1 if event.key() == Qt.Key.Key_Up else 1, max(0, self.currentIndex().row()))
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # A vertical wheel over a shelf scrolls the page, not the shelf
        # (unless the user scrolls sideways or holds Shift).
        delta = event.angleDelta()
        if abs(delta.x()) > abs(delta.y()) or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)
        else:
            event.ignore()
