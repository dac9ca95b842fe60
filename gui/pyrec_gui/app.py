"""``pyrec gui`` / ``pyrec-gui``: open the desktop app on a library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyrec import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from pyrec_gui.main_window import MainWindow

# Qt is imported inside the functions, after the start-up check: a missing
# system library must get pyrec's one-line answer, not an ImportError or
# Qt's abort.


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyrec gui", description="Open the pyrec desktop app.")
    parser.add_argument("--db", metavar="PATH", default=None,
                        help="library file (default: $PYREC_DB or the XDG data dir)")
    parser.add_argument("--cache", metavar="DIR", default=None, help="thumbnail cache (default: the XDG cache dir)")
    parser.add_argument("--rescan", action="store_true", help="rescan the library folders once the window is open")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default=None,
                        help="colour scheme (default: follow the system)")
    parser.add_argument("--quit-after", metavar="SECONDS", type=float, default=None,
                        help="close the app after SECONDS (scripted start-up checks)")
    parser.add_argument("--screenshot", metavar="PNG", default=None,
                        help="once the first shelves are shown, save the window as the screen shows it, then quit")
    parser.add_argument("--version", action="version", version=f"pyrec {__version__}")
    return parser


def make_app(argv: Sequence[str]) -> QApplication:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName("pyrec")
    app.setApplicationDisplayName("pyrec")
    app.setOrganizationName("pyrec")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("pyrec")  # matches packaging/pyrec.desktop (Wayland window icon)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    from pyrec import desktop_libs, netguard

    netguard.install()  # local-only: no network sockets from here on
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    libs = desktop_libs.check()
    if not libs.ok:  # Qt would abort inside QApplication() without naming them
        sys.stderr.write(f"error: {libs.one_line()}\n")
        return 1
    from PySide6.QtCore import QTimer

    from pyrec_gui import theme

    if args.theme and args.theme != "system":
        import os

        os.environ[theme.THEME_ENV] = args.theme
    app = make_app([])
    theme.apply(app)
    theme.follow_system(app)

    from pyrec.service import PyrecService
    from pyrec_gui.main_window import MainWindow
    from pyrec_gui.settings import Settings

    service = PyrecService(args.db, cache_dir=args.cache)
    settings = Settings()
    window = MainWindow(service, settings=settings)
    window.show()
    window.start()
    if sys.platform.startswith("linux"):
        window.offer_desktop_entry()
    if args.rescan and not settings.rescan_on_start:
        window.runner.submit(lambda s: s.library_folders(),
                             lambda folders: window.scans.start(None) if folders else None, owner=window)
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    if args.screenshot:
        shoot_when_home_is_shown(app, window, args.screenshot)
    try:
        return int(app.exec())
    finally:
        window.shutdown()
        service.close()


def shoot_when_home_is_shown(app: QApplication, window: MainWindow, path: str) -> None:
    """Save what the screen shows of the window (from the display server, not
    Qt's own rendering: a real check of the platform plugin) after the first
    shelves appear and thumbnails had a moment to load, then quit."""
    from PySide6.QtCore import QTimer

    def shoot() -> None:
        screen = window.screen()
        image = screen.grabWindow(window.winId()) if screen is not None else window.grab()
        if not image.save(path):
            sys.stderr.write(f"error: {path}: the screenshot could not be written\n")
            app.exit(1)
            return
        app.quit()

    def shown(count: int) -> None:
        if count > 0:
            window.home.shelves_loaded.disconnect(shown)
            QTimer.singleShot(1500, shoot)

    window.home.shelves_loaded.connect(shown)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
