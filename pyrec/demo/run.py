"""``pyrec demo``: build the sample library, scan it, show what was understood."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pyrec import paths
from pyrec.demo.sample_library import build_sample_library
from pyrec.service import PyrecService


def _understood(service: PyrecService) -> list[dict[str, Any]]:
    rows = []
    for v in service.videos(limit=1000):
        detail = service.video(v["id"])
        people = [f"{e['name']} ({e['role']})" for e in detail["entities"] if e["kind"] == "person"]
        rows.append({
            "id": v["id"],
            "title": v.get("title") or Path(v["path"]).stem,
            "year": v.get("year"),
            "genres": [e["name"] for e in detail["entities"] if e["kind"] == "genre"],
            "people": people,
            "series": [e["name"] for e in detail["entities"] if e["kind"] == "series"],
            "labels": [l["name"] for l in detail["labels"][:3]],
            "keyframes": len(detail["keyframes"]),
        })
    return rows


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
    if as_json:
        sys.stdout.write(json.dumps({"library": str(library_dir), "db": db_path, "scan": summary.to_json(),
                                     "videos": rows}, indent=2) + "\n")
        return 0
    console.print(f"Scanned in {summary.seconds:.1f} s: {summary.added} added, {summary.unchanged} unchanged, "
                  f"{summary.failed} failed  (library: {db_path})")
    table = Table(title="What pyrec understood")
    for col in ("id", "title", "year", "genres", "people", "labels (visual)", "frames"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["title"] + (f"  [{r['series'][0]}]" if r["series"] else ""), str(r["year"] or ""),
                      ", ".join(r["genres"]), ", ".join(r["people"][:3]), ", ".join(r["labels"]), str(r["keyframes"]))
    console.print(table)
    return 0
