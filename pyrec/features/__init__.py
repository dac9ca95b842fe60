"""Media understanding: pure functions from a video file to arrays and records.

No database, no library import: scan calls :func:`extract_video_features`
per file (in worker processes) and stores what it returns.
"""

from pyrec.features.extract import VideoFeatures, default_encoders, extract_video_features
from pyrec.features.keyframes import KeyframeSet, PickedFrame, pick_keyframes
from pyrec.features.phash import hamming, phash
from pyrec.features.probe import probe
from pyrec.features.stats import video_stats
from pyrec.features.text import TextEncoder, embed_text_info, text_for_info
from pyrec.features.thumbnails import write_thumbnail
from pyrec.features.visual import VisualEncoder, labels_from_probs, video_embedding

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
    "phash",
    "pick_keyframes",
    "probe",
    "text_for_info",
    "video_embedding",
    "video_stats",
    "write_thumbnail",
]
