"""The main window: sidebar, top bar (back, search, profile), notice bar,
the pages, and the wiring between them. All library work goes through the
ServiceRunner (off the GUI thread); this module only routes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui import icons
from pyrec_gui.deep import DeepController
from pyrec_gui.models.items import display_title, resume_position
from pyrec_gui.notices import NoticeAction, NoticeBar, NoticeSpec
from pyrec_gui.playback import PlaybackTracker, UrlOpener
from pyrec_gui.scanning import FolderWatcher, ScanController, folders_to_watch
from pyrec_gui.settings import Settings
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.views.detail import DetailView
from pyrec_gui.views.duplicates import DuplicatesView
from pyrec_gui.views.home import HomeView
from pyrec_gui.views.library import LibraryView
from pyrec_gui.views.player import PlayerView, multimedia_problem
from pyrec_gui.views.privacy import PrivacyView, SaveChooser, choose_save_dialog
from pyrec_gui.views.scan import (
    FolderChooser,
    ScanView,
    choose_folder_dialog,
    summary_text,
)
from pyrec_gui.views.search import SearchView
from pyrec_gui.widgets.chrome import PAGES, Sidebar, TopBar
from pyrec_gui.widgets.common import label
from pyrec_gui.widgets.keyframe_strip import HoverPreview
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.shapes import Card, ProfileJson

if TYPE_CHECKING:
    from pyrec.scan.scanner import ScanProgress, ScanSummary
    from pyrec.service import PyrecService

    Record = Callable[[PyrecService, int, str | None], int | None]  # (service, video id, profile) → event id

PROFILE_PAGES = ("home", "library", "privacy")  # what they show depends on the profile in use


def choose_profile(profiles: Sequence[ProfileJson], remembered: str | None) -> str | None:
    """The profile in use: the remembered one if it still exists, else the one
    used most recently (on a library other front ends filled: the person who
    used it last), else the first, else none."""
    names = [p["name"] for p in profiles]
    if remembered in names:
        return remembered
    active = [(p["last_active"], p["name"]) for p in profiles if p.get("last_active") is not None]
    if active:
        return max(active)[1]
    return names[0] if names else None

# card actions → (service call, notice text)
ACTION_METHODS: dict[str, tuple[Record, str]] = {
    "like": (lambda s, video, profile: s.like(video, profile), "Liked “{title}”: recommendations updated."),
    "dislike": (lambda s, video, profile: s.dislike(video, profile), "Disliked “{title}”: you will see less like it."),
    "hide": (lambda s, video, profile: s.hide(video, profile), "“{title}” will not be recommended again."),
    "watched": (lambda s, video, profile: s.mark_watched(video, profile), "Marked “{title}” as watched."),
}


class MainWindow(QMainWindow):
    page_changed = Signal(str)
    action_recorded = Signal(str, int)  # action, video id (after the service confirmed)

    def __init__(
        self,
        service: PyrecService,
        *,
        settings: Settings | None = None,
        choose_folder: FolderChooser = choose_folder_dialog,
        choose_save: SaveChooser = choose_save_dialog,
        open_url: UrlOpener | None = None,
        scan_jobs: int | None = None,
        watch_delay_ms: int = 4000,
    ) -> None:
        super().__init__()
        self.setWindowTitle("pyrec")
        self.setWindowIcon(icons.app_icon())
        self.service = service
        self.settings = settings or Settings()
        self.choose_folder = choose_folder
        self.profile: str | None = self.settings.profile  # confirmed (or replaced) when the profiles arrive
        self._profiles_known = False  # until then no page that depends on the profile loads
        self._home_loaded = False
        self.runner = ServiceRunner(service, threads=2, parent=self)
        self._warm_up()
        self.thumbnails = ThumbnailCache(parent=self)
        # Scans run at a lower priority (see scanning.lower_priority), so they may
        # use every core without making the window stutter.
        self.scans = ScanController(service, jobs=scan_jobs, parent=self)
        self.deep = DeepController(service, parent=self)
        self.watcher = FolderWatcher(delay_ms=watch_delay_ms, parent=self)
        self._history: list[str] = []
        self._stale: set[str] = set()
        self._closing = False
        self._navigating = False
        self.player: PlayerView | None = None  # made on the first in-app play (loads Qt Multimedia)

        central = QWidget()
        central.setAutoFillBackground(True)  # an opaque base: nothing stale can show through
        self.setCentralWidget(central)
        root = QHBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.sidebar = Sidebar()
        self.sidebar.section_chosen.connect(self.show_page)
        self.nav = self.sidebar.nav
        root.addWidget(self.sidebar)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.topbar = TopBar()
        self.topbar.back_clicked.connect(self.go_back)
        self.back_button = self.topbar.back_button
        self.search_box = self.topbar.search_box
        self.profile_box = self.topbar.profile_box
        self.busy = self.topbar.busy
        self.search_box.textEdited.connect(self._search_edited)
        self.search_box.textChanged.connect(lambda t: None if t else self._search_edited(""))
        self.search_box.returnPressed.connect(self._search_now)
        self.search_box.installEventFilter(self)
        self.profile_box.activated.connect(self._profile_chosen)
        column.addWidget(self.topbar)
        self.notices = NoticeBar(self)
        column.addWidget(self.notices)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        root.addLayout(column, 1)

        self.preview = HoverPreview(self.runner, self.thumbnails, central)
        self.playback = PlaybackTracker(self.runner, self.notices, parent=self,
                                        open_url=open_url or QDesktopServices.openUrl)
        self.home = HomeView(self.runner, self.thumbnails, self.preview)
        self.library = LibraryView(self.runner, self.thumbnails, self.preview)
        self.search = SearchView(self.runner, self.thumbnails, self.preview)
        self.detail = DetailView(self.runner, self.thumbnails, self.preview)
        self.duplicates = DuplicatesView(self.runner, self.thumbnails, self.notices)
        self.scan = ScanView(self.runner, self.scans, self.settings, choose_folder, deep=self.deep)
        self.privacy = PrivacyView(self.runner, self.notices, choose_save)
        self.pages: dict[str, QWidget] = {
            "home": self.home, "library": self.library, "search": self.search, "detail": self.detail,
            "duplicates": self.duplicates, "scan": self.scan, "privacy": self.privacy,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        self._build_statusbar()
        self._wire()
        self._shortcuts()
        self._stale = set(self.pages) - {"detail", "search"}
        self.resize(1280, 820)
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)

    # -- construction ----------------------------------------------------------------
    def _build_statusbar(self) -> None:
        status = self.statusBar()
        status.setContentsMargins(10, 0, 6, 0)
        status.setSizeGripEnabled(False)
        self.status_count = label("", "muted")
        self.status_local = label("● Local only", "muted")
        self.status_local.setToolTip("Nothing leaves this computer")
        self.scan_label = label("", "muted")
        self.scan_bar = QProgressBar()
        self.scan_bar.setMaximumWidth(160)
        self.scan_bar.setMaximumHeight(12)
        self.scan_bar.setTextVisible(False)
        self.scan_bar.hide()
        status.addWidget(self.status_count)
        status.addPermanentWidget(self.scan_label)
        status.addPermanentWidget(self.scan_bar)
        status.addPermanentWidget(self.status_local)

    def _wire(self) -> None:
        self.runner.error.connect(self.notices.error)
        self.runner.busy_changed.connect(lambda busy: self.busy.setText("Working…" if busy else ""))
        for view in (self.home, self.library, self.search, self.detail):
            view.video_activated.connect(self.open_video)
            view.action_requested.connect(self.perform)
        for view in (self.home, self.search, self.detail):
            view.failed.connect(self.notices.error)
        self.library.model.failed.connect(self.notices.error)
        self.home.scan_requested.connect(self.choose_and_scan)
        self.library.scan_requested.connect(self.choose_and_scan)
        self.detail.entity_clicked.connect(self.filter_library)
        self.detail.play_at.connect(self.play)
        self.home.surprise_ready.connect(self._surprise)
        self.duplicates.trashed.connect(self._trashed)
        self.home.shelves_loaded.connect(self._home_shelves_loaded)
        self.privacy.profiles_changed.connect(self.load_profiles)
        self.privacy.history_cleared.connect(lambda _name: self.mark_stale("home", "library"))
        self.playback.recorded.connect(self._play_recorded)
        self.scans.started.connect(self._scan_started)
        self.scans.progress.connect(self._scan_progress)
        self.scans.finished.connect(self._scan_finished)
        self.scans.failed.connect(lambda msg: self.notices.error(f"Scan failed: {msg}", key="scan"))
        self.scan.folders_changed.connect(self._update_watcher)
        self.scan.deep_finished.connect(self._deep_finished)
        self.watcher.changed.connect(self._folders_changed)

    def _shortcuts(self) -> None:
        def add(keys: str | QKeySequence.StandardKey, slot: Callable[[], object]) -> None:
            QShortcut(QKeySequence(keys), self, slot)

        add("Ctrl+F", self.focus_search)
        add("/", self.focus_search)
        add(QKeySequence.StandardKey.Back, self.go_back)
        add("Backspace", self._backspace)
        add("F5", self.refresh_current)
        add(QKeySequence.StandardKey.Quit, self.close)
        for key, _text, _icon, keys in PAGES:
            add(keys, partial(self.show_page, key))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape leaves a page (a remote's "back"). A key event, not a shortcut: the
        # search box (eventFilter) and open menus see Escape first and keep it.
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.go_back()
            return
        super().keyPressEvent(event)

    def _backspace(self) -> None:
        # Backspace means "back" like in a browser, except while typing.
        if not isinstance(self.focusWidget(), QLineEdit):
            self.go_back()

    def _warm_up(self) -> None:
        """Open the library and build the recommender while the widgets are
        being made (for no profile in particular: which one is used is known
        when the profiles arrive); the home page's own request then finds it warm."""

        def warm(s: PyrecService) -> None:
            if s.count_videos():
                s.warm_up()

        self.runner.submit(warm, None, lambda _exc: None)  # a real failure shows on the home page

    # -- start-up --------------------------------------------------------------------
    def start(self) -> None:
        """Load the profiles and, in the same trip to the worker, Home for the
        profile they lead to; optionally rescan; start watching. Nothing here
        creates a profile."""
        remembered = self.profile
        self.home.refresh(lambda s: choose_profile(s.profiles(), remembered))  # first: what the user waits for
        self._stale.discard("home")
        self.show_page("home", remember=False)
        self.load_profiles()
        self.scan.refresh()
        self.runner.submit(lambda s: s.count_videos(), self._count, owner=self)
        if self.settings.rescan_on_start:
            self.runner.submit(lambda s: s.library_folders(),
                               lambda folders: self.scans.start(None) if folders else None, owner=self)

    def offer_desktop_entry(self) -> None:
        """First run from a plain install: offer to add pyrec to the
        applications menu (once; the answer is remembered)."""
        if self.settings.desktop_entry_offered:
            return

        def check(_s: PyrecService) -> bool:
            from pyrec import desktop_entry

            return not desktop_entry.status().installed

        self.runner.submit(check, lambda missing: self._ask_desktop_entry() if missing else None,
                           lambda _exc: None, owner=self)

    def _ask_desktop_entry(self) -> None:
        def add() -> None:
            from pyrec import desktop_entry

            self.runner.submit(lambda _s: desktop_entry.install(),
                               lambda result: self.notices.success(
                                   "pyrec is in your applications menu now "
                                   "(pyrec desktop-entry uninstall removes it).", key="desktop-entry"),
                               lambda exc: self.notices.error(
                                   f"Could not add pyrec to the applications menu: {error_line(exc)}",
                                   key="desktop-entry"), owner=self)

        notice = self.notices.ask("Add pyrec to your applications menu?",
                                  [NoticeAction("Add to menu", add, primary=True),
                                   NoticeAction("No thanks", lambda: None)], key="desktop-entry")
        notice.closed.connect(lambda: setattr(self.settings, "desktop_entry_offered", True))

    def _count(self, n: int) -> None:
        self.status_count.setText(f"{n:,} video{'s' if n != 1 else ''} in the library")

    # -- navigation ------------------------------------------------------------------
    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        return next((k for k, w in self.pages.items() if w is widget), "home")

    def show_page(self, key: str, *, remember: bool = True) -> None:
        if self._navigating:
            return  # re-entered: hiding a page moves focus to the sidebar, which "selects" Home
        self._navigating = True
        try:
            self._show_page(key, remember)
        finally:
            self._navigating = False

    def _show_page(self, key: str, remember: bool) -> None:
        current = self.current_page()
        if remember and key != current and current != "player" and self.stack.currentWidget() is not None:
            self._history.append(current)
            del self._history[:-50]
        self.preview.hide()
        if current == "player" and key != "player" and self.player is not None:
            self.player.stop()  # leaving the player records what was watched
        self.stack.setCurrentWidget(self.pages[key])
        self.sidebar.select(key)
        self.back_button.setEnabled(bool(self._history))
        if key in self._stale:
            self._stale.discard(key)
            self.refresh_page(key)
        self.page_changed.emit(key)

    def go_back(self) -> None:
        if self._history:
            self.show_page(self._history.pop(), remember=False)
            self.back_button.setEnabled(bool(self._history))

    def mark_stale(self, *keys: str) -> None:
        """These pages reload when next shown (the visible one reloads now)."""
        current = self.current_page()
        for key in keys:
            if key == current:
                self.refresh_page(key)
            else:
                self._stale.add(key)

    def refresh_current(self) -> None:
        self.refresh_page(self.current_page())

    def refresh_page(self, key: str) -> None:
        if not self._profiles_known and key in PROFILE_PAGES:
            self._stale.add(key)  # loaded for the chosen profile once the profiles arrive
            return
        if key == "home":
            self.home.refresh(self.profile)
        elif key == "library":
            self.library.refresh(self.profile)
        elif key == "duplicates":
            self.duplicates.refresh()
        elif key == "scan":
            self.scan.refresh()
        elif key == "privacy":
            self.privacy.refresh(self.profile)
        elif key == "search":
            self.search.run_now(self.search_box.text())
        elif key == "detail" and self.detail.video is not None:
            self.detail.show_video(self.detail.video, self.profile)

    def open_video(self, video: Card) -> None:
        self.detail.show_video(video, self.profile)
        self.show_page("detail")
        self.detail.setFocus()

    def filter_library(self, kind: str, entity_id: int | None, name: str) -> None:
        self._stale.discard("library")
        self.library.profile = self.profile
        if not self.library.facets:
            self.library.load_facets()
        self.library.filter_by(kind, entity_id, name)
        self.show_page("library")

    # -- search ----------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _search_now(self) -> None:
        self.search.run_now(self.search_box.text())

    def search_for(self, text: str) -> None:
        """Search now (no debounce), as if typed and Enter pressed."""
        self.search_box.setText(text)
        if text.strip():
            if self.current_page() != "search":
                self.show_page("search")
            self.search.run_now(text)

    def _search_edited(self, text: str) -> None:
        if text.strip():
            if self.current_page() != "search":
                self.show_page("search")
            self.search.set_query(text)
        elif self.current_page() == "search":
            self.search.set_query("")
            self.go_back()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                self.search_box.clear()
                self._search_edited("")
                page = self.stack.currentWidget()
                if page is not None:
                    page.setFocus()
                return True
            if key == Qt.Key.Key_Down and self.current_page() == "search" and self.search.model.rowCount():
                self.search.grid.setFocus()
                self.search.grid.setCurrentIndex(self.search.model.index(0))
                return True
        return super().eventFilter(watched, event)

    # -- profiles --------------------------------------------------------------------
    def load_profiles(self) -> None:
        self.runner.submit(lambda s: s.profiles(), self._profiles_loaded, owner=self)

    def _profiles_loaded(self, profiles: list[ProfileJson]) -> None:
        """Pick the profile in use: the remembered one if it still exists, else
        the first; None while there is none (answers are then for someone with
        no history yet, and the first recorded event makes the default profile)."""
        before, first = self.profile, not self._profiles_known
        self.profile = choose_profile(profiles, self.profile)
        self._profiles_known = True
        self.search.profile = self.profile
        self.topbar.set_profiles(profiles, self.profile)
        if first:
            current = self.current_page()
            if current in self._stale:
                self._stale.discard(current)
                self.refresh_page(current)
            if self._home_loaded and self.home.profile != self.profile:
                self.mark_stale("home")  # the list changed between the two reads: load the right one
        elif self.profile != before:
            self.mark_stale("home", "library", "privacy")

    def _home_shelves_loaded(self, _count: int) -> None:
        self._home_loaded = True
        if self._profiles_known and self.home.profile != self.profile:
            self.mark_stale("home")  # loaded for a profile no longer in use: load the one that is

    def _profile_chosen(self, index: int) -> None:
        self.set_profile(str(self.profile_box.itemData(index)))

    def set_profile(self, name: str) -> None:
        if name == self.profile:
            return
        self.profile = name
        self.search.profile = name
        self.settings.profile = name
        index = self.profile_box.findData(name)
        if index >= 0 and index != self.profile_box.currentIndex():
            self.profile_box.setCurrentIndex(index)
        self.notices.info(f"Now recommending for “{name}”.", key="profile", timeout_ms=4000)
        self.mark_stale("home", "library", "privacy")

    # -- actions -----------------------------------------------------------------------
    def perform(self, action: str, video: Card) -> None:
        if action == "play":
            self.play(video)
            return
        if action == "play_moment":
            moments = video.get("moments") or []
            self.play(video, moments[0]["time"] if moments else None)
            return
        if action == "similar":
            self.open_video(video)
            return
        record, text = ACTION_METHODS[action]
        video_id, profile = int(video["id"]), self.profile

        def done(event: object) -> None:
            if event is None:
                self.notices.info("Private session: nothing was recorded.", key="private-action")
                return
            self.notices.success(text.format(title=display_title(video)), key=f"action-{video_id}")
            if self.current_page() == "detail" and self.detail.video and self.detail.video.get("id") == video_id:
                self.detail.mark_done(action)
            if action in ("hide", "dislike"):
                for shelf in self.home.shelves.values():
                    shelf.model.remove_ids({video_id})
                self.search.model.remove_ids({video_id})
            self.action_recorded.emit(action, video_id)
            self.mark_stale("home", "privacy")  # privacy lists the history, which just grew
            self._after_first_event()

        self.runner.submit(lambda s: record(s, video_id, profile), done, owner=self)

    # -- playing ---------------------------------------------------------------------
    def in_app_player(self) -> bool:
        """Play inside pyrec unless the user chose the system's player or Qt Multimedia cannot play here."""
        if self.settings.external_player:
            return False
        problem = multimedia_problem()
        if problem is not None:
            self.notices.info(f"{problem}; playing in your video player instead.", key="player", timeout_ms=8000)
        return problem is None

    def play(self, video: Card, start: float | None = None) -> None:
        """Play from ``start`` seconds (a moment), else where this profile stopped."""
        if not self.in_app_player():
            self.playback.play(video, self.profile)
            return
        player = self._player()
        player.play(video, self.profile, start if start is not None else resume_position(video))  # None: stored
        self.show_page("player")
        player.setFocus()

    def _player(self) -> PlayerView:
        if self.player is None:
            self.player = PlayerView(self.runner)
            self.player.recorded.connect(self._play_recorded)
            self.player.next_requested.connect(self.play)
            self.player.failed.connect(self.notices.error)
            self.player.cannot_play.connect(self._cannot_play)
            self.pages["player"] = self.player
            self.stack.addWidget(self.player)
        return self.player

    def _cannot_play(self, video: Card, why: str) -> None:
        """The in-app player could not open it: say so (path and reason) and offer the system's player."""
        if self.current_page() == "player":
            self.go_back()
        profile = self.profile

        def elsewhere() -> None:
            self.playback.play(video, profile)

        self.notices.show_notice(NoticeSpec(f"{video.get('path', '')}: {why}", "error",
                                            [NoticeAction("Open in your video player", elsewhere, primary=True)],
                                            key="player"))

    def _surprise(self, video: Card | None) -> None:
        if video is None:
            self.notices.info("Nothing left to suggest: everything recommended is watched.", key="surprise")
            return
        why = (video.get("reasons") or [""])[0]
        self.notices.info(f"Tonight: “{display_title(video)}”" + (f" ({why})" if why else ""), key="surprise",
                          timeout_ms=6000)
        self.open_video(video)

    def _deep_finished(self, summary: object) -> None:
        """New lines said or shown: searches and pages that list moments load again."""
        self.mark_stale("home", "library", "search")  # detail loads afresh on every open

    def _play_recorded(self, video_id: int, kind: str) -> None:
        if kind:
            self.action_recorded.emit(kind, video_id)
            self.mark_stale("home", "privacy")
            self._after_first_event()

    def _after_first_event(self) -> None:
        """Without a profile, the first event made the default profile: show it."""
        if self.profile is None:
            self.load_profiles()

    # -- scanning ----------------------------------------------------------------------
    def choose_and_scan(self) -> None:
        path = self.choose_folder(self)
        if path:
            self.show_page("scan")
            self.scan.add_folder(path)

    def _scan_started(self) -> None:
        self.scan_label.setText("Scanning…")
        self.scan_bar.setRange(0, 0)
        self.scan_bar.show()

    def _scan_progress(self, p: ScanProgress) -> None:
        if p.phase == "indexing" and p.total:
            self.scan_bar.setRange(0, p.total)
            self.scan_bar.setValue(p.done)
            self.scan_label.setText(f"Scanning {p.done:,}/{p.total:,}")

    def _scan_finished(self, summary: ScanSummary) -> None:
        self.scan_bar.hide()
        self.scan_label.setText("")
        changed = summary.added + summary.updated + summary.moved + summary.missing
        if summary.errors:
            self.notices.show_notice(self._scan_notice(summary))
        elif changed or summary.cancelled:
            self.notices.success(summary_text(summary), key="scan")
        if changed:
            self.thumbnails.forget_failures()
            self.mark_stale("home", "library", "duplicates")
            self.runner.submit(lambda s: s.count_videos(), self._count, owner=self)
        self.scan.refresh()

    def _scan_notice(self, summary: ScanSummary) -> NoticeSpec:
        n = len(summary.errors)
        return NoticeSpec(f"{summary_text(summary)} {n} file{'s' if n != 1 else ''} could not be read.", "warning",
                          [NoticeAction("Show", lambda: self.show_page("scan"))], key="scan")

    def _update_watcher(self, folders: list[str]) -> None:
        if not self.settings.watch_folders or not folders:
            self.watcher.stop()
            return
        skip = [os.path.dirname(os.path.abspath(self.service.db_path)), os.path.abspath(self.service.cache_dir)]
        self.runner.submit(lambda _s: folders_to_watch(folders, skip=skip),
                           lambda dirs: self.watcher.set_folders(folders, dirs), owner=self)

    def _folders_changed(self, roots: list[str]) -> None:
        if self.settings.watch_folders:
            self.scans.start(roots)

    def _trashed(self, paths: list[str]) -> None:
        roots = sorted({r for r in self.scan.folders for p in paths if p.startswith(r.rstrip(os.sep) + os.sep)})
        self.scans.start(roots or None)

    # -- window events -------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(300, self.playback.returned)  # let the window settle first
        elif event.type() == QEvent.Type.PaletteChange:
            self._retint()
        super().changeEvent(event)

    def _retint(self) -> None:
        """Light/dark switched: icons are drawn in the text colour, so redraw them."""
        icons.refresh(self)
        self.sidebar.retint()
        self.topbar.retint()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop background work cleanly; idempotent."""
        if self._closing:
            return
        self._closing = True
        self.playback.flush()
        if self.player is not None:
            self.player.stop()
        self.watcher.stop()
        self.scans.shutdown()
        self.deep.shutdown()
        self.preview.hide()
        self.runner.shutdown()
        self.thumbnails.shutdown()
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()

