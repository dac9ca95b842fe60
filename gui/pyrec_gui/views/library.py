"""Library: every video in a virtualised grid with sort and filters (folder,
genre, person, any graph entity, visual label, watched state)."""

from __future__ import annotations

import inspect
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.models.library import ORDERS, LibraryModel, LibraryQuery
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.widgets.card_delegate import CardStyle
from pyrec_gui.widgets.card_view import CardGrid
from pyrec_gui.widgets.common import EmptyState, button, clear_layout, label
from pyrec_gui.widgets.keyframe_strip import HoverPreview
from pyrec_gui.workers import ServiceRunner

from pyrec.shapes import FacetValue

# combo → (facet list in service.facets(), entity kind, "any" text)
ENTITY_COMBOS: tuple[tuple[str, str, str], ...] = (
    ("folders", "folder", "All folders"),
    ("genres", "genre", "All genres"),
    ("people", "person", "Anyone"),
)
WATCHED = (("Watched or not", None), ("Unwatched", "unwatched"), ("In progress", "in-progress"), ("Watched", "watched"))
KIND_TITLES = {"folder": "Folder", "genre": "Genre", "person": "Person", "tag": "Tag", "studio": "Studio",
               "series": "Series", "collection": "Collection", "label": "Label"}


class LibraryView(QWidget):
    video_activated = Signal(dict)
    action_requested = Signal(str, dict)
    scan_requested = Signal()

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, preview: HoverPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.profile: str | None = None
        self.model = LibraryModel(runner, parent=self)
        self.facets: dict[str, list[FacetValue]] = {}
        self.extra_filters: dict[str, tuple[int, str]] = {}  # kind → (entity id, name), beyond the combos
        self._updating = False
        # What this pyrec's service can filter by: several graph nodes at once,
        # and watched state. Missing abilities make the filters behave simpler
        # (one node at a time) or stay disabled, rather than fail on use.
        params = inspect.signature(runner.service.videos).parameters
        self.multi_entity = "entity_ids" in params
        self.can_filter_watched = "watched" in params

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 0)
        outer.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(label("Library", "h1"))
        self.count = label("", "muted")
        head.addSpacing(10)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        outer.addLayout(head)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort by")
        for text, order in ORDERS.items():
            self.sort.addItem(text, order)
        bar.addWidget(QLabel("Sort"))
        bar.addWidget(self.sort)
        bar.addSpacing(10)
        self.combos: dict[str, QComboBox] = {}
        for facet, kind, any_text in ENTITY_COMBOS:
            combo = QComboBox()
            combo.setAccessibleName(f"Filter by {KIND_TITLES[kind].lower()}")
            combo.addItem(any_text, None)
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMaxVisibleItems(20)
            self.combos[kind] = combo
            bar.addWidget(combo)
        self.label_combo = QComboBox()
        self.label_combo.setAccessibleName("Filter by visual label")
        self.label_combo.addItem("Any label", None)
        self.label_combo.setMinimumContentsLength(10)
        self.label_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        bar.addWidget(self.label_combo)
        self.watched = QComboBox()
        self.watched.setAccessibleName("Filter by watched state")
        for text, value in WATCHED:
            self.watched.addItem(text, value)
        bar.addWidget(self.watched)
        self.chips = QHBoxLayout()
        self.chips.setSpacing(4)
        bar.addLayout(self.chips)
        self.clear = button("Clear filters", None, self.clear_filters)
        bar.addWidget(self.clear)
        bar.addStretch(1)
        outer.addLayout(bar)

        self.stack = QStackedWidget()
        self.grid = CardGrid(thumbnails, CardStyle(show_reason=False))
        self.grid.setModel(self.model)
        self.grid.setAccessibleName("Library grid")
        self.grid.video_activated.connect(self.video_activated)
        self.grid.action_requested.connect(self.action_requested)
        preview.attach(self.grid)
        self.stack.addWidget(self.grid)
        self.no_match = EmptyState("search", "No videos match", "Try fewer filters.", None, None)
        clear_again = button("Clear filters", None, self.clear_filters)
        self.no_match.add_widget(clear_again)
        self.stack.addWidget(self.no_match)
        self.empty = EmptyState("scan", "Your library is empty", "Add a folder with videos to get started.",
                                "Choose a folder to scan…", self.scan_requested.emit)
        self.stack.addWidget(self.empty)
        outer.addWidget(self.stack, 1)

        if not self.can_filter_watched:
            self.watched.setEnabled(False)
            self.watched.setToolTip("This version of pyrec cannot filter by watched state yet")
        for combo in (self.sort, *self.combos.values(), self.label_combo, self.watched):
            combo.currentIndexChanged.connect(self._changed)
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(lambda _i, c=combo: self._single_entity(c))
        self.model.total_changed.connect(self._total)
        self.model.page_loaded.connect(lambda _n: self._total(self.model.total))
        self._update_clear()

    # -- loading --------------------------------------------------------------------
    def refresh(self, profile: str | None = None) -> None:
        """Reload facets and the grid (after a scan, a profile switch)."""
        self.profile = profile
        self.load_facets()
        self._apply()

    def load_facets(self) -> None:
        self.runner.submit(lambda s: s.facets(), self._facets_loaded, owner=self)

    def _facets_loaded(self, facets: dict[str, list[FacetValue]]) -> None:
        self.facets = facets
        self._updating = True
        try:
            for facet, kind, any_text in ENTITY_COMBOS:
                self._fill(self.combos[kind], any_text, facets.get(facet, []), key="id")
            self._fill(self.label_combo, "Any label", facets.get("labels", []), key="name")
        finally:
            self._updating = False

    @staticmethod
    def _fill(combo: QComboBox, any_text: str, values: list[FacetValue], *, key: Literal["id", "name"]) -> None:
        current = combo.currentData()
        combo.clear()
        combo.addItem(any_text, None)
        for value in values:
            combo.addItem(f"{value['name']}  ({value.get('count', 0)})", value[key])
        found = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, found))

    # -- filters --------------------------------------------------------------------
    def query(self) -> LibraryQuery:
        ids: list[int] = []
        described: list[str] = []
        for kind, combo in self.combos.items():
            if combo.currentData() is not None:
                ids.append(int(combo.currentData()))
                described.append(f"{KIND_TITLES[kind]}: {combo.currentText().rsplit('  (', 1)[0]}")
        for kind, (entity_id, name) in self.extra_filters.items():
            ids.append(entity_id)
            described.append(f"{KIND_TITLES.get(kind, kind.title())}: {name}")
        label_name = self.label_combo.currentData()
        if label_name:
            described.append(f"Label: {label_name}")
        watched = self.watched.currentData()
        if watched:
            described.append(self.watched.currentText())
        return LibraryQuery(order=str(self.sort.currentData()), entity_ids=tuple(ids), label=label_name,
                            watched=watched, profile=self.profile, descriptions=tuple(described))

    def filter_by(self, kind: str, entity_id: int | None, name: str) -> None:
        """Show only videos linked to this graph node (a click on a person, a genre …)."""
        self._updating = True
        try:
            self._reset_filters()
            if kind == "label":
                index = self.label_combo.findData(name)
                if index < 0:
                    self.label_combo.addItem(name, name)
                    index = self.label_combo.count() - 1
                self.label_combo.setCurrentIndex(index)
            elif kind in self.combos and entity_id is not None:
                combo = self.combos[kind]
                index = combo.findData(entity_id)
                if index < 0:
                    combo.addItem(name, entity_id)
                    index = combo.count() - 1
                combo.setCurrentIndex(index)
            elif entity_id is not None:
                if not self.multi_entity:
                    self.extra_filters.clear()
                self.extra_filters[kind] = (entity_id, name)
        finally:
            self._updating = False
        self._apply()

    def clear_filters(self) -> None:
        self._updating = True
        try:
            self._reset_filters()
        finally:
            self._updating = False
        self._apply()

    def _reset_filters(self) -> None:
        for combo in (*self.combos.values(), self.label_combo, self.watched):
            combo.setCurrentIndex(0)
        self.extra_filters.clear()

    def _single_entity(self, chosen: QComboBox) -> None:
        """Without multi-node filtering, picking one graph filter clears the others."""
        if self.multi_entity or self._updating or chosen.currentData() is None:
            return
        self._updating = True
        try:
            for combo in self.combos.values():
                if combo is not chosen:
                    combo.setCurrentIndex(0)
            self.extra_filters.clear()
        finally:
            self._updating = False
        self._apply()

    def _changed(self, _index: int) -> None:
        if not self._updating:
            self._apply()

    def _apply(self) -> None:
        query = self.query()
        self._render_chips()
        self._update_clear()
        self.count.setText("Loading…")
        self.stack.setCurrentWidget(self.grid)
        self.model.set_query(query)

    def _render_chips(self) -> None:
        clear_layout(self.chips)
        for kind, (_entity_id, name) in self.extra_filters.items():
            chip = QPushButton(f"{KIND_TITLES.get(kind, kind.title())}: {name}  ✕")
            chip.setFlat(True)
            chip.setToolTip("Remove this filter")
            chip.clicked.connect(lambda _c=False, k=kind: self._drop_extra(k))
            self.chips.addWidget(chip)

    def _drop_extra(self, kind: str) -> None:
        self.extra_filters.pop(kind, None)
        self._apply()

    def _update_clear(self) -> None:
        self.clear.setVisible(bool(self.query().descriptions))

    def _total(self, total: int) -> None:
        if total < 0:
            return
        filtered = bool(self.model.query.descriptions)
        self.count.setText(f"{total:,} video{'s' if total != 1 else ''}" + (" match" if filtered else ""))
        if total == 0 and not self.model.loading:
            self.stack.setCurrentWidget(self.no_match if filtered else self.empty)
        else:
            self.stack.setCurrentWidget(self.grid)
