"""Render the desktop app's main views offscreen to PNG files in docs/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py            # → docs/gui-*.png
    python tools/screenshots.py --out /tmp/shots --workdir /tmp/demo

Builds the demo library (generated clips, nothing downloaded; it includes a
second copy of one film for the duplicates page), scans it, adds a little
history (a finished film, a half-watched one, a like) so the home shelves have
something to say, then shows each page and saves what it paints. The scan page is captured while a
second folder is being indexed, so it shows real progress.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("home", "library", "detail", "search", "duplicates", "privacy", "home-dark", "scan")  # scan last: it adds videos


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_ms: int = 20000) -> bool:
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            return False
        spin(25)
        waited += 25
    return True


def snapshot(widget: object) -> QImage:
    """The widget as painted now, on a cleared canvas (grab() may start from
    recycled memory where a widget leaves pixels unpainted)."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    dpr = widget.devicePixelRatioF()
    image = QImage(widget.size() * dpr, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(widget.palette().color(widget.backgroundRole()))
    widget.render(image)
    return image


def seed_history(service: object) -> None:
    """A believable evening: one film finished, one half-watched, one liked."""
    videos = {v["title"]: v for v in service.videos(limit=None)}  # type: ignore[attr-defined]
    finished, halfway, liked = videos["Tidewater"], videos["Neon Alley"], videos["Canopy"]
    service.record_play(finished["id"], position=finished["duration"], watched_seconds=finished["duration"])  # type: ignore[attr-defined]
    service.mark_watched(finished["id"])  # type: ignore[attr-defined]
    service.record_play(halfway["id"], position=halfway["duration"] * 0.45,  # type: ignore[attr-defined]
                        watched_seconds=halfway["duration"] * 0.45)
    service.like(liked["id"])  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default: docs/)")
    parser.add_argument("--workdir", type=Path, default=None, help="demo library location (default: a temp dir)")
    parser.add_argument("--size", default="1280x800", help="window size, WxH")
    parser.add_argument("--only", nargs="*", choices=VIEWS, default=None)
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pyrec-shots-"))
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only or VIEWS)

    from pyrec_gui import theme
    from pyrec_gui.app import make_app
    from pyrec_gui.main_window import MainWindow
    from pyrec_gui.settings import Settings

    from pyrec.demo.clips import render_clip
    from pyrec.demo.sample_library import build_sample_library
    from pyrec.service import PyrecService

    folder = workdir / "Videos"
    print(f"building the demo library in {folder} …")
    build_sample_library(folder, seconds=4, size=(480, 270))
    db, cache = workdir / "library.sqlite", workdir / "cache"
    fresh = not db.exists()
    with PyrecService(db, cache_dir=cache) as service:
        summary = service.scan([folder])
        print(f"scanned: {summary.added} added, {summary.unchanged} unchanged, {summary.failed} failed")
        if fresh:
            seed_history(service)

    app = make_app([])
    theme.apply(app)
    service = PyrecService(db, cache_dir=cache)
    settings = Settings(workdir / "gui.ini")
    settings.watch_folders = False
    window = MainWindow(service, settings=settings, open_url=lambda _u: True,
                        choose_folder=lambda _p: None, choose_save=lambda _p, _s: None)
    window.resize(width, height)
    window.show()
    window.start()
    saved: list[Path] = []

    def save(name: str) -> None:
        spin(400)  # thumbnails decode off-thread; let them land
        wait_for(lambda: window.thumbnails.pool.activeThreadCount() == 0 and window.runner.pending == 0, 5000)
        spin(150)
        path = args.out / f"gui-{name}.png"
        snapshot(window).save(str(path))
        saved.append(path)
        print(f"wrote {path}")

    def clear_notices() -> None:
        for notice in list(window.notices.notices):
            notice.dismiss()
        spin(50)

    wait_for(lambda: bool(window.home.shelves) or window.home.stack.currentWidget() is window.home.empty)
    if "home" in wanted:
        clear_notices()
        in_order = sorted(window.home.shelves.values(), key=window.home.column.indexOf)
        shelf = next((sh for sh in in_order if sh.model.rowCount() > 2), None)
        if shelf is not None:  # show the hover strip on one card of the first full shelf in view
            window.preview.show_for(shelf.view, shelf.model.index(1))
            wait_for(lambda: window.preview.strip.isVisible(), 3000)
        save("home")
        window.preview.hide()

    if "library" in wanted:
        window.show_page("library")
        wait_for(lambda: window.library.model.rowCount() > 0)
        clear_notices()
        save("library")

    if "detail" in wanted:
        window.show_page("library")
        wait_for(lambda: window.library.model.rowCount() > 0)
        video = next((window.library.model.item(r) for r in range(window.library.model.rowCount())
                      if window.library.model.item(r)["title"] == "Neon Alley"), window.library.model.item(0))
        window.open_video(video)
        wait_for(lambda: bool(window.detail.links()))
        wait_for(lambda: window.detail.similar_model.rowCount() > 0 or bool(window.detail.similar_status.text()), 5000)
        wait_for(lambda: window.detail.frame.sharp is not None, 10000)  # the frame decoded from the video
        clear_notices()
        save("detail")

    if "search" in wanted:
        window.search_for("snow")
        wait_for(lambda: window.search.query == "snow" and window.search.count.text() not in ("", "Searching…"))
        clear_notices()
        save("search")
        window.search_box.clear()

    if "duplicates" in wanted:
        window.show_page("duplicates")
        wait_for(lambda: window.duplicates.count.text() != "Looking…")
        clear_notices()
        save("duplicates")

    if "privacy" in wanted:
        window.show_page("privacy")
        wait_for(lambda: window.privacy.history.topLevelItemCount() > 0)
        clear_notices()
        save("privacy")

    if "home-dark" in wanted:
        os.environ[theme.THEME_ENV] = "dark"
        theme.apply(app)
        window.show_page("home")
        window.refresh_page("home")
        wait_for(lambda: bool(window.home.shelves))
        clear_notices()
        save("home-dark")
        os.environ.pop(theme.THEME_ENV, None)
        theme.apply(app)

    if "scan" in wanted:
        extra = workdir / "Incoming"
        for i, style in enumerate(("ocean", "forest", "snow", "desert", "city-night", "cartoon")):
            path = extra / f"Holiday.{2016 + i}.Day.{i + 1}.mp4"
            if path.exists():
                path.unlink()
            render_clip(path, style, seconds=3, seed=300 + i)
        window.show_page("scan")
        window.scans.start([str(extra)])
        wait_for(lambda: window.scan.bar.maximum() > 1 and window.scan.bar.value() >= 2, 60000)
        clear_notices()
        save("scan")
        window.scans.cancel()
        wait_for(lambda: not window.scans.running, 30000)
        with PyrecService(db, cache_dir=cache) as cleanup:  # keep the demo library as it was
            cleanup.remove_library_folder(str(extra))
        shutil.rmtree(extra, ignore_errors=True)

    window.shutdown()
    service.close()
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":  # spawn-safe: scan workers re-import this module
    sys.exit(main())
