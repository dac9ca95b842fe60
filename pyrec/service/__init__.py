"""The one API the front ends (CLI, GUI) use. It owns the library connection,
the cache dir and the long jobs; front ends never run SQL or call the core.

PyrecService is assembled from small mixins, one concern each (scanning,
browsing, recommending, behaviour, privacy, diagnostics), all sharing one library.

Importing this is kept light (no OpenCV, ONNX Runtime or scanner): those load
inside the methods that need them, so the desktop app opens sooner.
"""

from typing import Any

from pyrec import views
from pyrec.service.base import ServiceBase
from pyrec.service.browsing import BrowsingMixin
from pyrec.service.diagnostics import DiagnosticsMixin
from pyrec.service.privacy import PrivacyMixin
from pyrec.service.recommending import RecommendingMixin
from pyrec.service.scanning import ScanningMixin


class PyrecService(ScanningMixin, BrowsingMixin, RecommendingMixin, PrivacyMixin, DiagnosticsMixin, ServiceBase):
    """A library plus everything to do with it. Use as a context manager or call close()."""

    # Fields the front ends need on top of what the recommender returns; the
    # documented keys (id, path, title, score, reasons, …) are unchanged.
    def _items(self, recs: Any) -> list[dict[str, Any]]:
        """Recommendation items, plus "position" (seconds) where playback
        stopped for a video being continued (the card's progress bar)."""
        items = super()._items(recs)
        for item in items:
            position = views.continue_position(item)
            if position is not None:
                item["position"] = position
        return items

    def dupes(self) -> list[dict[str, Any]]:
        """Near-duplicate groups; each item also carries its "thumbnail"."""
        groups = super().dupes()
        thumbs = self.library.first_thumbnails([item["id"] for g in groups for item in g["items"]])
        for group in groups:
            for item in group["items"]:
                item["thumbnail"] = thumbs.get(item["id"])
        return groups


__all__ = ["PyrecService"]
