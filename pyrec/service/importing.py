"""Bring your history: import what another media centre knew (Kodi,
Jellyfin, Plex, Trakt, .nfo sidecars), forget it again by source, and
write played state back to .nfo sidecars.

Reading and matching are pyrec.history's (nothing there writes); storing is
the library's, in one transaction per import: a failure anywhere stores
nothing. Imported events keep their own times and keys, so importing twice
adds nothing and ``forget_source`` removes exactly what an import added."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypedDict

from pyrec.errors import PyrecError
from pyrec.history import SOURCES, read_source
from pyrec.history.match import Matcher, parse_maps
from pyrec.history.nfo_write import PlayedState, write_played_state
from pyrec.history.plan import ImportPlan, plan_import
from pyrec.library import ImportedEvent, Interaction
from pyrec.records import is_watched
from pyrec.service.behaviour import NOBODY, Behaviour
from pyrec.service.store import Store

HistoryChanged = Callable[[int], None]  # profile id


class ImportItemJson(TypedDict):
    label: str  # the item as the source names it (its path, or title)
    status: str  # "matched", "ambiguous" or "unmatched"
    method: str  # how it matched: path, hash, name+size, ids, title, episode ("" when not)
    reason: str
    video_id: int | None
    events: int


class ImportSummary(TypedDict):
    matched: int
    ambiguous: int
    unmatched: int
    events: int  # events of matched items, to store
    skipped: int


class ImportReport(TypedDict):
    source: str
    path: str
    account: str
    profile: str
    dry_run: bool
    summary: ImportSummary
    added: int  # new events stored (a dry run: that would be)
    updated: int  # events stored before whose value the source changed (a dry run: 0, not computed)
    unchanged: int
    items: list[ImportItemJson]
    skipped: list[str]


class NfoFileJson(TypedDict):
    video_id: int
    path: str  # the video
    nfo: str  # its .nfo ("" when it has none)
    changed: bool
    reason: str  # what changed, or why not


class NfoExportReport(TypedDict):
    profile: str
    dry_run: bool
    written: int  # .nfo files changed (a dry run: that would be)
    unchanged: int
    files: list[NfoFileJson]


class Importing:
    """``on_changed`` is called after a profile's history changed wholesale
    (the warm recommender refits rather than folding events in one by one)."""

    def __init__(self, store: Store, behaviour: Behaviour, *, on_changed: HistoryChanged | None = None) -> None:
        self.store = store
        self.behaviour = behaviour
        self.on_changed = on_changed

    def plan(self, source: str, path: str | os.PathLike[str], *, maps: Sequence[str] = (),
             account: str | None = None) -> ImportPlan:
        _check_source(source)
        try:
            pairs = parse_maps(maps)
        except ValueError as exc:
            raise PyrecError(str(exc)) from exc
        read = read_source(source, path, account)
        return plan_import(read, Matcher(self.store.library.match_candidates(), pairs))

    def import_history(self, source: str, path: str | os.PathLike[str], *, profile: str | None = None,
                       maps: Sequence[str] = (), account: str | None = None, dry_run: bool = False) -> ImportReport:
        if not dry_run and not self.behaviour.is_recording(profile):
            raise PyrecError(f"profile {profile or 'default'!r} is incognito (or this session is): "
                             "it records nothing, imported history included")
        if not self.behaviour.is_default(profile):
            self.behaviour.profile(profile)  # an unknown named profile fails before any reading
        plan = self.plan(source, path, maps=maps, account=account)
        events = [ImportedEvent(video_id=e.video_id, kind=e.kind, created_at=e.at, import_key=e.key, value=e.value,
                                position=e.position, watched_seconds=e.position if e.kind == "play" else None,
                                duration=e.duration) for e in plan.events]
        lib = self.store.library
        if dry_run:
            profile_id = self.behaviour.reading_id(profile)
            known = lib.imported_keys(profile_id, plan.source) if profile_id != NOBODY else set()
            added, updated = len({e.import_key for e in events} - known), 0
            unchanged = len(events) - added
        else:
            p = self.behaviour.writing(profile)
            outcome = lib.import_interactions(p.id, plan.source, events)
            added, updated, unchanged = outcome.added, outcome.updated, outcome.unchanged
            if outcome.added or outcome.updated:
                if self.on_changed is not None:
                    self.on_changed(p.id)
        return _report(plan, profile, dry_run, added, updated, unchanged)

    def forget_source(self, source: str, profile: str | None = None) -> int:
        """Delete every event a profile imported from ``source``; pyrec's own stay."""
        _check_source(source)
        profile_id = self.behaviour.reading_id(profile)
        if profile_id == NOBODY:
            return 0
        deleted = self.store.library.forget_source(source, profile_id)
        if deleted and self.on_changed is not None:
            self.on_changed(profile_id)
        return deleted

    def sources(self, profile: str | None = None) -> dict[str, int]:
        """How many events of a profile came from each source ('pyrec': recorded here)."""
        profile_id = self.behaviour.reading_id(profile)
        return {} if profile_id == NOBODY else self.store.library.interaction_sources(profile_id)


    def export_nfo(self, profile: str | None = None, *, dry_run: bool = False) -> NfoExportReport:
        """Write each watched or rated video's played state into its .nfo."""
        profile_id = self.behaviour.reading_id(profile)
        lib = self.store.library
        history = lib.interactions(profile_id) if profile_id != NOBODY else []
        states = played_states(history)
        videos = lib.videos_by_ids(states)
        files: list[NfoFileJson] = []
        for video_id, state in sorted(states.items()):
            info = videos.get(video_id)
            if info is None or info.status == "missing":
                continue
            result = write_played_state(info.file.path, state, dry_run=dry_run)
            files.append({"video_id": video_id, "path": info.file.path, "nfo": result.nfo, "changed": result.changed,
                          "reason": result.reason})
        written = sum(f["changed"] for f in files)
        return {"profile": profile or "default", "dry_run": dry_run, "written": written,
                "unchanged": len(files) - written, "files": files}


def _check_source(source: str) -> None:
    if source.casefold() not in SOURCES:
        raise PyrecError(f"unknown history source {source!r}; the sources are {', '.join(SOURCES)}")


def played_states(history: list[Interaction]) -> dict[int, PlayedState]:
    """Per video: how many plays (an imported play count, or the viewings
    recorded, whichever is more), when last played, the latest rating."""
    counts: dict[int, int] = {}
    imported: dict[int, int] = {}
    last: dict[int, float] = {}
    rating: dict[int, tuple[float, float]] = {}
    for e in history:
        finished = e.kind == "watched" or (
            e.kind == "play" and e.position is not None and bool(e.duration)
            and bool(is_watched(e.position / float(e.duration or 1), float(e.duration or 0))))
        if finished:
            counts[e.video_id] = counts.get(e.video_id, 0) + 1
            if e.value:
                imported[e.video_id] = max(imported.get(e.video_id, 0), int(e.value))
        if e.kind in ("watched", "play"):
            last[e.video_id] = max(last.get(e.video_id, e.created_at), e.created_at)
        if e.kind == "rate" and e.value is not None and e.created_at >= rating.get(e.video_id, (-1e18, 0))[0]:
            rating[e.video_id] = (e.created_at, e.value)
    out = {}
    for video_id in set(counts) | set(rating):
        plays = max(counts.get(video_id, 0), imported.get(video_id, 0))
        out[video_id] = PlayedState(plays, last.get(video_id) if plays else None,
                                    rating[video_id][1] if video_id in rating else None)
    return out


def _report(plan: ImportPlan, profile: str | None, dry_run: bool, added: int, updated: int,
            unchanged: int) -> ImportReport:
    s = plan.summary
    return {
        "source": plan.source, "path": plan.path, "account": plan.account, "profile": profile or "default",
        "dry_run": dry_run,
        "summary": {"matched": s["matched"], "ambiguous": s["ambiguous"], "unmatched": s["unmatched"],
                    "events": s["events"], "skipped": s["skipped"]},
        "added": added, "updated": updated, "unchanged": unchanged,
        "items": [{"label": i.label, "status": i.status, "method": i.method, "reason": i.reason,
                   "video_id": i.video_id, "events": i.events} for i in plan.items],
        "skipped": list(plan.skipped),
    }
