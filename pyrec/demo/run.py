"""``pyrec demo``: build the sample library, scan it, show what was understood,
simulate a short viewing history and show the shelves it leads to."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pyrec import paths
from pyrec.demo.sample_library import build_sample_library
from pyrec.service import PyrecService

DEMO_PROFILE = "demo"
HOUSEHOLD_PROFILE = "partner"
DAY = 86400.0

# (title, what happened): a few evenings of viewing, enough for every shelf.
HISTORY: tuple[tuple[str, str], ...] = (
    ("Tidewater", "finished"),
    ("Tidewater", "like"),
    ("The Well", "finished"),        # episode 1 of Desert Tales -> next episode
    ("Canopy", "finished"),
    ("Neon Alley", "half"),          # -> continue watching
    ("Bouncy Shapes", "dislike"),    # -> never recommended
)

# Another profile of the household watched earlier: what it went on to watch
# after Tidewater and Canopy feeds "often watched after …" and "popular with
# your other profile" for the demo profile.
HOUSEHOLD_HISTORY: tuple[tuple[str, str], ...] = (
    ("Tidewater", "finished"),
    ("Salt Lines", "finished"),
    ("Salt Lines", "like"),
    ("The Long Swell", "finished"),
    ("Canopy", "finished"),
    ("Green Hollow", "finished"),
)


def _understood(service: PyrecService) -> list[dict[str, Any]]:
    rows = []
    for v in service.videos(limit=1000, order="title"):
        detail = service.video(v["id"])
        rows.append({
            "id": v["id"],
            "title": v.get("title") or Path(v["path"]).stem,
            "year": v.get("year"),
            "genres": [e["name"] for e in detail["entities"] if e["kind"] == "genre"],
            "people": [e["name"] for e in detail["entities"] if e["kind"] == "person"],
            "series": [e["name"] for e in detail["entities"] if e["kind"] == "series"],
            "labels": [label["name"] for label in detail["labels"][:3]],
            "keyframes": len(detail["keyframes"]),
        })
    return rows


def simulate_history(service: PyrecService, profile: str = DEMO_PROFILE) -> int:
    """Record the demo's viewing history (the household's first) once;
    returns how many events were added."""
    existing = {p["name"] for p in service.profiles()}
    if profile in existing and service.history(profile, limit=1):
        return 0
    if HOUSEHOLD_PROFILE not in existing or not service.history(HOUSEHOLD_PROFILE, limit=1):
        service.create_profile(HOUSEHOLD_PROFILE)
        _replay(service, HOUSEHOLD_PROFILE, HOUSEHOLD_HISTORY)
    service.create_profile(profile)  # profiles are made on purpose; the demo's are made here
    return _replay(service, profile, HISTORY)


def _replay(service: PyrecService, profile: str, history: tuple[tuple[str, str], ...]) -> int:
    by_title = {v["title"]: v for v in service.videos(limit=1000)}
    count = 0
    for title, what in history:
        video = by_title.get(title)
        if video is None:
            continue
        duration = float(video.get("duration") or 0.0)
        if what == "finished":
            service.record_play(video["id"], profile, position=duration, watched_seconds=duration)
        elif what == "half":
            service.record_play(video["id"], profile, position=duration * 0.45, watched_seconds=duration * 0.45)
        else:
            getattr(service, what)(video["id"], profile)
        count += 1
    return count


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def run_demo(*, db: str | None, folder: str | None, as_json: bool, console: Console) -> int:
    base = paths.cache_dir() / "demo"
    library_dir = Path(folder) if folder else base / "library"
    db_path = db or str(base / "demo.sqlite")
    if not as_json:
        console.print(f"Building the sample library in {library_dir} …")
    build_sample_library(library_dir)
    with PyrecService(db_path) as service:
        summary = service.scan([library_dir])
        rows = _understood(service)
        simulated = simulate_history(service)
        started = time.perf_counter()
        shelves = service.shelves(DEMO_PROFILE, limit=5)
        shelf_seconds = time.perf_counter() - started
        dupes = service.dupes()
    if as_json:
        sys.stdout.write(json.dumps({"library": str(library_dir), "db": db_path, "scan": summary.to_json(),
                                     "videos": rows, "profile": DEMO_PROFILE, "shelves": shelves,
                                     "duplicates": dupes}, indent=2, default=str) + "\n")
        return 0
    console.print(f"Scanned in {summary.seconds:.1f} s: {summary.added} added, {summary.unchanged} unchanged, "
                  f"{summary.failed} failed  (library: {db_path})")
    table = _table("What pyrec understood", ("title", "genres", "people", "seen in the frames"))
    for r in rows:
        name = r["title"] + (f" ({r['year']})" if r["year"] else "") + (f" · {r['series'][0]}" if r["series"] else "")
        table.add_row(name, ", ".join(r["genres"][:2]), ", ".join(r["people"][:2]), ", ".join(r["labels"][:2]))
    console.print(table)
    what = "simulated" if simulated else "kept from an earlier run"
    console.print(f"\nViewing history of profile '{DEMO_PROFILE}' ({what}): finished Tidewater and liked it, "
                  "watched The Well (Desert Tales S01E01) and Canopy, stopped Neon Alley halfway, disliked "
                  f"Bouncy Shapes. Profile '{HOUSEHOLD_PROFILE}' of the same household watched Tidewater, "
                  "then Salt Lines and The Long Swell, then Canopy and Green Hollow.\n")
    for shelf in shelves:
        table = _table(shelf["title"], ("title", "why"))
        for item in shelf["items"]:
            table.add_row(item["title"] or Path(item["path"]).name, "; ".join(item["reasons"][:2]))
        console.print(table)
    console.print(f"(shelves computed in {shelf_seconds * 1000:.0f} ms)")
    for group in dupes:
        keep = next(i for i in group["items"] if i["id"] == group["keep"])
        others = [Path(i["path"]).name for i in group["items"] if i["id"] != group["keep"]]
        console.print(f"Duplicates: {Path(keep['path']).name} ({keep['width']}x{keep['height']}) "
                      f"also stored as {', '.join(others)}; keep the first.")
    console.print("\nNext: pyrec scan ~/Videos · pyrec recommend · pyrec similar ID · pyrec search \"words\" · pyrec gui")
    return 0
