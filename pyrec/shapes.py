"""The shapes of what the service returns: plain JSON-able dicts, typed.

The CLI's ``--json`` output and the GUI's models are built from these, so the
field names here are a contract (documented in the README). They are
TypedDicts, not classes: a front end indexes them like the JSON they print as,
and a type checker knows every key.

One card shape serves every list of videos (a library page, a shelf, search
hits, "more like this", the copies in a duplicate group): the video, and the
keys a card may draw when the answer has them (a thumbnail, a score and its
reasons, where playback stopped).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Literal, TypedDict

from pyrec.clock import format_clock
from pyrec.records import MOMENT_PLACES

if TYPE_CHECKING:
    import numpy as np

    from pyrec.library import LibraryStats, MediaInfo, TrackRow, VideoEntity, VideoInfo
    from pyrec.records import Keyframe, Label, Moment


# -- videos -------------------------------------------------------------------------
class Video(TypedDict):
    id: int
    path: str
    title: str
    year: int | None
    season: int | None
    episode: int | None
    media_type: str | None
    plot: str
    rating: float | None
    duration: float | None
    width: int | None
    height: int | None
    fps: float | None
    codec: str | None  # the FourCC the file declares, e.g. "FMP4"
    codec_name: str | None  # the name people know: "H.264", "HEVC", "MPEG-4", "AV1", "VP9"
    size: int
    status: str  # "ok", "damaged" (plays only up to ``playable``), "failed", "missing"
    playable: float | None  # seconds that play, for a damaged file
    error: str | None
    added_at: float
    updated_at: float


class ReasonJson(TypedDict):
    kind: str  # e.g. "similar_to", "continue", "entity"
    data: dict[str, object]
    weight: float
    text: str


class MomentJson(TypedDict):
    """A timed piece of text in a video: a chapter or a subtitle line (later
    speech, on-screen text)."""

    time: float  # seconds from the start, where a player can start
    end: float
    kind: str  # "chapter", "subtitle", "speech", "screen_text"
    text: str
    language: str  # ISO 639-2 as muxed, "" when unknown
    where: str  # as people say it: "said at 0:06", "chapter 'Storm' at 12:00"


class Card(Video, total=False):
    """A video as a card shows it. ``thumbnail`` is in every list the service
    returns; ``score``, ``reasons`` and ``reason_details`` in recommendations,
    search hits and "more like this"; ``position`` (seconds) where playback
    stopped, for a video being continued; ``moments``, in search hits, where
    in the video the words are (best first)."""

    thumbnail: str | None
    score: float
    reasons: list[str]
    reason_details: list[ReasonJson]
    position: float
    moments: list[MomentJson]


class KeyframeJson(TypedDict):
    time: float
    thumbnail: str | None
    phash: str  # 16 hex digits


class LabelJson(TypedDict):
    name: str
    score: float
    source: str


class EntityJson(TypedDict):
    id: int
    kind: str
    name: str
    role: str
    weight: float
    extra: str


class TrackJson(TypedDict):
    index: int
    kind: str  # "video", "audio", "subtitle", …
    codec: str  # the name people know: "H.264", "SubRip", "MP4 text"
    language: str
    title: str
    text_based: bool  # a subtitle track whose text pyrec reads (not pictures)
    cues: int  # subtitle lines read from it


class MediaJson(TypedDict):
    """The container's own account: ``label`` as in "H.264 in Matroska"."""

    container: str
    video_codec: str
    label: str
    tags: dict[str, str]  # normalised names: title, genre, artist, date, comment, …
    streams: list[TrackJson]


class MediaDetail(TypedDict):
    """What the container carries, as the detail of a video lists it.
    ``media`` is None for a file scanned before pyrec read containers (or one
    FFmpeg cannot open); ``moments`` holds the first ones in time order."""

    media: MediaJson | None
    chapters: list[MomentJson]
    subtitle_tracks: list[TrackJson]
    moments: list[MomentJson]


class SoundJson(TypedDict):
    """What the file sounds like: shares of its time (they add up to 1) and
    loudness, heard from sampled windows; traits as the recommender uses them."""

    speech: float
    music: float
    noise: float
    silence: float
    music_bed: float  # of the time: speech with music under it (part of ``speech``)
    loudness_lufs: float | None  # None: silent throughout
    seconds_heard: float
    traits: list[str]  # "talky", "music", "quiet"


class DeepRunJson(TypedDict):
    stage: str  # "speech", "screen_text"
    version: int
    status: str  # "done" or "failed"
    error: str | None
    seconds: float
    moments: int


class VideoDetail(Video, MediaDetail):
    """One video with what pyrec understood of it (``pyrec show``, the detail page)."""

    stats: dict[str, float]
    keyframes: list[KeyframeJson]
    labels: list[LabelJson]
    entities: list[EntityJson]
    sound: SoundJson | None  # None: no audio, or scanned before pyrec listened
    deep: list[DeepRunJson]  # the deep pass's readers that ran on it


class Frame(TypedDict):
    """One decoded frame: ``image`` is H×W×3 uint8 RGB (C-contiguous) or None."""

    id: int
    time: float
    source: Literal["video", "thumbnail"] | None
    width: int
    height: int
    image: np.ndarray | None


class FacetValue(TypedDict, total=False):
    id: int  # the entity (absent for visual labels, which are filtered by name)
    name: str
    count: int


# -- recommendations ------------------------------------------------------------------
class Shelf(TypedDict):
    id: str  # for_you, continue, next_episode, because_…, new, rediscover
    title: str
    items: list[Card]


class DupePair(TypedDict):
    a: int
    b: int
    evidence: float


class DupeGroupJson(TypedDict):
    id: int | None  # the stored group (for `dismiss`)
    items: list[Card]
    keep: int  # the copy suggested to keep
    reason: str
    kind: str  # "copies" (one recording) or "edits" (same footage, different sound: nothing to trash)
    pairs: list[DupePair]


class TrashResult(TypedDict):
    trashed: list[str]  # paths now in the system trash
    video_ids: list[int]  # their videos, marked missing in the library
    errors: list[str]  # one line per file that could not be trashed


# -- people -----------------------------------------------------------------------------
class ProfileBase(TypedDict):
    id: int
    name: str
    incognito: bool


class ProfileJson(ProfileBase):
    last_active: float | None  # time of its newest event; None: none yet


class ProfileInfo(ProfileBase):
    created_at: float


class HistoryEvent(TypedDict):
    event_id: int
    kind: str
    at: float
    value: float | None
    position: float | None
    watched_seconds: float | None
    video: Video


class ProfileExport(TypedDict):
    format: str
    version: int
    pyrec: str
    profile: ProfileInfo
    events: list[HistoryEvent]


# -- diagnostics --------------------------------------------------------------------------
class ModelStatus(TypedDict, total=False):
    id: str
    kind: str
    file: str
    bundled: bool
    licence: str
    sha256: str | None
    status: str  # "ok" or "error: …"


class LibraryStatsJson(TypedDict):
    """pyrec.library.LibraryStats as JSON, with its total of videos."""

    path: str
    schema_version: int
    videos: int
    profiles: int
    videos_by_status: dict[str, int]
    entities_by_kind: dict[str, int]
    interactions_by_kind: dict[str, int]
    embeddings_by_model: dict[str, int]


class SimdJson(TypedDict):
    active: str
    available: list[str]


class DoctorPaths(TypedDict):
    db: str
    cache: str
    config: str


class PrivacyGuards(TypedDict):
    network_guard: str  # which layers keep this process off the network
    onnxruntime_telemetry: str


def sound_json(stats: dict[str, float], traits: list[str]) -> SoundJson | None:
    if "speech_share" not in stats:
        return None
    return {"speech": stats["speech_share"], "music": stats.get("music_share", 0.0),
            "noise": stats.get("noise_share", 0.0), "silence": stats.get("silence_share", 0.0),
            "music_bed": stats.get("music_bed_share", 0.0), "loudness_lufs": stats.get("loudness_lufs"), "seconds_heard": stats.get("audio_seconds_heard", 0.0),
            "traits": traits}


class DoctorReport(TypedDict):
    pyrec: str
    python: str
    platform: str
    numpy: str
    onnxruntime: str
    opencv: str
    sqlite: str
    simd: SimdJson
    models: list[ModelStatus]
    privacy: PrivacyGuards
    desktop_app: str  # whether Qt's system libraries are all present
    speech: str  # "on (…)" or why not and how to turn it on
    screen_text: str  # the same for on-screen text (the OCR extra)
    paths: DoctorPaths
    library: LibraryStatsJson | None


# -- builders --------------------------------------------------------------------------------
def video_json(v: VideoInfo) -> Video:
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
        "codec_name": codec_name(probe.codec) if probe else None,
        "size": v.file.size,
        "status": "damaged" if v.status == "ok" and probe and probe.damaged else v.status,
        "playable": probe.playable if probe else None,
        "error": v.error,
        "added_at": v.added_at,
        "updated_at": v.updated_at,
    }


# FourCCs (as OpenCV reports them, lower-cased) by the codec's common name.
FOURCC_NAMES = {
    **dict.fromkeys(("avc1", "avc3", "h264", "x264", "davc"), "H.264"),
    **dict.fromkeys(("hvc1", "hev1", "hevc", "h265", "x265"), "HEVC"),
    **dict.fromkeys(("fmp4", "mp4v", "xvid", "divx", "dx50", "div3", "mpg4", "3iv2"), "MPEG-4"),
    **dict.fromkeys(("av01", "av1 "), "AV1"),
    **dict.fromkeys(("vp09", "vp90"), "VP9"),
    **dict.fromkeys(("vp08", "vp80"), "VP8"),
    **dict.fromkeys(("mjpg", "mjpa", "jpeg"), "Motion JPEG"),
    **dict.fromkeys(("mpg2", "mp2v", "mpeg"), "MPEG-2"),
    **dict.fromkeys(("wmv3", "wmv2", "wmv1"), "WMV"),
    "theo": "Theora", "apch": "ProRes", "apcn": "ProRes", "apcs": "ProRes", "ap4h": "ProRes",
}


def codec_name(fourcc: str | None) -> str | None:
    """The name people know for a FourCC ("FMP4" → "MPEG-4"); the FourCC itself when unknown."""
    if not fourcc or not fourcc.strip("\x00 "):
        return None
    return FOURCC_NAMES.get(fourcc.lower(), fourcc.strip("\x00 ").upper())


def card_json(v: VideoInfo, thumbnail: str | None) -> Card:
    card: Card = {**video_json(v), "thumbnail": thumbnail}
    return card


def keyframe_json(k: Keyframe) -> KeyframeJson:
    return {"time": round(k.time, 3), "thumbnail": k.thumbnail, "phash": f"{k.phash & 0xFFFFFFFFFFFFFFFF:016x}"}


def label_json(label: Label) -> LabelJson:
    return {"name": label.name, "score": round(label.score, 4), "source": label.source}


def entity_json(e: VideoEntity) -> EntityJson:
    return {"id": e.entity_id, "kind": e.kind, "name": e.name, "role": e.role, "weight": e.weight, "extra": e.extra}




def moment_json(m: Moment) -> MomentJson:
    at = format_clock(m.start)
    where = f"chapter '{m.text}' at {at}" if m.kind == "chapter" else f"{MOMENT_PLACES.get(m.kind, 'at')} {at}"
    return {"time": round(m.start, 3), "end": round(m.end, 3), "kind": m.kind, "text": m.text,
            "language": m.language, "where": where}


def track_json(t: TrackRow) -> TrackJson:
    return {"index": t.index, "kind": t.kind, "codec": t.codec, "language": t.language, "title": t.title,
            "text_based": t.text_based, "cues": t.cues}


def media_json(m: MediaInfo) -> MediaJson:
    label = " in ".join(part for part in (m.video_codec, m.container) if part)
    return {"container": m.container, "video_codec": m.video_codec, "label": label, "tags": dict(m.tags),
            "streams": [track_json(t) for t in m.streams]}


def stats_json(s: LibraryStats) -> LibraryStatsJson:
    data = asdict(s)
    return {
        "path": data["path"], "schema_version": data["schema_version"],
        "videos_by_status": data["videos_by_status"], "entities_by_kind": data["entities_by_kind"],
        "interactions_by_kind": data["interactions_by_kind"], "embeddings_by_model": data["embeddings_by_model"],
        "profiles": data["profiles"], "videos": s.videos,
    }


__all__ = [
    "Card", "DoctorReport", "DupeGroupJson", "DupePair", "EntityJson", "FacetValue", "Frame", "HistoryEvent",
    "KeyframeJson", "LabelJson", "LibraryStatsJson", "MediaDetail", "MediaJson", "ModelStatus", "MomentJson", "ProfileExport", "ProfileInfo", "ProfileJson",
    "ReasonJson", "Shelf", "TrackJson", "TrashResult", "Video", "VideoDetail", "card_json", "codec_name", "entity_json",
    "keyframe_json", "label_json", "media_json", "moment_json", "stats_json", "track_json", "video_json",
]
