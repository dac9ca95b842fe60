"""The window's fixed parts: the sidebar (brand and sections) and the top bar
(back, search, busy hint, profile). They only show state and emit what the
user did; the main window decides what happens."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
)

from pyrec_gui import icons
from pyrec_gui.widgets.common import label

from pyrec.shapes import ProfileJson

# sidebar sections: (key, text, icon, shortcut)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("home", "Home", "home", "Ctrl+1"),
    ("library", "Library", "library", "Ctrl+2"),
    ("duplicates", "Duplicates", "duplicates", "Ctrl+3"),
    ("scan", "Scan", "scan", "Ctrl+4"),
    ("privacy", "Privacy", "privacy", "Ctrl+5"),
)


class Sidebar(QFrame):
    section_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("sidebarFrame")
        self.setFixedWidth(188)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 14, 0, 10)
        column.setSpacing(10)
        brand = QHBoxLayout()
        brand.setContentsMargins(18, 0, 0, 0)
        logo = label("")
        logo.setPixmap(icons.app_icon().pixmap(QSize(26, 26), self.devicePixelRatioF()))
        brand.addWidget(logo)
        brand.addWidget(label("pyrec", "brand"))
        brand.addStretch(1)
        column.addLayout(brand)
        self.nav = QListWidget()
        self.nav.setObjectName("sidebar")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for key, text, icon_name, keys in PAGES:
            item = QListWidgetItem(icons.icon(icon_name), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(0, 40))
            item.setToolTip(f"{text} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")
            self.nav.addItem(item)
        self.nav.currentItemChanged.connect(self._changed)
        column.addWidget(self.nav, 1)

    def _changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.section_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def select(self, key: str) -> None:
        """Highlight ``key`` (no highlight for pages outside the sidebar), silently."""
        self.nav.blockSignals(True)
        rows = [r for r in range(self.nav.count()) if self.nav.item(r).data(Qt.ItemDataRole.UserRole) == key]
        if rows:
            self.nav.setCurrentRow(rows[0])
        else:
            self.nav.clearSelection()
            self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)

    def retint(self) -> None:
        for row, (_key, _text, icon_name, _keys) in enumerate(PAGES):
            item = self.nav.item(row)
            if item is not None:
                item.setIcon(icons.icon(icon_name))


class TopBar(QFrame):
    back_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("topbar")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 12, 8)
        row.setSpacing(8)
        self.back_button = QToolButton()
        icons.apply(self.back_button, "back")
        self.back_button.setIconSize(QSize(20, 20))
        self.back_button.setAutoRaise(True)
        self.back_button.setToolTip("Back (Alt+Left)")
        self.back_button.setAccessibleName("Back")
        self.back_button.clicked.connect(self.back_clicked)
        row.addWidget(self.back_button)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("Search titles, people, plots, or what is in the picture   (Ctrl+F)")
        self.search_box.setAccessibleName("Search")
        self.search_box.setClearButtonEnabled(True)
        self.search_action = self.search_box.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_box.setMaximumWidth(620)
        row.addStretch(1)
        row.addWidget(self.search_box, 4)
        row.addStretch(1)
        self.busy = label("", "muted")
        row.addWidget(self.busy)
        row.addWidget(label("Profile", "muted"))
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName("Profile")
        self.profile_box.setMinimumContentsLength(10)
        row.addWidget(self.profile_box)

    def set_profiles(self, profiles: Sequence[ProfileJson], current: str | None) -> None:
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        for p in profiles:
            name = p["name"]
            self.profile_box.addItem(icons.icon("user"), name + (" (incognito)" if p.get("incognito") else ""), name)
        self.profile_box.setCurrentIndex(max(0, self.profile_box.findData(current)))
        self.profile_box.blockSignals(False)

    def retint(self) -> None:
        icons.refresh(self)
        self.search_action.setIcon(icons.icon("search"))
        for index in range(self.profile_box.count()):
            self.profile_box.setItemIcon(index, icons.icon("user"))
