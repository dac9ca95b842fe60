"""Reading the library: one video, pages of videos, facets for filters."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pyrec import views
from pyrec.errors import MediaError
from pyrec.service.base import DEFAULT_PROFILE, ServiceBase

if TYPE_CHECKING:
    import numpy as np

    from pyrec.library import VideoInfo

FACET_KINDS = {"folders": "folder", "collections": "collection", "genres": "genre", "people": "person",
               "tags": "tag", "series": "series", "studios": "studio"}


FRAME_CACHE = 8  # scaled frames kept (a few detail pages back and forth)
_frame_lock = threading.Lock()


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

    # -- a sharp picture of one video --------------------------------------------------
    def frame(self, ref: str | int, *, time: float | None = None, width: int = 960,
              height: int | None = None) -> dict[str, Any]:
        """One frame of a video as RGB pixels, decoded from the file itself at
        ``time`` (default: its representative keyframe, the one cards show),
        scaled down (never up) just enough to cover ``width`` × ``height``
        pixels (device pixels: multiply a widget's size by its pixel ratio).

        Falls back to the stored thumbnail when the file is missing or cannot
        be decoded there. Returns id, time, source ("video", "thumbnail" or
        None when there is no picture at all), width, height and image (an
        H×W×3 uint8 RGB array, C-contiguous, or None). The last few decoded
        frames are cached."""
        if width < 1 or (height is not None and height < 1):
            raise ValueError("width and height must be at least 1 pixel")
        video = self.resolve(ref)
        keyframes = self.library.keyframes(video.id)
        chosen = None
        if time is None and keyframes:  # the same pick as first_thumbnails: sharpest, then earliest
            chosen = max(enumerate(keyframes), key=lambda ik: (ik[1].sharpness or 0.0, -ik[0]))[1]
            time = chosen.time
        elif time is not None and keyframes:
            wanted = time
            chosen = min(keyframes, key=lambda k: abs(k.time - wanted))
        time = float(time or 0.0)

        key = (video.file.path, video.file.size, video.file.mtime_ns, round(time, 3), width, height)
        cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = self.__dict__.setdefault("_frames", OrderedDict())
        with _frame_lock:
            if key in cache:
                cache.move_to_end(key)
                return dict(cache[key])
        image = self._decode_frame(video, time)
        if image is not None:
            result = {"id": video.id, "time": time, "source": "video", **_scaled_rgb(image, width, height)}
            with _frame_lock:
                cache[key] = result
                while len(cache) > FRAME_CACHE:
                    cache.popitem(last=False)
            return dict(result)
        if chosen is not None and chosen.thumbnail:  # not cached: the file may be back next time
            import cv2

            image = cv2.imread(chosen.thumbnail, cv2.IMREAD_COLOR)  # None if gone or unreadable
            if image is not None:
                return {"id": video.id, "time": chosen.time, "source": "thumbnail",
                        **_scaled_rgb(image, width, height)}
        return {"id": video.id, "time": time, "source": None, "width": 0, "height": 0, "image": None}

    @staticmethod
    def _decode_frame(video: VideoInfo, time: float) -> np.ndarray | None:
        """The full-size BGR frame at ``time``, or None if the file cannot give it."""
        from pyrec.features.video import VideoReader

        try:
            with VideoReader(video.file.path) as reader:
                fps = reader.fps or (video.probe.fps if video.probe else 0.0) or 0.0
                index = max(0, round(time * fps)) if fps > 0 else 0
                if reader.frame_count:
                    index = min(index, reader.frame_count - 1)
                reader.seek(index)
                image = reader.read()
                if image is None and index > 0:  # a frame count that overstates: take the first frame
                    reader.seek(0)
                    image = reader.read()
                return image
        except MediaError:
            return None


def _scaled_rgb(image: np.ndarray, width: int, height: int | None) -> dict[str, Any]:
    """Scale a BGR frame down so it still covers width × height; RGB out."""
    import cv2
    import numpy as np

    from pyrec.features.video import downscale

    h, w = image.shape[:2]
    scale = min(1.0, max(width / w, (height or 0) / h))
    if scale < 1.0:
        # downscale() bounds the short and long side; express "this scale" in those terms
        target = max(1, round(min(h, w) * scale))
        image = downscale(image, short_side=target, max_side=max(1, round(max(h, w) * scale)))
    rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    return {"width": int(rgb.shape[1]), "height": int(rgb.shape[0]), "image": rgb}
