"""History import: speed, and what imported history is worth.

Speed: a Plex database with ROWS viewings (each with its own time) over
ITEMS films is read, matched by path (through a --map remapping) and stored
in one transaction, against the obvious alternative: the same events
stored row by row with `Library.add_interaction` (one transaction each,
no idempotency). Also: importing the same file again (adds nothing).

Quality (--quality): on MovieLens (ml-latest-small), per-user temporal
hold-out (each user's last 20% of ratings; relevant = rated >= 4). The test
users' earlier events stand for the history another media centre knew:

- cold start: those users have no history in pyrec (what a new user gets);
- imported plays: their earlier events as Kodi/Plex/Jellyfin give them
  ("watched" at the real time, no rating);
- imported plays + ratings: as Trakt or Jellyfin give them (ratings on 0–10).

    python benchmarks/bench_import.py [--rows 50000] [--items 5000] [--quality [--data DIR]]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.history.builders (the real Plex schema)


# -- speed --------------------------------------------------------------------------------
class Timer:
    def __enter__(self) -> Timer:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall0, time.process_time() - self.cpu0


def build_plex(path: Path, items: int, rows: int, seed: int = 0) -> None:
    from tests.history.builders import PLEX_SCHEMA

    rng = np.random.default_rng(seed)
    conn = sqlite3.connect(path)
    conn.executescript(PLEX_SCHEMA)
    conn.execute("INSERT INTO accounts (id, name) VALUES (1, 'owner')")
    guids = [f"plex://movie/{i:08x}" for i in range(items)]
    conn.executemany('INSERT INTO metadata_items (id, metadata_type, guid, title, year, duration) '
                     "VALUES (?, 1, ?, ?, ?, 5400000)",
                     [(i + 1, g, f"Film {i}", 1950 + i % 70) for i, g in enumerate(guids)])
    conn.executemany("INSERT INTO media_items (id, metadata_item_id) VALUES (?, ?)", [(i + 1, i + 1) for i in range(items)])
    conn.executemany("INSERT INTO media_parts (media_item_id, file, size) VALUES (?, ?, 1000)",
                     [(i + 1, f"/srv/plex/films/film{i:06d}.mkv") for i in range(items)])
    conn.executemany("INSERT INTO metadata_item_settings (account_id, guid, view_count, last_viewed_at, rating) "
                     "VALUES (1, ?, 1, 1700000000, ?)", [(g, float(rng.integers(1, 11))) for g in guids])
    times = np.sort(rng.uniform(1.3e9, 1.7e9, rows)).astype(np.int64)
    which = rng.integers(0, items, rows)
    conn.executemany("INSERT INTO metadata_item_views (account_id, guid, metadata_type, viewed_at) VALUES (1, ?, 1, ?)",
                     [(guids[w], int(t)) for w, t in zip(which, times)])
    conn.commit()
    conn.close()


def build_library(path: Path, items: int) -> None:
    from pyrec.library import Library
    from pyrec.records import FileStat, MediaProbe, TextInfo, VideoRecord

    with Library.open(path) as lib:
        for i in range(items):
            lib.upsert_video(VideoRecord(
                file=FileStat(f"/media/films/film{i:06d}.mkv", 1000, 1, f"{i:032x}"),
                probe=MediaProbe(duration=5400.0, fps=24.0, width=1920, height=1080, codec="avc1"),
                text=TextInfo(title=f"Film {i}", year=1950 + i % 70, media_type="movie"),
                keyframes=[], embeddings=[], labels=[], entities=[], stats={}))


def speed(rows: int, items: int) -> None:
    import shutil

    from pyrec.history import read_source
    from pyrec.library import Library
    from pyrec.service import PyrecService

    with tempfile.TemporaryDirectory(prefix="pyrec-bench-import-") as tmp:
        d = Path(tmp)
        t0 = time.perf_counter()
        build_plex(d / "plex.db", items, rows)
        build_library(d / "base.db", items)
        print(f"set-up: Plex database with {rows} viewings of {items} films, library of {items} videos "
              f"({time.perf_counter() - t0:.1f} s, not timed below)\n")
        maps = ["/srv/plex/films=/media/films"]

        shutil.copy(d / "base.db", d / "lib.db")
        with PyrecService(d / "lib.db", cache_dir=d / "cache") as service:
            with Timer() as t_read:
                read = read_source("plex", d / "plex.db")
            with Timer() as t_import:
                report = service.import_history("plex", d / "plex.db", maps=maps)
            with Timer() as t_again:
                again = service.import_history("plex", d / "plex.db", maps=maps)
        n_events = len(read.events)
        assert report["added"] == n_events and again["added"] == 0, (report["added"], again["added"])

        # The obvious alternative: the same matched events, one add_interaction (one transaction) each.
        shutil.copy(d / "base.db", d / "naive.db")
        with PyrecService(d / "naive.db", cache_dir=d / "cache") as service:
            plan = service._importing.plan("plex", d / "plex.db", maps=maps)
        with Library.open(d / "naive.db") as lib:
            p = lib.ensure_profile("default")
            with Timer() as t_naive:
                for e in plan.events:
                    lib.add_interaction(p.id, e.video_id, e.kind, value=e.value, position=e.position,
                                        duration=e.duration, at=e.at)

        # CPU seconds beside wall seconds: on a shared machine the wall clock includes waiting for a core.
        print(f"{'step':<46} | {'wall s':>7} | {'cpu s':>6} | {'events/s':>9} | {'wall vs import':>14}")
        print("-" * 96)
        for name, t in (("read the Plex database (part of import)", t_read),
                        ("pyrec import (read + match + one transaction)", t_import),
                        ("pyrec import again (idempotent: adds 0)", t_again),
                        ("naive: add_interaction row by row (store only)", t_naive)):
            print(f"{name:<46} | {t.wall:7.2f} | {t.cpu:6.2f} | {n_events / t.wall:9.0f} | "
                  f"{t.wall / t_import.wall:13.2f}x")
        print(f"\n{n_events} events ({rows} viewings + ratings), {report['summary']['matched']} items matched by path")


# -- quality ------------------------------------------------------------------------------
def quality(data: Path, k: int = 10, seed: int = 0) -> None:
    from pyrec.recommend.catalog import KIND, History
    from pyrec.recommend.evaluate import Split, holdout_per_user, rating_positive, run_evaluation
    from pyrec.recommend.movielens import load_movielens

    catalog, history = load_movielens(data)
    split = holdout_per_user(history, rating_positive(4.0), mode="temporal", seed=seed)
    test_users = np.array(sorted(split.test), dtype=np.int64)
    # Half the test users stand for newcomers whose history is imported (or not);
    # everyone else's history stays, as a household's other profiles would.
    rng = np.random.default_rng(seed)
    newcomers = np.sort(rng.choice(test_users, test_users.size // 2, replace=False))
    theirs = np.isin(split.train.profile, newcomers)
    test = {int(u): split.test[int(u)] for u in newcomers}
    others = split.train.select(~theirs)
    imported = split.train.select(theirs)
    plays_only = History(imported.profile, imported.video, np.full(len(imported), KIND["watched"], np.int8),
                         np.full(len(imported), np.nan, np.float32), imported.fraction, imported.position,
                         imported.timestamp)
    with_ratings = History(imported.profile, imported.video, imported.kind, imported.value * 2.0,  # Trakt: 1–10
                           imported.fraction, imported.position, imported.timestamp)
    print(f"MovieLens {data.name}: {newcomers.size} newcomers (of {test_users.size} test users), "
          f"{len(imported)} of their earlier events to import; k={k}\n")
    variants: list[tuple[str, History]] = [
        ("cold start (nothing imported)", others),
        ("imported plays (Kodi/Plex/Jellyfin)", others.concat(plays_only)),
        ("imported plays + ratings (Trakt)", others.concat(with_ratings)),
    ]
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for name, train in variants:
        order = np.argsort(train.timestamp, kind="stable")
        train = train.select(order)
        rows, _ = run_evaluation(catalog, train, Split(train, test), k=k, label=name)
        results[name] = {r["model"]: r for r in rows}
    # The blend first, then every scorer; "-": it has nothing to say for these users (no history of theirs).
    models = list(dict.fromkeys(["hybrid", *(m for n, _ in variants for m in results[n])]))
    metric_names = [f"ndcg@{k}", f"recall@{k}", f"hit@{k}"]
    print(f"{'model':<20} | {'metric':<10} | " + " | ".join(f"{n[:36]:>36}" for n, _ in variants))
    print("-" * (36 + 39 * len(variants)))
    for model in models:
        for m in metric_names:
            cold_row = results[variants[0][0]].get(model)
            cold = cold_row[m] if cold_row else 0.0
            cells = []
            for n, _ in variants:
                row = results[n].get(model)
                if row is None:
                    cells.append("-")
                    continue
                gain = f" ({row[m] / cold:4.1f}x)" if cold > 0 and n != variants[0][0] else ""
                cells.append(f"{row[m]:.4f}{gain}")
            print(f"{model:<20} | {m:<10} | " + " | ".join(f"{c:>36}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ml-latest-small")
    args = parser.parse_args()
    if args.quality:
        quality(args.data)
    else:
        speed(args.rows, args.items)


if __name__ == "__main__":
    main()
