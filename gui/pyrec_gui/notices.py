"""Non-modal notices: a bar at the top of the window instead of dialogs.

Errors, confirmations and questions ("how much did you watch?") all appear
here, stack up to a few at a time and never block the rest of the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui import theme

LEVELS = ("info", "success", "warning", "error")


@dataclass
class NoticeAction:
    text: str
    callback: Callable[[], None]
    primary: bool = False
    tip: str = ""


@dataclass
class NoticeSpec:
    text: str
    level: str = "info"
    actions: list[NoticeAction] = field(default_factory=list)
    timeout_ms: int | None = None  # None: stays until dismissed or acted on
    key: str | None = None  # a new notice with the same key replaces the old one
    sticky: bool = False  # a question awaiting an answer: never pushed out by newer notices


class Notice(QFrame):
    """One notice: icon strip, one line of text, actions, a close button."""

    closed = Signal()

    def __init__(self, spec: NoticeSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("notice")
        self.setProperty("level", spec.level)
        self.setAccessibleName(f"{spec.level} notice")
        self.setAutoFillBackground(True)
        self._apply_palette()
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.setSpacing(8)
        self.label = QLabel(spec.text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.label, 1)
        self.buttons: list[QPushButton] = []
        for action in spec.actions:
            button = QPushButton(action.text)
            button.setDefault(action.primary)
            if action.tip:
                button.setToolTip(action.tip)
            button.clicked.connect(lambda _=False, cb=action.callback: self._act(cb))
            row.addWidget(button)
            self.buttons.append(button)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss notice")
        close.clicked.connect(self.dismiss)
        row.addWidget(close)
        if spec.timeout_ms:
            QTimer.singleShot(spec.timeout_ms, self, self.dismiss)

    def _apply_palette(self) -> None:
        base = self.palette().color(QPalette.ColorRole.Window)
        tint = QColor(theme.level_color(self.spec.level))
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, theme.mix(base, tint, 0.22))
        self.setPalette(pal)

    def _act(self, callback: Callable[[], None]) -> None:
        self.dismiss()
        callback()

    def dismiss(self) -> None:
        if self.isVisible() or self.parent() is not None:
            self.hide()
            self.closed.emit()
            self.deleteLater()


class NoticeBar(QWidget):
    """A vertical stack of notices; at most ``limit`` shown, oldest dropped."""

    def __init__(self, parent: QWidget | None = None, *, limit: int = 3) -> None:
        super().__init__(parent)
        self.limit = limit
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(1)
        self.notices: list[Notice] = []
        self.history: list[NoticeSpec] = []  # everything shown this session (tests, "show all")
        self.setVisible(False)

    def show_notice(self, spec: NoticeSpec) -> Notice:
        if spec.key:
            for old in [n for n in self.notices if n.spec.key == spec.key]:
                old.dismiss()
        notice = Notice(spec, self)
        notice.closed.connect(lambda n=notice: self._forget(n))
        self.notices.append(notice)
        self.history.append(spec)
        self._layout.addWidget(notice)
        while len(self.notices) > self.limit:
            # the oldest that is not waiting for an answer goes first
            oldest = next((n for n in self.notices if not n.spec.sticky), None)
            if oldest is None or oldest is notice:
                break
            oldest.dismiss()
        self.setVisible(True)
        return notice

    def info(self, text: str, *, timeout_ms: int | None = 6000, key: str | None = None) -> Notice:
        return self.show_notice(NoticeSpec(text, "info", timeout_ms=timeout_ms, key=key))

    def success(self, text: str, *, timeout_ms: int | None = 6000, key: str | None = None) -> Notice:
        return self.show_notice(NoticeSpec(text, "success", timeout_ms=timeout_ms, key=key))

    def warning(self, text: str, *, key: str | None = None) -> Notice:
        return self.show_notice(NoticeSpec(text, "warning", key=key))

    def error(self, text: str, *, key: str | None = None) -> Notice:
        return self.show_notice(NoticeSpec(text, "error", key=key))

    def ask(self, text: str, actions: list[NoticeAction], *, key: str | None = None, level: str = "info",
            sticky: bool = False) -> Notice:
        return self.show_notice(NoticeSpec(text, level, actions=actions, key=key, sticky=sticky))

    def _forget(self, notice: Notice) -> None:
        if notice in self.notices:
            self.notices.remove(notice)
        if not self.notices:
            self.setVisible(False)
