"""Cold start of the desktop app to its first painted cards, on a 10k library.

    python benchmarks/bench_gui_startup.py                # 10k videos, 5 runs
    python benchmarks/bench_gui_startup.py --videos 100000 --runs 3 --keep /tmp/gui-bench

Seeds a synthetic library through pyrec.library (10k records with titles,
people, genres, labels, keyframes pointing at 64 real JPEG thumbnails, and a
little play history), then starts the app in a fresh Python process each run
(offscreen) and times, from before ``import PySide6`` to:

* ``shelf``: the first paint of a home shelf that shows cards (what a user
  sees first), and
* ``grid``: the first paint of the library grid with cards (``--page library``).

Each child prints its own timings; the parent reports the median. Target:
first shelf (or grid) painted in under 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()  # the child's clock starts before any heavy import


# -- seeding -----------------------------------------------------------------------
def seed(folder: Path, n: int) -> Path:
    import cv2
    import numpy as np

    from pyrec.library import Library
    from pyrec.records import (
        EntityRef,
        FileStat,
        Keyframe,
        Label,
        MediaProbe,
        TextInfo,
        VideoRecord,
    )

    db = folder / "library.sqlite"
    if db.exists():
        return db
    thumbs = folder / "thumbs"
    thumbs.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths: list[str] = []
    for i in range(64):  # real JPEGs, so the benchmark pays for decoding like the app does
        top, bottom = rng.integers(0, 255, 3), rng.integers(0, 255, 3)
        ramp = np.linspace(0, 1, 180)[:, None, None]
        image = (top * (1 - ramp) + bottom * ramp).astype(np.uint8).repeat(320, axis=1)
        cv2.circle(image, (int(rng.integers(40, 280)), int(rng.integers(30, 150))), 28, (240, 240, 240), -1)
        jpeg = thumbs / f"{i:02d}.jpg"
        cv2.imwrite(str(jpeg), image)
        paths.append(str(jpeg))
    genres = ["Drama", "Comedy", "Thriller", "Documentary", "Animation", "Adventure", "Crime", "Family"]
    people = [f"Person {i}" for i in range(400)]
    labels = ["ocean", "forest", "city", "snow", "desert", "car", "dog", "mountain", "beach", "night"]
    started = time.perf_counter()
    with Library.open(db) as lib:
        for i in range(n):
            path = f"/media/videos/{genres[i % 8]}/Title {i:06d} ({1980 + i % 40}).mkv"
            record = VideoRecord(
                file=FileStat(path, 700_000_000 + i, 1_600_000_000_000_000_000 + i, f"h{i:08x}"),
                probe=MediaProbe(duration=1200.0 + (i % 90) * 60, fps=24.0, width=1920, height=1080, codec="avc1"),
                text=TextInfo(title=f"Title {i:06d}", year=1980 + i % 40, plot=f"Synthetic plot number {i}.",
                              media_type="movie"),
                keyframes=[Keyframe(time=60.0 * k, phash=int(rng.integers(-2**62, 2**62)),
                                    thumbnail=paths[(i + k) % len(paths)]) for k in range(4)],
                labels=[Label(labels[i % 10], 0.8), Label(labels[(i * 7) % 10], 0.3)],
                entities=[EntityRef("genre", genres[i % 8]), EntityRef("genre", genres[(i * 3) % 8]),
                          EntityRef("person", people[i % 400], "actor"),
                          EntityRef("person", people[(i * 13) % 400], "director")],
            )
            lib.upsert_video(record)
        profile = lib.ensure_profile("default")
        for i in range(0, min(n, 400), 7):
            lib.add_interaction(profile.id, i + 1, "play", position=300.0, watched_seconds=300.0, duration=1800.0)
        for i in range(3, min(n, 400), 11):
            lib.add_interaction(profile.id, i + 1, "like")
    print(f"seeded {n:,} videos in {time.perf_counter() - started:.1f} s → {db}", file=sys.stderr)
    return db


# -- one cold start (child process) ---------------------------------------------------
def child(db: str, page: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pyrec_gui import theme
    from pyrec_gui.app import make_app
    from pyrec_gui.main_window import MainWindow
    from pyrec_gui.settings import Settings
    from PySide6.QtCore import QEvent, QObject, QTimer

    from pyrec.service import PyrecService

    imported = time.perf_counter() - T0
    app = make_app([])
    theme.apply(app)
    marks: dict[str, float] = {"imports": imported}

    class FirstPaint(QObject):
        """Notes the first paint of a card view that has rows."""

        def __init__(self, name: str, view: object) -> None:
            super().__init__()
            self.name, self.view = name, view

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            model = self.view.model()  # type: ignore[attr-defined]
            if event.type() != QEvent.Type.Paint or not model or model.rowCount() == 0:
                return False
            now = time.perf_counter() - T0
            marks.setdefault(self.name, now)  # cards laid out (thumbnails may still be loading)
            if len(window.thumbnails) >= min(4, model.rowCount()):
                marks.setdefault(f"{self.name}+thumbs", now)  # and the first pictures in them
                QTimer.singleShot(0, finish)
            return False

    wanted = ("grid" if page == "library" else "shelf") + "+thumbs"

    def finish() -> None:
        if wanted in marks:
            print(json.dumps(marks))
            app.quit()

    service = PyrecService(db, cache_dir=Path(db).parent / "cache")
    settings = Settings(Path(tempfile.mkdtemp()) / "gui.ini")
    settings.watch_folders = False
    window = MainWindow(service, settings=settings)
    window.home.shelves_loaded.connect(lambda _n: marks.setdefault("shelves data", time.perf_counter() - T0))
    filters: list[FirstPaint] = []
    if page == "library":
        spy = FirstPaint("grid", window.library.grid)
        window.library.grid.viewport().installEventFilter(spy)
        filters.append(spy)
    else:
        def watch_shelves(_count: int) -> None:
            for view in window.home.shelf_views():
                spy = FirstPaint("shelf", view)
                view.viewport().installEventFilter(spy)
                filters.append(spy)

        window.home.shelves_loaded.connect(watch_shelves)
        window.home.failed.connect(lambda msg: (print(msg, file=sys.stderr), app.quit()))
    window.resize(1280, 800)
    window.show()
    window.start()
    if page == "library":
        window.show_page("library")
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    window.shutdown()
    service.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep the seeded library in this folder")
    parser.add_argument("--child", nargs=2, metavar=("DB", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="pyrec-gui-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = seed(folder, args.videos)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    results: dict[str, list[float]] = {}
    for page, key in (("home", "shelf"), ("library", "grid")):
        extra = [f"{key}+thumbs"] + (["shelves data"] if page == "home" else [])
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--child", str(db), page], env=env,
                                 capture_output=True, text=True, timeout=120, check=False)
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), "")
            if not line:
                print(f"{page}: no {key} painted ({(out.stderr.strip().splitlines() or ['no output'])[-1]})")
                break
            marks: dict[str, float] = json.loads(line)
            if key not in marks:
                print(f"{page}: no {key} painted (timeout)")
                break
            results.setdefault(key, []).append(marks[key])
            for name in extra:
                if name in marks:
                    results.setdefault(name, []).append(marks[name])
            results.setdefault(f"imports ({page})", []).append(marks["imports"])
    print(f"cold start on {args.videos:,} videos, median of {args.runs} runs (offscreen):")
    for key, values in results.items():
        print(f"  {key:<18} {statistics.median(values) * 1000:7.0f} ms   (min {min(values) * 1000:.0f}, "
              f"max {max(values) * 1000:.0f})")
    first = results.get("shelf") or results.get("grid") or [float("inf")]
    verdict = "PASS" if statistics.median(first) < 1.5 else "SLOW"
    print(f"  first cards painted: {statistics.median(first):.2f} s (target < 1.5 s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
