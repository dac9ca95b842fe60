"""Reading the library: one video, pages of videos, facets for filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyrec import views
from pyrec.service.base import DEFAULT_PROFILE, ServiceBase

FACET_KINDS = {"folders": "folder", "collections": "collection", "genres": "genre", "people": "person",
               "tags": "tag", "series": "series", "studios": "studio"}


class BrowsingMixin(ServiceBase):
    def video(self, ref: str | int) -> dict[str, Any]:
        """One video with what pyrec understood of it, by id or path."""
        lib = self.library
        row = self.resolve(ref)
        return {
            **views.video_json(row),
            "stats": row.stats,
            "keyframes": [views.keyframe_json(k) for k in lib.keyframes(row.id)],
            "labels": [views.label_json(label) for label in lib.labels(row.id)],
            "entities": [views.entity_json(e) for e in lib.entities_of(row.id)],
        }

    def _watched_filter(self, watched: str | None, profile: str | None) -> dict[str, Any]:
        if watched is None:
            return {}
        return {"watched": watched, "profile_id": self.library.ensure_profile(profile or DEFAULT_PROFILE).id}

    def videos(self, *, status: str | None = "ok", limit: int | None = 100, offset: int = 0, order: str = "id",
               entity_id: int | None = None, label: str | None = None, entity_ids: Sequence[int] = (),
               watched: str | None = None, profile: str | None = None) -> list[dict[str, Any]]:
        """A page of videos; filters combine (every entity in ``entity_ids``,
        a visual label, a watched state of ``profile``: watched, in-progress, unwatched)."""
        rows = self.library.videos(status=status, limit=limit, offset=offset, order=order, entity_id=entity_id,
                                   label=label, entity_ids=entity_ids, **self._watched_filter(watched, profile))
        thumbs = self.library.first_thumbnails([v.id for v in rows])
        return [views.video_json(v) | {"thumbnail": thumbs.get(v.id)} for v in rows]

    def count_videos(self, *, status: str | None = "ok", entity_id: int | None = None, label: str | None = None,
                     entity_ids: Sequence[int] = (), watched: str | None = None, profile: str | None = None) -> int:
        return self.library.count_videos(status, entity_id=entity_id, label=label, entity_ids=entity_ids,
                                         **self._watched_filter(watched, profile))

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        """Filter values with counts: folders, genres, people, labels, …"""
        by_kind: dict[str, list[dict[str, Any]]] = {name: [] for name in FACET_KINDS}
        kind_to_facet = {kind: name for name, kind in FACET_KINDS.items()}
        for stat in self.library.entity_stats():
            facet = kind_to_facet.get(stat.kind)
            if facet:
                by_kind[facet].append({"id": stat.entity_id, "name": stat.name, "count": stat.df})
        for values in by_kind.values():
            values.sort(key=lambda v: (-v["count"], v["name"].casefold()))
        by_kind["labels"] = [{"name": name, "count": n} for name, n in self.library.label_stats()]
        return by_kind
