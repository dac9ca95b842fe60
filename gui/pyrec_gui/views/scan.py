"""Scan: the library's folders, a scan with progress, current file, speed,
ETA and Cancel, and the options for rescanning and watching folders."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui import icons
from pyrec_gui.deep import DeepController, deep_summary_text, reader_line, reader_name, videos_left
from pyrec_gui.scanning import ScanController
from pyrec_gui.settings import Settings
from pyrec_gui.widgets.common import button, label
from pyrec_gui.workers import ServiceRunner

if TYPE_CHECKING:
    from pyrec.scan.deep import DeepProgress, DeepSummary
    from pyrec.scan.scanner import ScanProgress, ScanSummary

FolderChooser = Callable[[QWidget], str | None]


def choose_folder_dialog(parent: QWidget) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, "Choose a folder with videos", os.path.expanduser("~"))
    return path or None


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "estimating…"
    seconds = int(seconds)
    if seconds < 60:
        return f"about {max(1, seconds)} s left"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"about {minutes} min {secs:02d} s left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min left"


def summary_text(summary: ScanSummary) -> str:
    parts = [f"{summary.added} added", f"{summary.updated} updated", f"{summary.moved} moved",
             f"{summary.unchanged} unchanged", f"{summary.missing} missing", f"{summary.failed} failed"]
    head = "Scan cancelled" if summary.cancelled else "Scan finished"
    return f"{head} in {summary.seconds:.1f} s: " + ", ".join(parts) + "."


class ScanView(QWidget):
    folders_changed = Signal(list)
    deep_finished = Signal(object)  # DeepSummary: search has new moments to find

    def __init__(self, runner: ServiceRunner, scans: ScanController, settings: Settings,
                 choose_folder: FolderChooser = choose_folder_dialog, parent: QWidget | None = None,
                 deep: DeepController | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.scans = scans
        self.deep = deep if deep is not None else DeepController(runner.service, parent=self)
        self.settings = settings
        self.choose_folder = choose_folder
        self.folders: list[str] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        outer.addWidget(label("Scan", "h1"))
        outer.addWidget(label("pyrec indexes the folders below on this computer: nothing is uploaded. "
                              "Scans are incremental, and a cancelled scan keeps everything already indexed.",
                              "muted", wrap=True))

        outer.addWidget(label("Library folders", "h2"))
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName("Library folders")
        self.list.setMaximumHeight(150)
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        row.addWidget(self.list, 1)
        side = QVBoxLayout()
        self.add_button = button("Add folder…", "plus", self.add_folder)
        self.remove_button = button("Remove", "minus", self.remove_selected,
                                    tip="Stop scanning this folder (its videos stay until the next scan)")
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        row.addLayout(side)
        outer.addLayout(row)

        self.rescan_start = QCheckBox("Rescan library folders when pyrec opens")
        self.rescan_start.setChecked(settings.rescan_on_start)
        self.rescan_start.toggled.connect(self._rescan_toggled)
        self.watch = QCheckBox("Watch library folders for new and changed videos while pyrec is open")
        self.watch.setChecked(settings.watch_folders)
        self.watch.toggled.connect(self._watch_toggled)
        self.external_player = QCheckBox("Play videos in the system's video player instead of inside pyrec")
        self.external_player.setChecked(settings.external_player)
        self.external_player.toggled.connect(lambda on: setattr(self.settings, "external_player", on))
        outer.addWidget(self.rescan_start)
        outer.addWidget(self.watch)
        outer.addWidget(self.external_player)

        outer.addSpacing(6)
        outer.addWidget(label("Progress", "h2"))
        controls = QHBoxLayout()
        self.scan_button = button("Scan now", "refresh", self.scan_now, primary=True)
        self.cancel_button = button("Cancel", "stop", self.scans.cancel, tip="Stop; what is indexed is kept")
        controls.addWidget(self.scan_button)
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        outer.addLayout(controls)
        self.phase = label("Idle", None)
        outer.addWidget(self.phase)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Scan progress")
        self.bar.setTextVisible(True)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        outer.addWidget(self.bar)
        self.current = label("", "muted")
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.current)
        self.rate = label("", "muted")
        outer.addWidget(self.rate)
        self.result = label("", None, wrap=True)
        outer.addWidget(self.result)
        self.errors = QListWidget()
        self.errors.setAccessibleName("Files that could not be read")
        self.errors.setVisible(False)
        outer.addWidget(self.errors, 1)
        self._build_deep(outer)
        outer.addStretch(0)

        scans.started.connect(self._started)
        scans.progress.connect(self.show_progress)
        scans.finished.connect(self._finished)
        scans.failed.connect(self._failed)
        scans.running_changed.connect(lambda _r: self._update_buttons())
        self.deep.started.connect(self._deep_started)
        self.deep.progress.connect(self.show_deep_progress)
        self.deep.finished.connect(self._deep_finished)
        self.deep.failed.connect(self._deep_failed)
        self.deep.running_changed.connect(lambda _r: self._update_buttons())
        self._update_buttons()

    def _build_deep(self, outer: QVBoxLayout) -> None:
        outer.addSpacing(6)
        outer.addWidget(label("Speech and on-screen text", "h2"))
        outer.addWidget(label("A slower second pass listens to what is said and reads text shown in the picture, "
                              "so search finds it. Cancel keeps every video already read.", "muted", wrap=True))
        self.readers = label("", None, wrap=True)
        self.readers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.readers)
        controls = QHBoxLayout()
        self.deep_button = button("Read speech and on-screen text", "play", self.deep_now)
        self.deep_cancel = button("Cancel", "stop", self.deep.cancel, tip="Stop; the videos already read are kept")
        self.deep_cancel.setAccessibleName("Cancel reading")
        controls.addWidget(self.deep_button)
        controls.addWidget(self.deep_cancel)
        controls.addStretch(1)
        outer.addLayout(controls)
        self.deep_bar = QProgressBar()
        self.deep_bar.setAccessibleName("Reading progress")
        self.deep_bar.setTextVisible(True)
        self.deep_bar.setFormat("")  # "%v of %m" once a pass runs
        self.deep_bar.setRange(0, 1)
        self.deep_bar.setValue(0)
        outer.addWidget(self.deep_bar)
        self.deep_current = label("", "muted")
        outer.addWidget(self.deep_current)
        self.deep_result = label("", None, wrap=True)
        outer.addWidget(self.deep_result)
        self.deep_left = 0  # videos some reader that is on has still to read
        self.reader_status: dict[str, dict[str, object]] = {}

    # -- folders ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.runner.submit(lambda s: s.library_folders(), self._folders_loaded, owner=self)
        self.refresh_readers()

    def refresh_readers(self) -> None:
        self.runner.submit(self.deep.status, self._readers_loaded, owner=self)

    def _readers_loaded(self, status: dict[str, dict[str, object]]) -> None:
        self.reader_status = status
        self.deep_left = videos_left(status)
        lines = [reader_line(stage, s) for stage, s in status.items()]
        on = any(not s.get("unavailable") for s in status.values())
        if on:
            lines.append(f"{self.deep_left:,} video{'s' if self.deep_left != 1 else ''} left to read."
                         if self.deep_left else "Every video has been read.")
        else:
            lines.append("Nothing can be read until a reader is turned on.")
        self.readers.setText("\n".join(lines))
        self._update_buttons()

    def _folders_loaded(self, folders: list[str]) -> None:
        self.folders = list(folders)
        self.list.clear()
        for folder in self.folders:
            item = QListWidgetItem(icons.icon("folder"), folder)
            item.setToolTip(folder if os.path.isdir(folder) else f"{folder} (not reachable right now)")
            self.list.addItem(item)
        self._update_buttons()
        self.folders_changed.emit(self.folders)

    def add_folder(self, path: str | None = None, *, scan: bool = True) -> None:
        path = path or self.choose_folder(self)
        if not path:
            return

        def added(_ok: object) -> None:
            self.refresh()
            if scan:
                self.scans.start([path])

        self.runner.submit(lambda s: s.add_library_folder(path), added, owner=self)

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        path = item.text()
        self.runner.submit(lambda s: s.remove_library_folder(path), lambda _ok: self.refresh(), owner=self)

    def _rescan_toggled(self, value: bool) -> None:
        self.settings.rescan_on_start = value

    def _watch_toggled(self, value: bool) -> None:
        self.settings.watch_folders = value
        self.folders_changed.emit(self.folders)

    # -- scanning ---------------------------------------------------------------------
    def scan_now(self) -> None:
        self.scans.start(None)

    def _update_buttons(self) -> None:
        running = self.scans.running
        self.cancel_button.setEnabled(running)
        self.remove_button.setEnabled(self.list.currentItem() is not None and not running)
        # One long job at a time: a scan changes the files the pass reads.
        reading = self.deep.running
        self.scan_button.setEnabled(not running and not reading and bool(self.folders))
        self.deep_button.setEnabled(not running and not reading and self.deep_left > 0)
        self.deep_cancel.setEnabled(reading)

    # -- the deep pass ----------------------------------------------------------------
    def deep_now(self) -> None:
        if not self.scans.running:
            self.deep.start()

    def _deep_started(self) -> None:
        self.deep_bar.setRange(0, 0)  # busy until the pass knows its total
        self.deep_bar.setFormat("%v of %m")
        self.deep_current.setText("Finding what is left to read…")
        self.deep_result.setText("")

    def show_deep_progress(self, p: DeepProgress) -> None:
        self.deep_bar.setRange(0, max(1, p.total))
        self.deep_bar.setValue(min(p.done, max(1, p.total)))
        if not p.path:
            self.deep_current.setText("")
            return
        text = f"{reader_name(p.stage)}: {os.path.basename(p.path)}"
        self.deep_current.setText(self.deep_current.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideMiddle, max(200, self.width() - 60)))
        self.deep_current.setToolTip(p.path)

    def _deep_finished(self, summary: DeepSummary) -> None:
        if self.deep_bar.maximum() == 0:
            self.deep_bar.setRange(0, 1)
            self.deep_bar.setValue(1)
        self.deep_current.setText("")
        lines = [deep_summary_text(summary)] + summary.errors[:20]
        lines += [f"{reader_name(stage)} did not run: {why}" for stage, why in summary.unavailable.items()]
        self.deep_result.setText("\n".join(lines))
        self.refresh_readers()
        self.deep_finished.emit(summary)

    def _deep_failed(self, message: str) -> None:
        self.deep_bar.setRange(0, 1)
        self.deep_bar.setValue(0)
        self.deep_current.setText("")
        self.deep_result.setText(f"Reading stopped: {message}")
        self.refresh_readers()

    def _started(self) -> None:
        self.phase.setText("Looking for videos…")
        self.bar.setRange(0, 0)  # busy until the walk knows the total
        self.current.setText("")
        self.rate.setText("")
        self.result.setText("")
        self.errors.clear()
        self.errors.setVisible(False)

    def show_progress(self, p: ScanProgress) -> None:
        if p.phase == "walking":
            self.refresh()  # the scan has just remembered its folders
            self.phase.setText(f"Found {p.total:,} video files; checking what changed…")
            self.bar.setRange(0, 0)
            return
        if p.phase == "done":
            self.bar.setRange(0, max(1, p.total))
            self.bar.setValue(max(1, p.total) if p.done >= p.total else p.done)
            return
        if p.phase == "passages":  # no file is opened: the lines read are made searchable by meaning
            self.phase.setText(f"Making what is said searchable by meaning: {p.done:,} of {p.total:,}")
            self.bar.setRange(0, max(1, p.total))
            self.bar.setValue(p.done)
            return
        self.phase.setText(f"Indexing {p.done:,} of {p.total:,}")
        self.bar.setRange(0, max(1, p.total))
        self.bar.setValue(p.done)
        name = os.path.basename(p.path) if p.path else ""
        self.current.setText(self.current.fontMetrics().elidedText(
            name, Qt.TextElideMode.ElideMiddle, max(200, self.width() - 60)))
        self.current.setToolTip(p.path or "")
        self.rate.setText(f"{p.files_per_second:.1f} files/s · {format_eta(p.eta_seconds)}")

    def _finished(self, summary: ScanSummary) -> None:
        self.phase.setText("Idle")
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
        self.current.setText("")
        self.rate.setText("")
        self.result.setText(summary_text(summary))
        self.errors.clear()
        for line in summary.errors[:200]:
            self.errors.addItem(line)
        self.errors.setVisible(bool(summary.errors))
        self.refresh()

    def _failed(self, message: str) -> None:
        self.phase.setText("Idle")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.result.setText(f"The scan stopped: {message}")
