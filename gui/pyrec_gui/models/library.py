"""The whole library as a paged model: rows arrive a page at a time as the
view scrolls (canFetchMore/fetchMore), fetched off the GUI thread, so a
100k-video library opens as fast as a small one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Signal

from pyrec_gui.models.items import ItemsModel
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.shapes import Card

Index = QModelIndex | QPersistentModelIndex

ORDERS: dict[str, str] = {  # label → service order
    "Recently added": "-added_at",
    "Title": "title",
    "Year (newest)": "-year",
    "Year (oldest)": "year",
    "Longest": "-duration",
    "Shortest": "duration",
    "Folder": "path",
}


class VideoFilters(TypedDict, total=False):
    """The filter arguments of PyrecService.videos / count_videos."""

    entity_id: int
    entity_ids: list[int]
    label: str
    watched: str
    profile: str | None


class VideoQuery(VideoFilters, total=False):
    order: str


@dataclass(frozen=True)
class LibraryQuery:
    """What the grid shows: an order and the active filters."""

    order: str = "-added_at"
    entity_ids: tuple[int, ...] = ()  # folder / genre / person ids from facets()
    label: str | None = None  # visual auto-label
    watched: str | None = None  # "watched", "unwatched", "in-progress"
    profile: str | None = None  # whose watched state
    descriptions: tuple[str, ...] = field(default=(), compare=False)  # human text of the filters

    def service_kwargs(self) -> VideoQuery:
        return {"order": self.order, **self.count_kwargs()}

    def count_kwargs(self) -> VideoFilters:
        kwargs: VideoFilters = {}
        if len(self.entity_ids) == 1:
            kwargs["entity_id"] = self.entity_ids[0]
        elif self.entity_ids:
            kwargs["entity_ids"] = list(self.entity_ids)
        if self.label:
            kwargs["label"] = self.label
        if self.watched:
            kwargs["watched"] = self.watched
            kwargs["profile"] = self.profile
        return kwargs


class LibraryModel(ItemsModel):
    loading_changed = Signal(bool)
    total_changed = Signal(int)  # how many videos match the query (-1: unknown)
    page_loaded = Signal(int)  # rows added
    failed = Signal(str)

    def __init__(self, runner: ServiceRunner, *, page_size: int = 240, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.runner = runner
        self.page_size = page_size
        self.query = LibraryQuery()
        self.total = -1
        self._generation = 0
        self._loading = False
        self._exhausted = True  # nothing to fetch until a query is set

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def set_query(self, query: LibraryQuery) -> None:
        """Start over with a new order or filter (old in-flight pages are ignored)."""
        self.query = query
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self._set_loading(False)
        self.total = -1
        self.beginResetModel()
        self._items = []
        self._exhausted = False
        self.endResetModel()
        generation = self._generation
        kwargs = self.query.count_kwargs()
        self.runner.submit(lambda s: s.count_videos(**kwargs), lambda n: self._on_total(generation, n),
                           self._on_error, owner=self)
        self.fetchMore(QModelIndex())

    # -- paging ---------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted or self._loading:
            return
        self._set_loading(True)
        generation = self._generation
        offset, limit = len(self._items), self.page_size
        kwargs = self.query.service_kwargs()
        self.runner.submit(lambda s: s.videos(limit=limit, offset=offset, **kwargs),
                           lambda page: self._on_page(generation, offset, page), self._on_error, owner=self)

    def _on_page(self, generation: int, offset: int, page: list[Card]) -> None:
        if generation != self._generation or offset != len(self._items):
            return  # an answer to a query the user has moved on from
        self._set_loading(False)
        if len(page) < self.page_size:
            self._exhausted = True
        if page:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._items.extend(page)
            self.endInsertRows()
        self.page_loaded.emit(len(page))

    def _on_total(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = int(total)
            self.total_changed.emit(self.total)

    def _on_error(self, exc: BaseException) -> None:
        self._set_loading(False)
        self._exhausted = True  # do not retry in a loop; a reload tries again
        self.failed.emit(error_line(exc))

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loading_changed.emit(value)
