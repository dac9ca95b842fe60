"""``pyrec …``: the command line. Human output is a readable table; ``--json``
prints stable, documented fields. Errors are one line each on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pyrec import __version__
from pyrec.errors import PyrecError
from pyrec.scan.scanner import ScanProgress, ScanSummary
from pyrec.service import PyrecService

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

Handler = Callable[[argparse.Namespace], int]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _error_line(text: str) -> None:
    # Paths may hold anything (newlines, invalid UTF-8): keep each error on one line.
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")
    err.print(f"[red]error:[/red] {safe}", markup=True, highlight=False)


# -- scan --------------------------------------------------------------------
def _scan_with_progress(service: PyrecService, args: argparse.Namespace) -> ScanSummary:
    cancel = threading.Event()
    show_bar = err.is_terminal and not args.json
    if not show_bar:
        try:
            return service.scan(args.dirs, exclude=args.exclude, jobs=args.jobs, cancel=cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:.1f} files/s"), TimeRemainingColumn(), TextColumn("{task.fields[current]}"))
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("scanning", total=None, rate=0.0, current="")

        def on_progress(p: ScanProgress) -> None:
            name = Path(p.path).name if p.path else ""
            bar.update(task, total=p.total or None, completed=p.done, rate=p.files_per_second,
                       current=name[:40], description=p.phase)

        try:
            return service.scan(args.dirs, exclude=args.exclude, jobs=args.jobs, progress=on_progress, cancel=cancel)
        except KeyboardInterrupt:
            cancel.set()
            raise


def cmd_scan(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        summary = _scan_with_progress(service, args)
    for line in summary.errors:
        _error_line(line)
    if args.json:
        data = summary.to_json()
        _emit_json({k: data[k] for k in ("added", "updated", "moved", "unchanged", "missing", "failed", "seconds")}
                   | {"cancelled": summary.cancelled, "errors": summary.errors, "warnings": summary.warnings})
    else:
        out.print(
            f"Scanned in {summary.seconds:.1f} s: {summary.added} added, {summary.updated} updated, "
            f"{summary.moved} moved, {summary.unchanged} unchanged, {summary.missing} missing, {summary.failed} failed"
        )
        for line in summary.warnings:
            err.print(f"[yellow]warning:[/yellow] {line}", markup=True, highlight=False)
    return 1 if summary.nothing_readable() else 0


# -- doctor ------------------------------------------------------------------
def cmd_doctor(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        report = service.doctor()
    if args.json:
        _emit_json(report)
        return 0
    table = Table(title="pyrec doctor", show_header=False)
    for key in ("pyrec", "python", "platform", "numpy", "onnxruntime", "opencv", "sqlite"):
        table.add_row(key, str(report[key]))
    table.add_row("simd", f"{report['simd']['active']} (available: {', '.join(report['simd']['available'])})")
    for model in report["models"]:
        table.add_row(f"model {model['id']}", f"{model['status']}  {model.get('file', '')}")
    for key, value in report["paths"].items():
        table.add_row(f"{key} path", value)
    lib = report["library"]
    table.add_row("library", "not created yet" if lib is None else ", ".join(f"{k}: {v}" for k, v in lib.items()))
    out.print(table)
    return 0


# -- show / list ---------------------------------------------------------------
def _entities_by(video: dict[str, Any], kind: str, role: str | None = None) -> list[str]:
    return [e["name"] for e in video["entities"] if e["kind"] == kind and (role is None or e["role"] == role)]


def cmd_show(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        video = service.video(args.video)
    if args.json:
        _emit_json(video)
        return 0
    table = Table(title=video.get("title") or video["path"], show_header=False)
    for key in ("id", "path", "year", "duration", "width", "height", "codec", "status"):
        table.add_row(key, str(video.get(key)))
    table.add_row("plot", video.get("plot") or "")
    table.add_row("genres", ", ".join(_entities_by(video, "genre")))
    table.add_row("people", ", ".join(f"{e['name']} ({e['role']})" for e in video["entities"] if e["kind"] == "person"))
    table.add_row("labels", ", ".join(f"{l['name']} {l['score']:.2f}" for l in video["labels"][:6]))
    table.add_row("keyframes", str(len(video["keyframes"])))
    out.print(table)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        videos = service.videos(status=None if args.all else "ok", limit=args.limit)
    if args.json:
        _emit_json(videos)
        return 0
    table = Table()
    for col in ("id", "title", "year", "duration", "status", "path"):
        table.add_column(col)
    for v in videos:
        table.add_row(str(v["id"]), v.get("title") or "", str(v.get("year") or ""),
                      f"{(v.get('duration') or 0):.0f}s", v["status"], v["path"])
    out.print(table)
    return 0


# -- demo --------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    from pyrec.demo.run import run_demo

    return run_demo(db=args.db, folder=args.dir, as_json=args.json, console=out)


# -- parser ------------------------------------------------------------------
def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # Accepted before or after the command; SUPPRESS keeps a sub-level default
    # from overwriting a value given at the top level.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default, help="library file (default: $PYREC_DB or the XDG data dir)")
    parser.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS, help="machine-readable output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyrec", description="Private, offline recommendations for your own video library.")
    parser.add_argument("--version", action="version", version=f"pyrec {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, top=False)
        p.set_defaults(handler=handler)
        return p

    p = add("scan", cmd_scan, "index video folders into the library")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB (repeatable)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPU count)")

    add("doctor", cmd_doctor, "versions, SIMD level, models and library stats")

    p = add("show", cmd_show, "what pyrec understood about one video")
    p.add_argument("video", metavar="ID|PATH")

    p = add("list", cmd_list, "list videos in the library")
    p.add_argument("--all", action="store_true", help="include failed and missing files")
    p.add_argument("--limit", type=int, default=100)

    p = add("demo", cmd_demo, "build a small sample library, scan it and show what was understood")
    p.add_argument("--dir", default=None, help="where to build the sample library (default: the cache dir)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except PyrecError as exc:
        _error_line(exc.one_line())
        return 1
    except KeyboardInterrupt:
        err.print("interrupted: what was already indexed is kept")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
