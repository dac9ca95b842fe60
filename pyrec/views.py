"""Stable JSON shapes of what the service returns: the CLI's ``--json`` output
and the GUI's models are built from these, so field names here are a contract
(documented in the README)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pyrec.library import LibraryStats, VideoEntity, VideoInfo
from pyrec.records import Keyframe, Label


def video_json(v: VideoInfo) -> dict[str, Any]:
    probe = v.probe
    return {
        "id": v.id,
        "path": v.file.path,
        "title": v.text.title,
        "year": v.text.year,
        "season": v.text.season,
        "episode": v.text.episode,
        "media_type": v.text.media_type or None,
        "plot": v.text.plot,
        "rating": v.text.rating,
        "duration": probe.duration if probe else None,
        "width": probe.width if probe else None,
        "height": probe.height if probe else None,
        "fps": probe.fps if probe else None,
        "codec": probe.codec if probe else None,
        "size": v.file.size,
        "status": v.status,
        "error": v.error,
        "added_at": v.added_at,
        "updated_at": v.updated_at,
    }


def keyframe_json(k: Keyframe) -> dict[str, Any]:
    return {"time": round(k.time, 3), "thumbnail": k.thumbnail, "phash": f"{k.phash & 0xFFFFFFFFFFFFFFFF:016x}"}


def label_json(label: Label) -> dict[str, Any]:
    return {"name": label.name, "score": round(label.score, 4), "source": label.source}


def entity_json(e: VideoEntity) -> dict[str, Any]:
    return {"id": e.entity_id, "kind": e.kind, "name": e.name, "role": e.role, "weight": e.weight, "extra": e.extra}


def stats_json(s: LibraryStats) -> dict[str, Any]:
    data = asdict(s)
    data["videos"] = s.videos
    return data
