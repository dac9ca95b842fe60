"""Render the desktop app's main views to PNG files in docs/.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py            # → docs/gui-*.png
    python tools/screenshots.py --out /tmp/shots --workdir /tmp/demo
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python tools/screenshots.py --x11  # → docs/gui-*-x11.png, from the X server

On a real display (``--x11``) each picture is what the X server shows of the
window (as users see it, in-app video included); offscreen, what Qt paints.

Builds the demo library (generated clips, nothing downloaded; it includes a
second copy of one film for the duplicates page) plus "Storm Watch" (H.264 in
Matroska with chapters and an English subtitle track, made with the ffmpeg
tool: its moments are what the detail, search and player pictures show), scans it, adds a little
history (a finished film, a half-watched one, a like) so the home shelves have
something to say, then shows each page and saves what it paints. The scan page is captured while a
second folder is being indexed, so it shows real progress.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("home", "library", "detail", "search", "player", "duplicates", "privacy", "home-dark",
         "scan")  # scan last: it adds videos
MOMENTS_TITLE = "Storm Watch"  # the film whose chapters and lines the pictures show
LINES = """1
00:00:01,000 --> 00:00:03,000
The lighthouse keeper waits for the storm.

2
00:00:04,500 --> 00:00:06,500
Ships pass the lighthouse at night.

3
00:00:08,000 --> 00:00:09,500
The storm reaches the harbour.
"""
CHAPTERS = """;FFMETADATA1
title=Storm Watch
date=2019
[CHAPTER]
TIMEBASE=1/1000
START=0
END=4000
title=Calm
[CHAPTER]
TIMEBASE=1/1000
START=4000
END=10000
title=Storm
"""


def make_storm_watch(path: Path, seconds: int = 10) -> Path:
    """H.264 in Matroska with two chapters (Calm 0:00, Storm 0:04) and an
    English SubRip track whose lines become moments; kept if it exists."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    subs, meta = path.with_suffix(".lines.txt"), path.with_suffix(".meta.txt")
    subs.write_text(LINES)
    meta.write_text(CHAPTERS)
    try:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size=480x270:rate=24:duration={seconds}", "-f", "srt", "-i", str(subs),
                        "-i", str(meta), "-map", "0:v", "-map", "1:s", "-map_metadata", "2", "-map_chapters", "2",
                        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "24", "-c:s", "srt",
                        "-metadata:s:s:0", "language=eng", str(path)], check=True, timeout=120)
    finally:
        subs.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
    return path


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
    parser.add_argument("--x11", action="store_true",
                        help="take the pictures from the display server (run under X: QT_QPA_PLATFORM=xcb); "
                             "files are named gui-NAME-x11.png")
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
    make_storm_watch(folder / "Storm.Watch.2019.mkv")
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
    settings.external_player = False  # the in-app player
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
        path = args.out / f"gui-{name}{'-x11' if args.x11 else ''}.png"
        if args.x11:  # what the X server shows (the video is drawn there, not in Qt's own rendering)
            screen = window.screen()
            image = screen.grabWindow(window.winId()).toImage()
        else:
            image = snapshot(window)
        if not image.save(str(path)):
            raise SystemExit(f"error: {path}: the screenshot could not be written")
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

    def storm_watch() -> dict:
        with PyrecService(db, cache_dir=cache) as look:
            return next(v for v in look.videos(limit=None) if v["title"] == MOMENTS_TITLE)

    if "detail" in wanted:  # a film with chapters and lines: its moments, each a link that plays from there
        window.show_page("library")
        wait_for(lambda: window.library.model.rowCount() > 0)
        window.open_video(storm_watch())
        wait_for(lambda: bool(window.detail.moment_links()))
        wait_for(lambda: window.detail.similar_model.rowCount() > 0 or bool(window.detail.similar_status.text()), 5000)
        wait_for(lambda: window.detail.frame.sharp is not None, 10000)  # the frame decoded from the video
        clear_notices()
        save("detail")

    if "search" in wanted:  # words said in a film: the card says where ("said at 0:04")
        window.search_for("lighthouse")
        wait_for(lambda: window.search.query == "lighthouse"
                 and window.search.count.text() not in ("", "Searching…"))
        clear_notices()
        save("search")
        window.search_box.clear()

    if "player" in wanted:  # the in-app player, started from the chapter "Storm"
        window.play(storm_watch(), 4.0)
        player = window.player
        wait_for(lambda: player is not None and player.position_seconds() >= 5.0, 15000)
        if player is not None:
            player.toggle_pause()  # hold a frame for the picture
        clear_notices()
        save("player")
        window.go_back()

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
