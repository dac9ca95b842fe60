"""Media understanding: pure functions from a video file to arrays and records.

No database, no library import: scan calls :func:`extract_video_features`
per file (in worker processes) and stores what it returns.

The names below load on first use (PEP 562): importing one submodule, e.g.
``pyrec.features.text`` for a search query, must not pull in OpenCV and the
visual model, which would put seconds on the desktop app's start-up.
`probe` and `phash` share their module's name, so import them from
``pyrec.features.probe`` / ``pyrec.features.phash``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "VideoFeatures": "extract", "default_encoders": "extract", "extract_video_features": "extract",
    "KeyframeSet": "keyframes", "PickedFrame": "keyframes", "pick_keyframes": "keyframes",
    "hamming": "phash",
    "video_stats": "stats",
    "TextEncoder": "text", "embed_text_info": "text", "text_for_info": "text",
    "write_thumbnail": "thumbnails",
    "VisualEncoder": "visual", "labels_from_probs": "visual", "video_embedding": "visual",
}

__all__ = [
    "KeyframeSet",
    "PickedFrame",
    "TextEncoder",
    "VideoFeatures",
    "VisualEncoder",
    "default_encoders",
    "embed_text_info",
    "extract_video_features",
    "hamming",
    "labels_from_probs",
    "pick_keyframes",
    "text_for_info",
    "video_embedding",
    "video_stats",
    "write_thumbnail",
]

if TYPE_CHECKING:
    from pyrec.features.extract import (
        VideoFeatures,
        default_encoders,
        extract_video_features,
    )
    from pyrec.features.keyframes import KeyframeSet, PickedFrame, pick_keyframes
    from pyrec.features.phash import hamming
    from pyrec.features.stats import video_stats
    from pyrec.features.text import TextEncoder, embed_text_info, text_for_info
    from pyrec.features.thumbnails import write_thumbnail
    from pyrec.features.visual import VisualEncoder, labels_from_probs, video_embedding


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pyrec.features' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pyrec.features.{module}"), name)
    globals()[name] = value  # next time without the hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
