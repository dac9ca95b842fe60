"""Reading the library: one video, pages of videos, facets for filters, and a
sharp picture of one video (decoded by pyrec.features.frames)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pyrec import shapes
from pyrec.service import languages
from pyrec.service.behaviour import Behaviour
from pyrec.service.store import Ref, Store

if TYPE_CHECKING:
    import numpy as np

FACET_KINDS = {"folders": "folder", "collections": "collection", "genres": "genre", "people": "person",
               "tags": "tag", "series": "series", "studios": "studio"}

FRAME_CACHE = 8  # scaled frames kept (a few detail pages back and forth)
FIRST_MOMENTS = 20  # moments a video's detail lists (search finds the rest)


class Browsing:
    def __init__(self, store: Store, behaviour: Behaviour) -> None:
        self.store = store
        self.behaviour = behaviour  # whose "watched" a filter means
        self._frames: OrderedDict[tuple[Any, ...], shapes.Frame] = OrderedDict()
        self._frame_lock = threading.Lock()

    def video(self, ref: Ref) -> shapes.VideoDetail:
        lib = self.store.library
        row = self.store.resolve(ref)
        entities = [shapes.entity_json(e) for e in lib.entities_of(row.id)]
        return {
            **shapes.video_json(row),
            "stats": row.stats,
            "keyframes": [shapes.keyframe_json(k) for k in lib.keyframes(row.id)],
            "labels": [shapes.label_json(label) for label in lib.labels(row.id)],
            "entities": entities,
            "sound": shapes.sound_json(row.stats, [e["name"] for e in entities if e["kind"] == "sound"]),
            "deep": [{"stage": r.stage, "version": r.version, "status": r.status, "error": r.error,
                      "seconds": round(r.seconds, 2), "moments": r.moments} for r in lib.deep_runs(row.id)],
            **self._media(row.id),
        }

    def _media(self, video_id: int) -> shapes.MediaDetail:
        """What the container carries: tags and streams, chapters, the first moments."""
        lib = self.store.library
        media = lib.media_info(video_id)
        tracks = [t for t in media.streams if t.kind == "subtitle"] if media else []
        speech = lib.moments(video_id, "speech")
        return {
            "media": shapes.media_json(media) if media else None,
            "chapters": [shapes.moment_json(m) for m in lib.moments(video_id, "chapter")],
            "subtitle_tracks": [shapes.track_json(t, languages.track_note(t), languages.name_of(t.language))
                                for t in tracks],
            "moments": [shapes.moment_json(m) for m in lib.moments(video_id, limit=FIRST_MOMENTS)],
            "language_notes": languages.language_notes(media, speech),
            "speech_language": languages.heard_in(speech),
        }

    def _watched_filter(self, watched: str | None, profile: str | None) -> dict[str, Any]:
        if watched is None:
            return {}
        return {"watched": watched, "profile_id": self.behaviour.reading_id(profile)}

    def videos(self, *, status: str | None = "ok", limit: int | None = 100, offset: int = 0, order: str = "id",
               entity_id: int | None = None, label: str | None = None, entity_ids: Sequence[int] = (),
               watched: str | None = None, profile: str | None = None) -> list[shapes.Card]:
        lib = self.store.library
        rows = lib.videos(status=status, limit=limit, offset=offset, order=order, entity_id=entity_id,
                          label=label, entity_ids=entity_ids, **self._watched_filter(watched, profile))
        thumbs = lib.first_thumbnails([v.id for v in rows])
        return [shapes.card_json(v, thumbs.get(v.id)) for v in rows]

    def count_videos(self, *, status: str | None = "ok", entity_id: int | None = None, label: str | None = None,
                     entity_ids: Sequence[int] = (), watched: str | None = None, profile: str | None = None) -> int:
        return self.store.library.count_videos(status, entity_id=entity_id, label=label, entity_ids=entity_ids,
                                               **self._watched_filter(watched, profile))

    def facets(self) -> dict[str, list[shapes.FacetValue]]:
        lib = self.store.library
        by_kind: dict[str, list[shapes.FacetValue]] = {name: [] for name in FACET_KINDS}
        kind_to_facet = {kind: name for name, kind in FACET_KINDS.items()}
        for stat in lib.entity_stats():
            facet = kind_to_facet.get(stat.kind)
            if facet:
                by_kind[facet].append({"id": stat.entity_id, "name": stat.name, "count": stat.df})
        for values in by_kind.values():
            values.sort(key=lambda v: (-v["count"], v["name"].casefold()))
        by_kind["labels"] = [{"name": name, "count": n} for name, n in lib.label_stats()]
        return by_kind

    # -- a sharp picture of one video --------------------------------------------------
    def frame(self, ref: Ref, *, time: float | None = None, width: int = 960,
              height: int | None = None) -> shapes.Frame:
        if width < 1 or (height is not None and height < 1):
            raise ValueError("width and height must be at least 1 pixel")
        from pyrec.features import frames  # OpenCV: loaded by the first picture, not at start-up

        video = self.store.resolve(ref)
        keyframes = self.store.library.keyframes(video.id)
        chosen = None
        if time is None and keyframes:  # the same pick as first_thumbnails: sharpest, then earliest
            chosen = max(enumerate(keyframes), key=lambda ik: (ik[1].sharpness or 0.0, -ik[0]))[1]
            time = chosen.time
        elif time is not None and keyframes:
            wanted = time
            chosen = min(keyframes, key=lambda k: abs(k.time - wanted))
        time = float(time or 0.0)

        key = (video.file.path, video.file.size, video.file.mtime_ns, round(time, 3), width, height)
        with self._frame_lock:
            if key in self._frames:
                self._frames.move_to_end(key)
                return self._frames[key].copy()
        image = frames.frame_at(video.file.path, time, fps_hint=video.probe.fps if video.probe else 0.0)
        if image is not None:
            result = _frame(video.id, time, "video", frames.scaled_rgb(image, width, height))
            with self._frame_lock:
                self._frames[key] = result
                while len(self._frames) > FRAME_CACHE:
                    self._frames.popitem(last=False)
            return result.copy()
        if chosen is not None and chosen.thumbnail:  # not cached: the file may be back next time
            image = frames.read_image(chosen.thumbnail)
            if image is not None:
                return _frame(video.id, chosen.time, "thumbnail", frames.scaled_rgb(image, width, height))
        return {"id": video.id, "time": time, "source": None, "width": 0, "height": 0, "image": None}


def _frame(video_id: int, time: float, source: str, rgb: np.ndarray) -> shapes.Frame:
    return {"id": video_id, "time": time, "source": "video" if source == "video" else "thumbnail",
            "width": int(rgb.shape[1]), "height": int(rgb.shape[0]), "image": rgb}
