"""Duplicates: groups of the same video side by side. You choose which copy
to keep; the others go to the system trash only after you confirm, so a wrong
click can always be undone from the trash. The service moves the files
(``trash_copies``) and records it in the library; this page only asks."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.models.items import display_title, format_duration
from pyrec_gui.notices import NoticeAction, NoticeBar
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.views.detail import format_of, human_size
from pyrec_gui.widgets.common import EmptyState, button, label
from pyrec_gui.widgets.frame_preview import FramePreview
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.shapes import Card, DupeGroupJson, TrashResult


class DupeCard(QFrame):
    """One copy: picture, file name, folder, and what makes it different."""

    def __init__(self, video: Card, thumbnails: ThumbnailCache, keep: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.video = video
        self.preview = FramePreview(thumbnails, 262)
        self.setObjectName("dupeCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(284)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(4)
        self.preview.set_path(video.get("thumbnail"))
        column.addWidget(self.preview)
        path = video.get("path") or ""
        name = label("", "h2")
        name.setText(name.fontMetrics().elidedText(os.path.basename(path), Qt.TextElideMode.ElideMiddle, 262))
        name.setToolTip(path)
        column.addWidget(name)
        facts = [format_duration(video.get("duration")), human_size(video.get("size"))]
        if video.get("width") and video.get("height"):
            facts.append(f"{video['width']}×{video['height']}")
        facts.append(format_of(video))  # "MPEG-4", not the FourCC "FMP4"
        column.addWidget(label(" · ".join(f for f in facts if f), "muted"))
        where = label("", "muted")
        where.setText(where.fontMetrics().elidedText(os.path.dirname(path), Qt.TextElideMode.ElideLeft, 262))
        where.setToolTip(path)
        column.addWidget(where)
        row = QHBoxLayout()
        self.keep = QRadioButton("Keep this copy")
        self.keep.setAccessibleName(f"Keep {os.path.basename(path)}")
        self.fate = label("", "muted")
        row.addWidget(self.keep)
        row.addStretch(1)
        row.addWidget(self.fate)
        column.addLayout(row)
        self.keep.toggled.connect(lambda _on: self._show_fate())
        self.keep.setChecked(keep)
        self._show_fate()

    def _show_fate(self) -> None:
        kept = self.keep.isChecked()
        self.fate.setText("" if kept else "→ trash")
        self.setProperty("kept", kept)
        self.style().unpolish(self)
        self.style().polish(self)


def group_title(items: list[Card]) -> str:
    """The name a person would use: a copy with a proper title (from a sidecar)
    beats one named after its file."""
    if not items:
        return ""
    best = max(items, key=lambda v: (bool(v.get("year")), display_title(v) != display_title(v).lower()))
    return display_title(best)


class DupeGroup(QFrame):
    trash_requested = Signal(object, list)  # the group, videos to trash
    dismiss_requested = Signal(object)  # the group: "these are not copies"

    def __init__(self, group: DupeGroupJson, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 10)
        head = QHBoxLayout()
        items = group.get("items") or []
        head.addWidget(label(f"{len(items)} copies of “{group_title(items)}”" if items else "", "h2"))
        reason = group.get("reason") or ""
        if reason:
            head.addWidget(label(f"— {reason}", "muted"))
        head.addStretch(1)
        self.dismiss_button = button("Not copies", None, lambda: self.dismiss_requested.emit(self),
                                     tip="These are different videos: stop showing them as copies "
                                         "(they stay apart after rescans while the files are unchanged)")
        self.dismiss_button.setEnabled(group.get("id") is not None)
        head.addWidget(self.dismiss_button)
        self.trash_button = button("Move the others to trash…", "trash", self._request)
        head.addWidget(self.trash_button)
        column.addLayout(head)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.choice = QButtonGroup(self)
        self.cards: list[DupeCard] = []
        for video in items:
            card = DupeCard(video, thumbnails, keep=video.get("id") == group.get("keep"))
            self.choice.addButton(card.keep)
            self.cards.append(card)
            row.addWidget(card)
        row.addStretch(1)
        column.addLayout(row)

    def kept(self) -> Card | None:
        return next((c.video for c in self.cards if c.keep.isChecked()), None)

    def others(self) -> list[Card]:
        kept = self.kept()
        return [c.video for c in self.cards if kept is None or c.video.get("id") != kept.get("id")]

    def choose(self, video_id: int) -> None:
        for card in self.cards:
            card.keep.setChecked(card.video.get("id") == video_id)

    def _request(self) -> None:
        self.trash_requested.emit(self, self.others())


class DuplicatesView(QWidget):
    trashed = Signal(list)  # paths moved to the trash (the library rescans them)

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, notices: NoticeBar,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.thumbnails = thumbnails
        self.notices = notices
        self.groups: list[DupeGroup] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 0)
        head = QHBoxLayout()
        head.addWidget(label("Duplicates", "h1"))
        self.count = label("", "muted")
        head.addSpacing(10)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(button("Look again", "refresh", self.refresh))
        outer.addLayout(head)
        outer.addWidget(label("Copies of the same video, found by their pictures. Pick the copy to keep; the "
                              "others go to the system trash after you confirm.", "muted", wrap=True))
        self.stack = QStackedWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.addStretch(1)
        scroll.setWidget(body)
        self.stack.addWidget(scroll)
        self.none = EmptyState("duplicates", "No duplicates", "Every video in the library is one of a kind.")
        self.stack.addWidget(self.none)
        outer.addWidget(self.stack, 1)

    def refresh(self) -> None:
        self.count.setText("Looking…")
        self.runner.submit(lambda s: s.dupes(), self._loaded, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("")
        self.notices.error(f"Could not look for duplicates: {error_line(exc)}", key="dupes")

    def _loaded(self, groups: list[DupeGroupJson]) -> None:
        for group in self.groups:
            self.column.removeWidget(group)
            group.deleteLater()
        self.groups = []
        for data in groups:
            if len(data.get("items") or []) < 2:
                continue
            group = DupeGroup(data, self.thumbnails)
            group.trash_requested.connect(self.confirm_trash)
            group.dismiss_requested.connect(self.dismiss)
            self.column.insertWidget(self.column.count() - 1, group)
            self.groups.append(group)
        self._update_count()

    def _update_count(self) -> None:
        n = len(self.groups)
        self.count.setText(f"{n} group{'s' if n != 1 else ''}" if n else "")
        self.stack.setCurrentIndex(0 if n else 1)

    def _remove(self, group: DupeGroup) -> None:
        if group in self.groups:
            self.groups.remove(group)
            self.column.removeWidget(group)
            group.deleteLater()
            self._update_count()

    def dismiss(self, group: DupeGroup) -> None:
        """The user says these are different videos: the service remembers it."""
        group_id = group.group.get("id")
        if group_id is None:
            return

        def done(found: bool) -> None:
            self._remove(group)
            if found:
                self.notices.success("Not shown as copies again.", key="dupes")

        self.runner.submit(lambda s: s.dismiss_duplicates(group_id), done,
                           lambda exc: self.notices.error(f"Could not dismiss the group: {error_line(exc)}",
                                                          key="dupes"), owner=self)

    def confirm_trash(self, group: DupeGroup, videos: list[Card]) -> None:
        if not videos:
            return
        size = sum(v.get("size") or 0 for v in videos)
        names = ", ".join(os.path.basename(v.get("path") or "") for v in videos[:3])
        more = f" and {len(videos) - 3} more" if len(videos) > 3 else ""
        self.notices.ask(
            f"Move {len(videos)} file{'s' if len(videos) != 1 else ''} ({human_size(size)}) to the trash: "
            f"{names}{more}?",
            [NoticeAction("Move to trash", lambda: self.trash(group, videos), primary=True),
             NoticeAction("Cancel", lambda: None)],
            key="trash", level="warning")

    def trash(self, group: DupeGroup, videos: list[Card]) -> None:
        video_ids = [v["id"] for v in videos]

        def done(result: TrashResult) -> None:
            moved, errors = result["trashed"], result["errors"]
            if moved:
                self.notices.success(f"Moved {len(moved)} file{'s' if len(moved) != 1 else ''} to the trash.",
                                     key="trash")
                self.trashed.emit(moved)
            for line in errors[:3]:
                self.notices.error(line)
            if not errors:
                self._remove(group)

        self.runner.submit(lambda s: s.trash_copies(video_ids), done,
                           lambda exc: self.notices.error(f"Could not move to the trash: {error_line(exc)}",
                                                          key="trash"), owner=self)
