"""From what a source said to what would be stored: every event of a
matched item becomes a planned event for its library video; every item
gets one report line (matched how, or why not)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyrec.history.match import AMBIGUOUS, MATCHED, UNMATCHED, Match, Matcher
from pyrec.history.records import SourceEvent, SourceItem, SourceRead


@dataclass(frozen=True)
class PlannedEvent:
    video_id: int
    kind: str
    at: float
    key: str
    value: float | None
    position: float | None
    duration: float | None


@dataclass(frozen=True)
class ItemLine:
    label: str  # the item as the source names it
    status: str  # matched / ambiguous / unmatched
    method: str
    reason: str
    video_id: int | None
    events: int  # how many of its events this is about


@dataclass
class ImportPlan:
    source: str
    path: str
    account: str
    events: list[PlannedEvent] = field(default_factory=list)
    items: list[ItemLine] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for line in self.items if line.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {MATCHED: self.count(MATCHED), AMBIGUOUS: self.count(AMBIGUOUS), UNMATCHED: self.count(UNMATCHED),
                "events": len(self.events), "skipped": len(self.skipped)}


def plan_import(read: SourceRead, matcher: Matcher) -> ImportPlan:
    plan = ImportPlan(read.source, read.path, read.account, skipped=list(read.skipped))
    by_item: dict[str, tuple[SourceItem, list[SourceEvent]]] = {}
    for event in read.events:
        by_item.setdefault(event.item.key, (event.item, []))[1].append(event)
    for item, events in by_item.values():
        match: Match = matcher.match(item)
        plan.items.append(ItemLine(item.label, match.status, match.method, match.reason, match.video_id, len(events)))
        if match.status != MATCHED or match.video_id is None:
            continue
        for e in events:
            if e.at is None:
                plan.skipped.append(f"{item.label}: a {e.kind} event with no date in the source (not imported)")
                continue
            plan.events.append(PlannedEvent(match.video_id, e.kind, e.at, e.key, e.value, e.position, e.duration))
    return plan
