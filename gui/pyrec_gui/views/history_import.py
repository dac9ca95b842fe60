"""The Privacy page's "Import history" section: bring in what Kodi,
Jellyfin, Plex, Trakt or .nfo sidecars know, see how each item matched,
and undo it by source. Reading and matching run off the GUI thread."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.notices import NoticeBar
from pyrec_gui.widgets.common import button, label
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.service.importing import ImportReport

SourceChooser = Callable[[QWidget, str], str | None]  # (parent, source) -> a file or folder, or None
SOURCES = (("kodi", "Kodi (MyVideos*.db)"), ("nfo", "Kodi/Jellyfin .nfo sidecars (a folder)"),
           ("jellyfin", "Jellyfin (jellyfin.db or library.db)"), ("plex", "Plex (com.plexapp.plugins.library.db)"),
           ("trakt", "Trakt export (.json file or folder)"))
STATUS_COLOURS = {"matched": "#2e9d57", "ambiguous": "#c98a00", "unmatched": "#c0392b"}


def choose_source_dialog(parent: QWidget, source: str) -> str | None:
    if source == "nfo":
        path = QFileDialog.getExistingDirectory(parent, "Folder with videos and their .nfo files",
                                                os.path.expanduser("~"))
    else:
        path, _filter = QFileDialog.getOpenFileName(parent, "History to import", os.path.expanduser("~"),
                                                    "Databases and exports (*.db *.json);;All files (*)")
    return path or None


def split_maps(text: str) -> list[str]:
    """"OLD=NEW; OLD2=NEW2" (or one per line) -> ["OLD=NEW", "OLD2=NEW2"]."""
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


class HistoryImportSection(QGroupBox):
    imported = Signal(str)  # profile name: its history changed

    def __init__(self, runner: ServiceRunner, notices: NoticeBar, profile: Callable[[], str | None],
                 choose: SourceChooser = choose_source_dialog, parent: QWidget | None = None) -> None:
        super().__init__("Import history", parent)
        self.runner = runner
        self.notices = notices
        self.profile = profile
        self.choose = choose
        self.last_report: ImportReport | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(label("Bring in what another media centre knows (plays, resume points, ratings), with "
                               "their real dates. Nothing is read over the network; importing twice adds nothing; "
                               "“Forget this source” undoes it.", "muted", wrap=True))
        grid = QGridLayout()
        self.source = QComboBox()
        self.source.setAccessibleName("History source")
        for key, text in SOURCES:
            self.source.addItem(text, key)
        self.path = QLineEdit()
        self.path.setPlaceholderText("Database file, export or folder")
        self.path.setAccessibleName("History file or folder")
        self.maps = QLineEdit()
        self.maps.setPlaceholderText("Other paths, e.g. smb://nas/movies/=/mnt/movies/  (separate with ;)")
        self.maps.setAccessibleName("Path remapping")
        self.account = QLineEdit()
        self.account.setPlaceholderText("Account (when the source has several users)")
        self.account.setAccessibleName("Source account")
        grid.addWidget(label("From"), 0, 0)
        grid.addWidget(self.source, 0, 1)
        grid.addWidget(self.path, 1, 1)
        grid.addWidget(button("Choose…", "folder", self._choose), 1, 2)
        grid.addWidget(label("Paths"), 2, 0)
        grid.addWidget(self.maps, 2, 1, 1, 2)
        grid.addWidget(label("Account"), 3, 0)
        grid.addWidget(self.account, 3, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        actions = QHBoxLayout()
        self.preview_button = button("Preview", "search", lambda: self.run(dry_run=True),
                                     tip="Match and report; store nothing")
        self.import_button = button("Import", "plus", lambda: self.run(dry_run=False))
        self.forget_button = button("Forget this source", "trash", self.forget,
                                    tip="Delete what was imported from this source for the selected profile")
        actions.addWidget(self.preview_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        actions.addWidget(self.forget_button)
        layout.addLayout(actions)

        self.summary = label("", wrap=True)
        layout.addWidget(self.summary)
        self.report = QTreeWidget()
        self.report.setAccessibleName("Matching report")
        self.report.setColumnCount(4)
        self.report.setHeaderLabels(["Status", "Item", "Video", "How / why"])
        self.report.setRootIsDecorated(False)
        self.report.setUniformRowHeights(True)
        self.report.setMinimumHeight(140)
        layout.addWidget(self.report, 1)

    def source_key(self) -> str:
        return str(self.source.currentData())

    def _choose(self) -> None:
        path = self.choose(self, self.source_key())
        if path:
            self.path.setText(path)

    def _busy(self, busy: bool) -> None:
        for b in (self.preview_button, self.import_button, self.forget_button):
            b.setEnabled(not busy)

    def run(self, *, dry_run: bool) -> None:
        path = self.path.text().strip()
        if not path:
            self.notices.warning("Choose the database, export or folder to import from.", key="import")
            return
        source, profile = self.source_key(), self.profile()
        maps, account = split_maps(self.maps.text()), self.account.text().strip() or None
        self._busy(True)
        self.summary.setText("Reading and matching…")

        def failed(exc: BaseException) -> None:
            self._busy(False)
            self.summary.setText("")
            self.notices.error(error_line(exc), key="import")

        self.runner.submit(lambda s: s.import_history(source, path, profile=profile, maps=maps, account=account,
                                                      dry_run=dry_run),
                           self.show_report, failed, owner=self)

    def show_report(self, report: ImportReport) -> None:
        self._busy(False)
        self.last_report = report
        s = report["summary"]
        who = f" ({report['account']})" if report["account"] else ""
        done = (f"Would add {report['added']} events — nothing stored yet." if report["dry_run"]
                else f"Added {report['added']} events, updated {report['updated']}, "
                     f"{report['unchanged']} already there.")
        self.summary.setText(f"{report['source']}{who} → {report['profile']}: {s['matched']} matched, "
                             f"{s['ambiguous']} ambiguous, {s['unmatched']} unmatched, {s['skipped']} skipped. {done}")
        self.report.clear()
        order = {"ambiguous": 0, "unmatched": 1, "matched": 2}  # what needs a look first
        for item in sorted(report["items"], key=lambda i: order.get(i["status"], 3)):
            row = QTreeWidgetItem([item["status"], item["label"], "" if item["video_id"] is None
                                   else str(item["video_id"]), f"{item['method']}: {item['reason']}"
                                   if item["method"] else item["reason"]])
            row.setForeground(0, QColor(STATUS_COLOURS.get(item["status"], "#888888")))
            row.setToolTip(1, item["label"])
            row.setToolTip(3, item["reason"])
            self.report.addTopLevelItem(row)
        for line in report["skipped"]:
            self.report.addTopLevelItem(QTreeWidgetItem(["skipped", "", "", line]))
        for column in (0, 1, 2):
            self.report.resizeColumnToContents(column)
        self.report.setColumnWidth(1, min(self.report.columnWidth(1), 420))  # long paths: full text in the tooltip
        if not report["dry_run"]:
            self.imported.emit(report["profile"])

    def forget(self) -> None:
        source, profile = self.source_key(), self.profile()

        def forgotten(count: int) -> None:
            self.notices.success(f"Forgot {count} event{'s' if count != 1 else ''} imported from {source}.",
                                 key="import")
            self.imported.emit(profile or "default")

        self.runner.submit(lambda s: s.forget_source(source, profile), forgotten, owner=self)
