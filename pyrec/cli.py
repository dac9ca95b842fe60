"""``pyrec …``: the command line. Human output is a readable table; ``--json``
prints stable, documented fields. Errors are one line each on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pyrec import __version__, netguard
from pyrec.clock import format_clock, parse_clock
from pyrec.errors import PyrecError
from pyrec.service import PyrecService
from pyrec.service.importing import ImportReport, NfoExportReport
from pyrec.service.moods import MOODS
from pyrec.shapes import Card, Video, VideoDetail

if TYPE_CHECKING:
    from pyrec.scan.deep import DeepProgress
    from pyrec.scan.scanner import ScanProgress, ScanSummary

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
            return service.scan(args.dirs or None, exclude=args.exclude, jobs=args.jobs, cancel=cancel,
                                follow_outside=args.follow_outside)
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
            return service.scan(args.dirs or None, exclude=args.exclude, jobs=args.jobs, progress=on_progress,
                                cancel=cancel, follow_outside=args.follow_outside)
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
        if summary.indexed:
            out.print("Next, a deep pass can transcribe speech and read on-screen text (slow, resumable): pyrec deep")
        for line in summary.warnings:
            err.print(f"[yellow]warning:[/yellow] {line}", markup=True, highlight=False)
    return 1 if summary.nothing_readable() else 0


# -- deep pass -----------------------------------------------------------------
def cmd_deep(args: argparse.Namespace) -> int:
    if args.status:
        with PyrecService(args.db) as service:
            status = service.deep_status()
        if args.json:
            _emit_json(status)
            return 0
        for stage, info in status.items():
            why = f" ({info['unavailable']})" if info["unavailable"] else ""
            out.print(escape(f"{stage} v{info['version']}: {info['done']} done, {info['failed']} failed, "
                             f"{info['pending']} to read{why}"))
        return 0
    cancel = threading.Event()
    with PyrecService(args.db) as service:
        show_bar = err.is_terminal and not args.json
        try:
            if not show_bar:
                summary = service.deep_pass(budget_seconds=args.budget, stage=args.stage, cancel=cancel,
                                            limit=args.limit)
            else:
                columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           TextColumn("{task.fields[current]}"))
                with Progress(*columns, console=err, transient=True) as bar:
                    task = bar.add_task("deep pass", total=None, current="")

                    def on_progress(p: DeepProgress) -> None:
                        bar.update(task, total=p.total or None, completed=p.done, current=Path(p.path).name[:40],
                                   description=p.stage or "deep pass")

                    summary = service.deep_pass(budget_seconds=args.budget, stage=args.stage, cancel=cancel,
                                                limit=args.limit, progress=on_progress)
        except KeyboardInterrupt:
            cancel.set()
            raise
        except ValueError as exc:  # an unknown --stage
            _error_line(str(exc))
            return 2
    for line in summary.errors:
        _error_line(line)
    if args.json:
        _emit_json(summary.to_json())
        return 0
    for stage, reason in summary.unavailable.items():
        err.print(f"[yellow]{escape(stage)} skipped:[/yellow] {escape(reason)}", markup=True, highlight=False)
    out.print(f"Deep pass in {summary.seconds:.1f} s: {summary.done} read, {summary.moments} moments found, "
              f"{summary.failed} failed, {summary.pending} left" + (" (cancelled)" if summary.cancelled else ""))
    return 0


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
    table.add_row("network guard", escape(report["privacy"]["network_guard"]))
    table.add_row("onnxruntime telemetry", escape(report["privacy"]["onnxruntime_telemetry"]))
    table.add_row("desktop app", escape(report["desktop_app"]))  # "pyrec[gui]" is not markup
    table.add_row("speech", escape(report["speech"]))
    table.add_row("on-screen text", escape(report["screen_text"]))
    for model in report["models"]:
        table.add_row(f"model {model['id']}", f"{model['status']}  {model.get('file', '')}")
    for key, value in report["paths"].items():
        table.add_row(f"{key} path", str(value))
    lib = report["library"]
    table.add_row("library", "not created yet" if lib is None else ", ".join(f"{k}: {v}" for k, v in lib.items()))
    damaged = lib["videos_by_status"].get("damaged", 0) if lib else 0
    if damaged:
        table.add_row("damaged files", f"{damaged} play only in part (truncated); `pyrec list` marks them, "
                                       "`pyrec show ID` says how much plays")
    out.print(table)
    return 0


# -- show / list ---------------------------------------------------------------
def _entities_by(video: VideoDetail, kind: str, role: str | None = None) -> list[str]:
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
    playable, duration = video.get("playable"), video.get("duration")
    if video["status"] == "damaged" and playable is not None:
        table.add_row("damaged", f"only {format_clock(playable)} of {format_clock(duration or 0)} plays "
                                 "(truncated or cut off)")
    table.add_row("plot", video.get("plot") or "")
    table.add_row("genres", ", ".join(_entities_by(video, "genre")))
    table.add_row("people", ", ".join(f"{e['name']} ({e['role']})" for e in video["entities"] if e["kind"] == "person"))
    table.add_row("labels", ", ".join(f"{l['name']} {l['score']:.2f}" for l in video["labels"][:6]))
    table.add_row("keyframes", str(len(video["keyframes"])))
    table.add_row("sound", _sound_line(video))
    _media_rows(table, video)
    for run in video["deep"]:
        table.add_row(f"deep {run['stage']}", f"{run['status']}: {run['moments']} moments in {run['seconds']:.1f} s"
                      if run["status"] == "done" else f"failed: {run['error']}")
    out.print(table)
    return 0


def _sound_line(video: VideoDetail) -> str:
    sound = video["sound"]
    if sound is None:
        return "not heard (no audio track, or scanned before pyrec listened)"
    level = "silent" if sound["loudness_lufs"] is None else f"{sound['loudness_lufs']:.1f} LUFS"
    traits = f" ({', '.join(sound['traits'])})" if sound["traits"] else ""
    bed = f" ({sound['music_bed']:.0%} over music)" if sound["music_bed"] >= 0.005 else ""
    return (f"speech {sound['speech']:.0%}{bed}, music {sound['music']:.0%}, other {sound['noise']:.0%}, "
            f"silence {sound['silence']:.0%}; {level}{traits}")


def _media_rows(table: Table, video: VideoDetail) -> None:
    """What the container carries: format, tags, chapters, subtitle tracks, first moments."""
    media = video["media"]
    if media is not None:
        table.add_row("format", media["label"])
        table.add_row("tags", "; ".join(f"{k}: {v}" for k, v in media["tags"].items()))
    table.add_row("chapters", ", ".join(f"{format_clock(c['time'])} {c['text']}" for c in video["chapters"]))
    table.add_row("subtitles", ", ".join(f"{t['language'] or 'und'} {t['codec']}"
                                         + (f" ({t['cues']} lines)" if t["text_based"] else " (pictures)")
                                         for t in video["subtitle_tracks"]))
    lines = [f"{format_clock(m['time'])} {m['text']}" for m in video["moments"] if m["kind"] != "chapter"]
    table.add_row("moments", "\n".join(lines[:8]))


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


# -- behaviour -------------------------------------------------------------------
def _recorded(event: int | None, what: str, video: Video, args: argparse.Namespace) -> int:
    if args.json:
        _emit_json({"recorded": event is not None, "event_id": event, "kind": what, "video": video})
    elif event is None:
        out.print(f"not recorded (incognito): {what} {video.get('title') or video['path']}")
    else:
        out.print(f"{what}: {video.get('title') or video['path']}")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from pyrec.player import play

    with PyrecService(args.db) as service:
        video = service.video(args.video)
        result = play(video["path"], player=args.player, start=args.at)
        if args.at and not result.started_at:
            err.print(f"note: this player cannot be told where to start; play from {format_clock(args.at)} yourself "
                      "(mpv and VLC can: PYREC_PLAYER=mpv)")
        watched = result.seconds_open
        duration = video.get("duration")
        if watched is not None and duration:
            watched = min(watched, max(0.0, float(duration) - result.started_at))
        position = None if watched is None else result.started_at + watched
        event = service.record_play(video["id"], args.profile, position=position, watched_seconds=watched)
    return _recorded(event, "played", video, args)


def _clock_arg(text: str) -> float:
    try:
        return parse_clock(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _simple_event(kind: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        with PyrecService(args.db) as service:
            video = service.video(args.video)
            if kind == "rate":
                event = service.rate(video["id"], args.value, args.profile)
            else:
                event = getattr(service, kind)(video["id"], args.profile)
        return _recorded(event, kind.replace("_", " "), video, args)

    return handler


def cmd_history(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        events = service.history(args.profile, limit=args.limit)
    if args.json:
        _emit_json(events)
        return 0
    table = Table()
    for col in ("when", "event", "video", "watched"):
        table.add_column(col)
    for e in events:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e["at"]))
        watched = f"{e['watched_seconds']:.0f}s" if e["watched_seconds"] is not None else ""
        kind = f"rate {e['value']:g}" if e["kind"] == "rate" else e["kind"]
        table.add_row(when, kind, e["video"].get("title") or e["video"]["path"], watched)
    out.print(table)
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        if args.create:
            service.create_profile(args.create, incognito=args.incognito)
        profiles = service.profiles()
    if args.json:
        _emit_json(profiles)
    else:
        for p in profiles:
            out.print(f"{p['id']:>3}  {p['name']}" + ("  (incognito)" if p["incognito"] else ""))
    return 0


# -- privacy -------------------------------------------------------------------
def cmd_forget(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        if args.source:
            deleted = service.forget_source(args.source, args.profile)
        else:
            deleted = service.forget(args.profile)
    what = f"imported from {args.source} " if args.source else ""
    if args.json:
        _emit_json({"profile": args.profile or "default", "deleted": deleted}
                   | ({"source": args.source} if args.source else {}))
    else:
        out.print(f"forgot {deleted} events {what}of profile {args.profile or 'default'}")
    return 0


# -- imported history --------------------------------------------------------------
def _export_nfo(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        report = service.export_nfo(args.profile, dry_run=args.dry_run)
    (_emit_json if args.json else _print_nfo_report)(report)
    return 0


def _print_nfo_report(report: NfoExportReport) -> None:
    for f in report["files"]:
        mark = ("would write" if report["dry_run"] else "wrote") if f["changed"] else "left"
        out.print(f"{mark}: {escape(f['nfo'] or f['path'])}: {escape(f['reason'])}")
    verb = "would change" if report["dry_run"] else "changed"
    out.print(f"{verb} {report['written']} .nfo files; {report['unchanged']} left as they were")


def cmd_import(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        report = service.import_history(args.source, args.path, profile=args.profile, maps=args.map,
                                        account=args.account, dry_run=args.dry_run)
    if args.json:
        _emit_json(report)
    else:
        _print_import_report(report, show_all=args.all)
    return 0


def _print_import_report(report: ImportReport, *, show_all: bool) -> None:
    s = report["summary"]
    who = f" (account {report['account']})" if report["account"] else ""
    out.print(f"{report['source']}: {escape(report['path'])}{escape(who)} -> profile {escape(report['profile'])}")
    out.print(f"  {s['matched']} matched, {s['ambiguous']} ambiguous, {s['unmatched']} unmatched; "
              f"{s['events']} events of matched videos, {s['skipped']} skipped")
    lines = [i for i in report["items"] if show_all or i["status"] != "matched"]
    if lines:
        table = Table(title=None if show_all else "not imported (ambiguous or unmatched)", title_justify="left")
        for col in ("status", "item", "video", "how / why"):
            table.add_column(col, overflow="fold")
        for i in lines:
            table.add_row(i["status"], escape(i["label"]), "" if i["video_id"] is None else str(i["video_id"]),
                          escape(f"{i['method']}: {i['reason']}" if i["method"] else i["reason"]))
        out.print(table)
    for line in report["skipped"][:20]:
        out.print(f"  skipped: {escape(line)}")
    if len(report["skipped"]) > 20:
        out.print(f"  … and {len(report['skipped']) - 20} more skipped (see --json)")
    verb = "would add" if report["dry_run"] else "added"
    out.print(f"{verb} {report['added']} events" + ("" if report["dry_run"] else
              f", updated {report['updated']}, {report['unchanged']} already there")
              + (" (dry run: nothing stored)" if report["dry_run"] else ""))


def cmd_export(args: argparse.Namespace) -> int:
    if args.what == "nfo":
        return _export_nfo(args)
    with PyrecService(args.db) as service:
        data = service.export(args.profile)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if args.output and args.output != "-":
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: user-only
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        err.print(f"exported {len(data['events'])} events to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        dest = service.backup(args.dest)
    if args.json:
        _emit_json({"backup": dest})
    else:
        out.print(f"backed up the library to {dest}")
    return 0


def cmd_folders(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        for path in args.add or []:
            service.add_library_folder(path)
        for path in args.remove or []:
            service.remove_library_folder(path)
        folders = service.library_folders()
    if args.json:
        _emit_json(folders)
    else:
        for f in folders:
            out.print(f)
    return 0


# -- recommendations -------------------------------------------------------------
def _print_items(items: list[Card], title: str | None = None) -> None:
    table = Table(title=title, title_justify="left")
    for col in ("#", "id", "title", "score", "why"):
        table.add_column(col, overflow="fold")
    for rank, item in enumerate(items, 1):
        why = "; ".join(item["reasons"][:2])
        # A chapter's place already names it; a line is quoted after its time.
        places = [m["where"] if m["kind"] == "chapter" else f'{m["where"]}: "{m["text"]}"'
                  for m in item.get("moments", [])]
        table.add_row(str(rank), str(item["id"]), item.get("title") or Path(item["path"]).name,
                      f"{item['score']:.3f}", "\n".join(filter(None, [why, *places])))
    out.print(table)


def cmd_recommend(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        items = service.recommend(args.profile, n=args.n)
    if args.json:
        _emit_json(items)
    elif items:
        _print_items(items)
    else:
        out.print("nothing to recommend yet: scan a folder first (pyrec scan DIR)")
    return 0


def cmd_shelves(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        shelves = service.shelves(args.profile, limit=args.n)
    if args.json:
        _emit_json(shelves)
        return 0
    for shelf in shelves:
        _print_items(shelf["items"], title=shelf["title"])
    return 0


def cmd_surprise(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        pick = service.surprise(args.profile, mood=args.mood)
    if args.json:
        _emit_json(pick)
    elif pick is None:
        out.print("nothing to pick: everything recommendable was watched (or the library is empty)")
    else:
        _print_items([pick], title="Tonight" + (f" ({args.mood})" if args.mood else ""))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        items = service.similar(args.video, n=args.n, profile=args.profile)
    if args.json:
        _emit_json(items)
    else:
        _print_items(items)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        items = service.search(args.query, n=args.n, profile=args.profile)
    if args.json:
        _emit_json(items)
    elif items:
        _print_items(items)
    else:
        out.print(f"no videos match {args.query!r}")
    return 0


def cmd_dupes(args: argparse.Namespace) -> int:
    with PyrecService(args.db) as service:
        if args.dismiss is not None:
            if not service.dismiss_duplicates(args.dismiss):
                raise PyrecError(f"no duplicate group {args.dismiss} (see `pyrec dupes` for the group numbers)")
            out.print(f"group {args.dismiss} dismissed: it is no longer shown, and stays so while its videos are unchanged")
            return 0
        groups = service.dupes()
    if args.json:
        _emit_json(groups)
        return 0
    if not groups:
        out.print("no near-duplicates found")
    for group in groups:
        out.print(f"group {group['id']}: {group['reason']}")
        for item in group["items"]:
            mark = "keep" if item["id"] == group["keep"] and group["kind"] == "copies" else "    "
            out.print(f"  {mark} {item['id']:>5}  {item['width']}x{item['height']}  {item['path']}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.source == "movielens":
        if not args.dir:
            raise PyrecError("pyrec eval movielens needs the data folder (ratings.csv, movies.csv, tags.csv)")
        rows = PyrecService.evaluate_movielens(args.dir, k=args.k, seed=args.seed)
    else:
        with PyrecService(args.db) as service:
            rows = service.evaluate_library(k=args.k)
    if args.json:
        _emit_json(rows)
    elif rows:
        out.print(PyrecService.format_evaluation(rows, k=args.k), markup=False)
    else:
        out.print("not enough history to evaluate yet (plays and likes split by time)")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from pyrec_gui.app import main as gui_main
    except ImportError as exc:  # the desktop app is an extra: pip install "pyrec[gui]"
        raise PyrecError(f"the desktop app needs PySide6: pip install 'pyrec[gui]' ({exc})") from exc

    app_args = [a for a in args.app_args if a != "--"]  # the app's own options (--rescan, --screenshot …)
    return int(gui_main((["--db", args.db] if args.db else []) + app_args))


def cmd_desktop_entry(args: argparse.Namespace) -> int:
    from pyrec import desktop_entry

    if args.action == "install":
        result = desktop_entry.install(force=args.force)
    elif args.action == "uninstall":
        result = desktop_entry.uninstall()
    else:
        result = desktop_entry.status()
    if args.json:
        _emit_json(result.to_json())
        return 0
    if args.action == "install":
        if result.written:
            out.print(f"Installed the desktop entry: {result.desktop_file}")
            out.print(f"  icon  {result.icon_file}")
            out.print(f"  runs  {result.exec_path}")
        else:
            out.print(f"The desktop entry is already installed and up to date: {result.desktop_file}")
    elif args.action == "uninstall":
        if result.removed:
            out.print("Removed: " + ", ".join(result.removed))
        else:
            out.print(f"No desktop entry to remove at {result.desktop_file}")
    else:
        state = ("installed, up to date" if result.up_to_date else "installed, out of date (run install again)"
                 if result.ours else "installed by something else" if result.installed else "not installed")
        out.print(f"{result.desktop_file}: {state}")
        out.print(f"runs {result.exec_path}; install would write:\n")
        out.print(result.content, end="", markup=False)
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

    p = add("scan", cmd_scan, "index video folders into the library (default: its folders)")
    p.add_argument("dirs", nargs="*", metavar="DIR")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB (repeatable)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: CPU count)")
    p.add_argument("--follow-outside", action="store_true",
                   help="follow symlinks that lead out of the library folders (default: skip and report them)")

    p = add("deep", cmd_deep, "the slow readers (speech transcripts, on-screen text) over videos not read yet; resumable")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="compute per file and reader (default 120; a longer film is sampled)")
    p.add_argument("--stage", default=None, metavar="NAME", help="run one reader only (e.g. speech)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="stop after N file readings")
    p.add_argument("--status", action="store_true", help="only say what each reader has done and has left")

    add("doctor", cmd_doctor, "versions, SIMD level, models and library stats")

    p = add("show", cmd_show, "what pyrec understood about one video")
    p.add_argument("video", metavar="ID|PATH")

    p = add("list", cmd_list, "list videos in the library")
    p.add_argument("--all", action="store_true", help="include failed and missing files")
    p.add_argument("--limit", type=int, default=100)

    def with_profile(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--profile", default=None, help="whose history (default: the default profile)")
        return p

    p = with_profile(add("play", cmd_play, "open a video in your player and record the play"))
    p.add_argument("video", metavar="ID|PATH")
    p.add_argument("--player", default=None, help="player command to wait for (default: $PYREC_PLAYER or the desktop opener)")
    p.add_argument("--at", type=_clock_arg, default=None, metavar="TIME",
                   help="start at this time (e.g. 0:06, 1:02:30 or seconds); mpv and VLC only")
    for name, kind, text in (("watched", "mark_watched", "mark a video as watched"), ("like", "like", "like a video"),
                             ("dislike", "dislike", "dislike a video"),
                             ("hide", "hide", "not interested: never recommend this video")):
        p = with_profile(add(name, _simple_event(kind), text))
        p.add_argument("video", metavar="ID|PATH")
    p = with_profile(add("rate", _simple_event("rate"), "rate a video from 0 to 10"))
    p.add_argument("video", metavar="ID|PATH")
    p.add_argument("value", type=float)
    p = with_profile(add("history", cmd_history, "what a profile played, liked and rated"))
    p.add_argument("--limit", type=int, default=50)
    p = add("profiles", cmd_profiles, "list profiles (or create one)")
    p.add_argument("--create", metavar="NAME")
    p.add_argument("--incognito", action="store_true", help="with --create: a profile that records nothing")

    p = with_profile(add("forget", cmd_forget, "delete a profile's whole history (or only what one import brought)"))
    p.add_argument("--source", default=None, metavar="SOURCE",
                   help="forget only the events imported from SOURCE (kodi, nfo, jellyfin, plex, trakt)")
    p = with_profile(add("import", cmd_import,
                         "import watch history from Kodi, Jellyfin, Plex, Trakt or .nfo sidecars"))
    p.add_argument("source", choices=("kodi", "nfo", "jellyfin", "plex", "trakt"))
    p.add_argument("path", metavar="PATH", help="the source's database or export (file or folder)")
    p.add_argument("--map", action="append", default=[], metavar="OLD=NEW",
                   help="read paths starting with OLD as starting with NEW (repeatable)")
    p.add_argument("--account", default=None, metavar="NAME", help="the source's user, where it has several")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported; store nothing")
    p.add_argument("--all", action="store_true", help="list matched items too, with how they matched")
    p = with_profile(add("export", cmd_export, "a profile's data as JSON, or (export nfo) played state into .nfo files"))
    p.add_argument("what", nargs="?", choices=("profile", "nfo"), default="profile",
                   help="profile: everything as JSON (default); nfo: write <playcount>, <lastplayed>, <userrating> "
                        "into each watched video's existing .nfo")
    p.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    p.add_argument("--dry-run", action="store_true", help="with nfo: show what would change; write nothing")
    p = add("backup", cmd_backup, "a consistent copy of the library file, safe while pyrec runs")
    p.add_argument("dest", metavar="FILE")
    p = add("folders", cmd_folders, "list, add or remove library folders")
    p.add_argument("--add", action="append", metavar="DIR")
    p.add_argument("--remove", action="append", metavar="DIR")

    p = with_profile(add("recommend", cmd_recommend, "what to watch next, with reasons"))
    p.add_argument("-n", type=int, default=20)
    p = with_profile(add("shelves", cmd_shelves, "For you, Continue watching, Because you watched …, New, Rediscover"))
    p.add_argument("-n", type=int, default=8, help="items per shelf")
    p = with_profile(add("surprise", cmd_surprise, "one pick for tonight (series in order), optionally for a mood"))
    p.add_argument("--mood", choices=sorted(MOODS), default=None,
                   help="; ".join(meaning for meaning, _ in MOODS.values()))
    p = with_profile(add("similar", cmd_similar, "more like this video"))
    p.add_argument("video", metavar="ID|PATH")
    p.add_argument("-n", type=int, default=20)
    p = with_profile(add("search", cmd_search, "find videos by words (titles, plots, people, subtitles, what is seen)"))
    p.add_argument("query")
    p.add_argument("-n", type=int, default=20)
    p = add("dupes", cmd_dupes, "near-duplicate videos (re-encodes, resizes, trims), best copy suggested")
    p.add_argument("--dismiss", type=int, metavar="GROUP", help="these are not copies: stop showing group GROUP")
    p = add("eval", cmd_eval, "offline evaluation: on MovieLens data or on this library's own history")
    p.add_argument("source", choices=("movielens", "library"))
    p.add_argument("dir", nargs="?", help="with movielens: the ml-latest-small folder")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p = add("gui", cmd_gui, "open the desktop app (its own options pass through: pyrec gui -- --help)")
    p.set_defaults(app_args=[])
    p = add("desktop-entry", cmd_desktop_entry,
            "add the desktop app to the applications menu ($XDG_DATA_HOME/applications), remove it, or show it")
    p.add_argument("action", choices=("install", "uninstall", "show"))
    p.add_argument("--force", action="store_true", help="with install: replace a pyrec.desktop pyrec did not write")

    p = add("demo", cmd_demo, "build a small sample library, scan it and show what was understood")
    p.add_argument("--dir", default=None, help="where to build the sample library (default: the cache dir)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    netguard.install()  # local-only: no network sockets from here on
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.handler is cmd_gui:
        args.app_args = unknown  # the desktop app parses its own options
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
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
