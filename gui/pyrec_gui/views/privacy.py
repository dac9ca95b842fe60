"""Privacy: what stays where (everything, on this computer), a private
session switch, profiles, and each profile's history to review, export or
clear."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui import icons
from pyrec_gui.models.items import display_title, format_duration
from pyrec_gui.views.history_import import HistoryImportSection, SourceChooser, choose_source_dialog
from pyrec_gui.notices import NoticeAction, NoticeBar
from pyrec_gui.widgets.common import button, label
from pyrec_gui.workers import ServiceRunner

from pyrec.shapes import HistoryEvent, ProfileJson

if TYPE_CHECKING:
    from pyrec.service import PyrecService


class PlaceInfo(TypedDict):
    """Where this library lives, and whether this session records."""

    db: str
    cache: str
    private: bool

SaveChooser = Callable[[QWidget, str], str | None]
KIND_TEXT = {"play": "Played", "like": "Liked", "dislike": "Disliked", "rate": "Rated", "hide": "Not interested",
             "skip": "Skipped", "watched": "Marked watched"}


def describe_event(event: HistoryEvent) -> str:
    """"Played 1:05 of 1:32:00", "Rated 8/10", "Liked"."""
    what = KIND_TEXT.get(event["kind"], event["kind"])
    if event["kind"] == "rate" and event.get("value") is not None:
        return f"{what} {event['value']:g}/10"
    if event["kind"] == "play" and event.get("watched_seconds"):
        total = event["video"].get("duration")
        watched = format_duration(event["watched_seconds"]) or "0:00"
        return f"{what} {watched}" + (f" of {format_duration(total)}" if total else "")
    return what


def choose_save_dialog(parent: QWidget, suggested: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, "Export history", suggested, "JSON (*.json)")
    return path or None


def write_json(path: str, data: object) -> str:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, default=str)
    os.replace(tmp, path)  # never leave half an export behind
    return path


class PrivacyView(QWidget):
    profiles_changed = Signal()
    history_cleared = Signal(str)  # profile name

    def __init__(self, runner: ServiceRunner, notices: NoticeBar,
                 choose_save: SaveChooser = choose_save_dialog, parent: QWidget | None = None,
                 choose_source: SourceChooser = choose_source_dialog) -> None:
        super().__init__(parent)
        self.runner = runner
        self.notices = notices
        self.choose_save = choose_save
        self.profiles: list[ProfileJson] = []
        self.current_profile: str | None = None
        self._select_next: str | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        outer.addWidget(label("Privacy", "h1"))

        status = QFrame()
        status.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(status)
        grid.setContentsMargins(14, 12, 14, 12)
        lock = label("")
        lock.setPixmap(icons.icon("offline", "#2e9d57").pixmap(36, 36))
        grid.addWidget(lock, 0, 0, 3, 1, Qt.AlignmentFlag.AlignTop)
        self.local_title = label("Local only: nothing leaves this computer", "h2")
        grid.addWidget(self.local_title, 0, 1)
        self.local_text = label("pyrec needs no account and opens no network connections. Your library, "
                                "history and recommendations are files on this disk.", "muted", wrap=True)
        grid.addWidget(self.local_text, 1, 1)
        self.paths = label("", "muted", wrap=True)
        self.paths.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.paths, 2, 1)
        grid.setColumnStretch(1, 1)
        outer.addWidget(status)

        self.private = QCheckBox("Private session: record nothing (plays, likes) until pyrec closes")
        self.private.toggled.connect(self._private_toggled)
        outer.addWidget(self.private)

        outer.addWidget(label("Profiles", "h2"))
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName("Profiles")
        self.list.setMaximumWidth(300)
        self.list.currentRowChanged.connect(self._selected)
        left.addWidget(self.list, 1)
        create = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("New profile name")
        self.new_name.setAccessibleName("New profile name")
        self.new_name.returnPressed.connect(self.create_profile)
        self.new_incognito = QCheckBox("Incognito")
        self.new_incognito.setToolTip("An incognito profile never records anything")
        create.addWidget(self.new_name, 1)
        create.addWidget(self.new_incognito)
        left.addLayout(create)
        left.addWidget(button("Create profile", "user", self.create_profile))
        body.addLayout(left)

        right = QVBoxLayout()
        head = QHBoxLayout()
        self.history_title = label("History", "h2")
        head.addWidget(self.history_title)
        head.addStretch(1)
        self.export_button = button("Export…", "export", self.export_selected, tip="Save this profile's history as JSON")
        self.clear_button = button("Clear history…", "trash", self.ask_clear, tip="Forget everything this profile did")
        head.addWidget(self.export_button)
        head.addWidget(self.clear_button)
        right.addLayout(head)
        self.history = QTreeWidget()
        self.history.setAccessibleName("History of the selected profile")
        self.history.setColumnCount(3)
        self.history.setHeaderLabels(["When", "What", "Video"])
        self.history.setRootIsDecorated(False)
        self.history.setUniformRowHeights(True)
        self.history.setAlternatingRowColors(True)
        self.history.header().setStretchLastSection(True)
        right.addWidget(self.history, 1)
        body.addLayout(right, 1)
        outer.addLayout(body, 1)

        # Imports go to the profile selected above.
        self.importer = HistoryImportSection(runner, notices, self.selected_profile, choose_source)
        self.importer.imported.connect(lambda _name: self.refresh())
        outer.addWidget(self.importer, 1)

    # -- loading -------------------------------------------------------------------
    def refresh(self, current_profile: str | None = None) -> None:
        if current_profile is not None:
            self.current_profile = current_profile
            self._select_next = current_profile  # show the profile in use after a switch
        self.runner.submit(lambda s: PlaceInfo(db=str(s.db_path), cache=str(s.cache_dir), private=s.incognito),
                           self._status, owner=self)
        self.runner.submit(lambda s: s.profiles(), self._profiles, owner=self)

    def _status(self, info: PlaceInfo) -> None:
        self.paths.setText(f"Library: {info['db']}\nThumbnails and caches: {info['cache']}")
        self.private.blockSignals(True)
        self.private.setChecked(info["private"])
        self.private.blockSignals(False)

    def _profiles(self, profiles: list[ProfileJson]) -> None:
        self.profiles = profiles
        selected = self._select_next or self.selected_profile() or self.current_profile
        self._select_next = None
        self.list.blockSignals(True)
        self.list.clear()
        for p in profiles:
            text = p["name"] + ("   (incognito)" if p.get("incognito") else "")
            item = QListWidgetItem(icons.icon("user"), text)
            item.setData(Qt.ItemDataRole.UserRole, p["name"])
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = [p["name"] for p in profiles]
        row = names.index(selected) if selected in names else 0
        if profiles:
            self.list.setCurrentRow(row)
            self._selected(row)

    def selected_profile(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _selected(self, _row: int) -> None:
        name = self.selected_profile()
        if name is None:
            return
        self.history_title.setText(f"History of {name}")
        self.runner.submit(lambda s: s.history(name, limit=200), lambda events: self._history(name, events), owner=self)

    def _history(self, name: str, events: list[HistoryEvent]) -> None:
        if name != self.selected_profile():
            return
        self.history.clear()
        for e in events:
            item = QTreeWidgetItem([dt.datetime.fromtimestamp(e["at"]).strftime("%Y-%m-%d %H:%M"),
                                    describe_event(e), display_title(e["video"])])
            item.setToolTip(2, e["video"].get("path") or "")
            self.history.addTopLevelItem(item)
        if not events:
            self.history.addTopLevelItem(QTreeWidgetItem(["", "Nothing recorded.", ""]))
        for column in (0, 1):
            self.history.resizeColumnToContents(column)
        self.clear_button.setEnabled(bool(events))
        self.export_button.setEnabled(True)

    # -- actions ----------------------------------------------------------------------
    def _private_toggled(self, value: bool) -> None:
        def apply(s: PyrecService) -> bool:
            s.incognito = value  # the service's own session switch: it records nothing
            return value

        self.runner.submit(apply, lambda v: self.notices.info(
            "Private session on: nothing you do is recorded until pyrec closes." if v
            else "Private session off: plays and likes are recorded again.", key="private"), owner=self)

    def create_profile(self) -> None:
        name = self.new_name.text().strip()
        if not name:
            self.notices.warning("A profile needs a name.", key="profile")
            return
        incognito = self.new_incognito.isChecked()

        def created(p: ProfileJson) -> None:
            self.new_name.clear()
            self.new_incognito.setChecked(False)
            self.notices.success(f"Profile “{p['name']}” created.", key="profile")
            self.refresh()
            self.profiles_changed.emit()

        self.runner.submit(lambda s: s.create_profile(name, incognito=incognito), created, owner=self)

    def ask_clear(self) -> None:
        name = self.selected_profile()
        if name is None:
            return
        self.notices.ask(f"Forget everything “{name}” watched, liked and rated? This cannot be undone.",
                         [NoticeAction("Clear history", lambda: self.clear_history(name), primary=True),
                          NoticeAction("Keep it", lambda: None)], key="clear-history", level="warning")

    def clear_history(self, name: str) -> None:
        def cleared(count: int) -> None:
            self.notices.success(f"Forgot {count} event{'s' if count != 1 else ''} of “{name}”.", key="clear-history")
            self.refresh()
            self.history_cleared.emit(name)

        self.runner.submit(lambda s: s.forget(name), cleared, owner=self)

    def export_selected(self) -> None:
        name = self.selected_profile()
        if name is None:
            return
        suggested = os.path.join(os.path.expanduser("~"), f"pyrec-history-{name}.json")
        path = self.choose_save(self, suggested)
        if not path:
            return
        self.runner.submit(lambda s: write_json(path, s.export(name)),
                           lambda p: self.notices.success(f"Exported the history of “{name}” to {p}.", key="export"),
                           owner=self)
