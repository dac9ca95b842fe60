"""Snapshot builders from a pyrec library (read-only; the library owns SQL).

Entities, labels and keyframe hashes come from the library's bulk reads (one
query each), so a snapshot of a 100k-video library costs a handful of queries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pyrec.recommend.catalog import KIND, Catalog, History
from pyrec.recommend.catalog_builder import CatalogBuilder
from pyrec.recommend.topics import Topics

if TYPE_CHECKING:
    from pyrec.library import Library


def _text_of(v: object) -> str:
    t = v.text  # type: ignore[attr-defined]
    parts = [t.title, t.original_title, t.plot, t.tagline]
    return " ".join(p for p in parts if p)


def catalog_from_library(lib: Library, *, status: str = "ok", models: Iterable[str] | None = None) -> Catalog:
    """Every playable video with its entities, labels and embeddings."""
    b = CatalogBuilder()
    videos = lib.videos(status=status)
    for v in videos:
        title = v.text.title or v.file.path.rsplit("/", 1)[-1]
        b.add_video(v.id, title, path=v.file.path, duration=v.probe.duration if v.probe else 0.0,
                    playable=v.probe.playable if v.probe else None, added_at=v.added_at,
                    text=_text_of(v) or title, season=v.text.season, episode=v.text.episode)
    for video_id, kind, name, role, weight in lib.all_entity_edges(status):
        b.add_entity(video_id, kind, name, role if role in ("actor", "director", "writer", "producer", "creator") else "",
                     weight if math.isfinite(weight) and weight > 0 else 1.0)
    for video_id, name, score in lib.all_labels(status):
        b.add_label(video_id, name, score)
    for model_id in models if models is not None else lib.embedding_models():
        ids, matrix = lib.embeddings(model_id, status=status)
        if ids.size:
            b.add_embeddings(model_id, ids, matrix)
    catalog = b.build()
    catalog.topics = Topics.build(lib.moment_texts(status=status), narrators=lib.narration_credits(status=status))
    return catalog


def history_from_library(lib: Library, catalog: Catalog, profile: int | None = None) -> History:
    """Interactions of one profile, or of all profiles, on catalogue videos.
    The watched fraction is watched seconds over duration (the event's
    duration, else the video's); the resume position is kept as is."""
    profiles = [profile] if profile is not None else [p.id for p in lib.profiles()]
    rows = []
    for pid in profiles:
        for it in lib.interactions(pid):
            if not catalog.has(it.video_id) or it.kind not in KIND:
                continue
            pos = catalog.pos(it.video_id)
            duration = it.duration or float(catalog.durations[pos]) or None
            fraction = None
            if it.watched_seconds is not None and duration:
                fraction = min(max(it.watched_seconds / duration, 0.0), 1.0)
            rows.append((pid, pos, it.kind, it.value, fraction, it.position, it.created_at))
    return History.from_events(rows)
