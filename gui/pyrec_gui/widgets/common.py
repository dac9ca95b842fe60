"""Small building blocks shared by the views: headings, empty states, chips."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui import icons


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget in ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def label(text: str, role: str | None = None, *, wrap: bool = False, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, icon_name: str | None = None, slot: Callable[[], None] | None = None, *,
           tip: str | None = None, primary: bool = False) -> QPushButton:
    widget = QPushButton(text)
    if icon_name:
        icons.apply(widget, icon_name)
        widget.setIconSize(QSize(18, 18))
    if tip:
        widget.setToolTip(tip)
    if primary:
        widget.setDefault(True)
        widget.setProperty("primary", True)
    if slot is not None:
        widget.clicked.connect(lambda _checked=False: slot())
    widget.setAccessibleName(text or tip or "")
    return widget


class EmptyState(QWidget):
    """A friendly centre-of-page message with one obvious next step."""

    def __init__(self, icon_name: str, title: str, text: str, action: str | None = None,
                 slot: Callable[[], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        self.column = outer
        outer.addStretch(1)
        pic = QLabel()
        pic.setPixmap(icons.icon(icon_name).pixmap(QSize(64, 64), self.devicePixelRatioF()))
        pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(pic)
        self.title = label(title, "h1")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        self.text = label(text, "muted", wrap=True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(520)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.text)
        row.addStretch(1)
        outer.addLayout(row)
        self.button: QPushButton | None = None
        if action and slot is not None:
            self.button = button(action, "scan", slot, primary=True)
            self.button.setMinimumHeight(36)
            brow = QHBoxLayout()
            brow.addStretch(1)
            brow.addWidget(self.button)
            brow.addStretch(1)
            outer.addSpacing(8)
            outer.addLayout(brow)
        outer.addStretch(2)

    def add_widget(self, widget: QWidget) -> None:
        """Another centred control under the text (before the bottom stretch)."""
        self.column.insertWidget(self.column.count() - 1, widget, 0, Qt.AlignmentFlag.AlignHCenter)

    def set_text(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
