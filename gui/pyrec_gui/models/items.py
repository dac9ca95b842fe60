"""A list model of video dicts (a shelf, search results, "more like this").

Every card view in the app reads the same roles, so one delegate paints
library pages, shelves and results alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from pyrec.clock import format_clock
from pyrec.shapes import Card

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    Video = Qt.ItemDataRole.UserRole + 1  # the whole dict
    Id = Qt.ItemDataRole.UserRole + 2
    Thumbnail = Qt.ItemDataRole.UserRole + 3  # path of a JPEG, or None
    Reason = Qt.ItemDataRole.UserRole + 4  # one line: why it is recommended
    Progress = Qt.ItemDataRole.UserRole + 5  # 0..1 watched, or None
    Duration = Qt.ItemDataRole.UserRole + 6  # text like "1:32:05"
    Subtitle = Qt.ItemDataRole.UserRole + 7  # year · series, for the second line
    Damage = Qt.ItemDataRole.UserRole + 8  # "" or e.g. "only 0:15 of 0:30 plays" for a damaged file


def display_title(video: Mapping[str, object]) -> str:
    title = video.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if title:
        return title
    path = video.get("path")
    return os.path.splitext(os.path.basename(path if isinstance(path, str) else ""))[0] or f"Video {video.get('id')}"


def format_duration(seconds: float | None) -> str:
    if not seconds or seconds <= 0:
        return ""
    return format_clock(round(seconds))  # a length: 59.6 s reads 1:00


def damage_of(video: Mapping[str, object]) -> str:
    """How much of a damaged (truncated) file plays; "" for a whole one."""
    playable, duration = video.get("playable"), video.get("duration")
    if video.get("status") != "damaged" or not isinstance(playable, (int, float)):
        return ""
    total = format_duration(duration) if isinstance(duration, (int, float)) else ""
    return f"only {format_clock(playable)} of {total} plays" if total else f"plays {format_clock(playable)}"


def keyframe_stamps(times: list[float | None]) -> list[str]:
    """Labels for a strip of keyframes: m:ss, or m:ss.s for all of them when
    whole seconds would show two frames of a short clip at the same time."""
    seconds = [max(float(t or 0.0), 0.0) for t in times]
    whole = [format_duration(t) or "0:00" for t in seconds]
    if len(set(whole)) == len(whole):
        return whole
    return [f"{int(t // 60)}:{t % 60:04.1f}" for t in seconds]


def resume_position(video: Mapping[str, object]) -> float | None:
    """Where playback stopped, in seconds: a "position" field, or the data of a
    "continue" reason (how recommendations explain Continue watching)."""
    position = video.get("position")
    if isinstance(position, (int, float)):
        return float(position)
    details = video.get("reason_details")
    for detail in details if isinstance(details, list) else []:
        data = detail.get("data") if isinstance(detail, Mapping) else None
        if isinstance(detail, Mapping) and detail.get("kind") == "continue" and isinstance(data, Mapping):
            value = data.get("position")
            if isinstance(value, (int, float)):
                return float(value)
    return None


def progress_of(video: Mapping[str, object]) -> float | None:
    """How far into the video this person got, 0..1; None if never started."""
    value = video.get("progress")
    if isinstance(value, (int, float)):
        return max(0.0, min(1.0, float(value)))
    position, duration = resume_position(video), video.get("duration")
    if isinstance(position, (int, float)) and isinstance(duration, (int, float)) and duration > 0:
        return max(0.0, min(1.0, position / duration))
    return None


def subtitle_of(video: Mapping[str, object]) -> str:
    parts: list[str] = []
    if video.get("series"):
        season, episode = video.get("season"), video.get("episode")
        tag = f" S{season:02d}E{episode:02d}" if isinstance(season, int) and isinstance(episode, int) else ""
        parts.append(f"{video['series']}{tag}")
    if video.get("year"):
        parts.append(str(video["year"]))
    return " · ".join(parts)


def moment_of(video: Mapping[str, object]) -> str:
    """Where a search hit's words are, as people say it: 'said at 0:06: “…”'."""
    moments = video.get("moments")
    if not isinstance(moments, Sequence) or not moments or not isinstance(moments[0], Mapping):
        return ""
    first = moments[0]
    text = " ".join(str(first.get("text", "")).split())
    text = text if len(text) <= 60 else text[:59] + "…"
    return f"{first.get('where', '')}: “{text}”" if text else str(first.get("where", ""))


def reason_of(video: Mapping[str, object]) -> str:
    moment = moment_of(video)
    if moment:
        return moment
    reasons = video.get("reasons")
    return str(reasons[0]) if isinstance(reasons, Sequence) and not isinstance(reasons, str) and reasons else ""


class ItemsModel(QAbstractListModel):
    """Rows are video dicts; replace them wholesale with ``set_items``."""

    def __init__(self, items: Sequence[Card] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Card] = list(items or [])

    # -- Qt API -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        video = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_title(video)
        if role == Role.Video:
            return video
        if role == Role.Id:
            return video.get("id")
        if role == Role.Thumbnail:
            return video.get("thumbnail")
        if role == Role.Reason:
            return reason_of(video)
        if role == Role.Progress:
            return progress_of(video)
        if role == Role.Duration:
            return format_duration(video.get("duration"))
        if role == Role.Subtitle:
            return subtitle_of(video)
        if role == Role.Damage:
            return damage_of(video)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [display_title(video)]
            if damage_of(video):
                lines.append(f"Damaged: {damage_of(video)}")
            for m in video.get("moments") or []:
                lines.append(f"• {m['where']}: {m['text']}")
            if video.get("reasons"):
                lines += [f"• {r}" for r in video["reasons"][:3]]
            lines.append(video.get("path") or "")
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            damage = damage_of(video)
            parts = [display_title(video), format_duration(video.get("duration")), reason_of(video),
                     f"damaged: {damage}" if damage else ""]
            return ", ".join(p for p in parts if p)
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(r): QByteArray(r.name.lower().encode()) for r in Role})
        return names

    # -- ours ---------------------------------------------------------------------
    def set_items(self, items: Sequence[Card]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[Card]:
        return list(self._items)

    def item(self, row: int) -> Card:
        return self._items[row]

    def ids(self) -> list[int]:
        return [int(v["id"]) for v in self._items if v.get("id") is not None]

    def remove_ids(self, ids: set[int]) -> int:
        """Drop rows of these videos (hidden, disliked, trashed); returns how many."""
        removed = 0
        for row in range(len(self._items) - 1, -1, -1):
            if self._items[row].get("id") in ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
                removed += 1
        return removed
