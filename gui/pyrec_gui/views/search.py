"""Search results: text (titles, plots, people, subtitles) and what is seen
in the picture (visual labels), updated as you type."""

from __future__ import annotations


from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from pyrec_gui.models.items import ItemsModel
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.widgets.card_view import CardGrid
from pyrec_gui.widgets.common import EmptyState, label
from pyrec_gui.widgets.keyframe_strip import HoverPreview
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.shapes import Card


class SearchView(QWidget):
    video_activated = Signal(dict)
    action_requested = Signal(str, dict)
    results_ready = Signal(str, int)  # query, hits
    failed = Signal(str)

    debounce_ms = 220

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, preview: HoverPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.query = ""
        self.profile: str | None = None  # whose tastes order the results
        self._pending = ""
        self._generation = 0
        self.searches_run = 0  # how many reached the service (debounce shows in tests)
        self.model = ItemsModel(parent=self)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 0)
        head = QHBoxLayout()
        self.heading = label("Search", "h1")
        head.addWidget(self.heading)
        self.count = label("", "muted")
        head.addSpacing(10)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        outer.addLayout(head)
        self.stack = QStackedWidget()
        self.grid = CardGrid(thumbnails)
        self.grid.setModel(self.model)
        self.grid.setAccessibleName("Search results")
        self.grid.video_activated.connect(self.video_activated)
        self.grid.action_requested.connect(self.action_requested)
        preview.attach(self.grid)
        self.stack.addWidget(self.grid)
        self.nothing = EmptyState("search", "Nothing found",
                                  "Search looks in titles, plots, people, subtitles and what is seen in the "
                                  "picture (try “snow” or “city at night”).")
        self.stack.addWidget(self.nothing)
        outer.addWidget(self.stack, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._run)

    def set_query(self, text: str) -> None:
        """Called on every keystroke; the search runs once typing pauses."""
        self._pending = text.strip()
        self.timer.start(self.debounce_ms)

    def run_now(self, text: str) -> None:
        self._pending = text.strip()
        self.timer.stop()
        self._run()

    def _run(self) -> None:
        query = self._pending
        self.query = query
        self._generation += 1
        generation = self._generation
        if not query:
            self.model.set_items([])
            self.count.setText("")
            return
        self.heading.setText(f"“{query}”")
        self.count.setText("Searching…")
        self.searches_run += 1
        profile = self.profile
        self.runner.submit(lambda s: s.search(query, n=60, profile=profile), lambda hits: self._done(generation, query, hits),
                           lambda exc: self._failed(generation, exc), owner=self)

    def _done(self, generation: int, query: str, hits: list[Card]) -> None:
        if generation != self._generation:
            return  # the user kept typing; a newer search is on its way
        self.model.set_items(hits)
        self.count.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''}")
        self.stack.setCurrentWidget(self.grid if hits else self.nothing)
        self.results_ready.emit(query, len(hits))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.count.setText("")
            self.failed.emit(error_line(exc))
