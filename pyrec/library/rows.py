"""Typed rows the library hands back; callers never see cursors or SQL rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyrec.records import FileStat, MediaProbe, Moment, TextInfo

VIDEO_STATUSES = ("ok", "failed", "missing")


@dataclass(frozen=True)
class KnownFile:
    """What an incremental scan needs to decide whether a file changed."""

    id: int
    path: str
    size: int
    mtime_ns: int
    quick_hash: str
    status: str  # one of VIDEO_STATUSES
    extracted: int = 0  # EXTRACTOR_VERSION of the scan that stored it (0: before versions)


@dataclass(frozen=True)
class VideoInfo:
    id: int
    file: FileStat
    probe: MediaProbe | None  # None for a file that never probed successfully
    status: str
    error: str | None  # set while the last scan of this file failed
    added_at: float  # unix seconds
    updated_at: float
    text: TextInfo
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DupeGroupRow:
    """A stored duplicate group: members (ascending ids), the copy to keep,
    the verified pairs (a, b, evidence) and whether the user dismissed it."""

    id: int
    members: list[int]
    best: int
    pairs: list[tuple[int, int, float]]
    dismissed: bool
    kind: str = "copies"  # or "edits": the same footage with different sound (not copies to clean up)
    why: str = ""  # why the best copy is best, in words ("" for groups stored before this was kept)


@dataclass(frozen=True)
class VideoEntity:
    """One edge from a video to a graph node, as stored."""

    entity_id: int
    kind: str
    name: str
    role: str
    weight: float
    extra: str


@dataclass(frozen=True)
class EntityLink:
    """One video attached to an entity (the reverse direction of VideoEntity)."""

    video_id: int
    role: str
    weight: float
    extra: str


@dataclass(frozen=True)
class EntityStat:
    """Document frequency of an entity over playable ('ok') videos, for IDF."""

    entity_id: int
    kind: str
    name: str
    df: int


@dataclass(frozen=True)
class SearchHit:
    video_id: int
    score: float  # higher is better (negated FTS5 bm25)


@dataclass(frozen=True)
class MomentHit:
    """A moment whose text matches a search, in the video it belongs to."""

    video_id: int
    moment: Moment
    score: float  # higher is better (negated FTS5 bm25)


@dataclass(frozen=True)
class TrackRow:
    """One stream of a video as stored: what ``pyrec show`` lists."""

    index: int
    kind: str  # "video", "audio", "subtitle", …
    codec: str  # the label people know, e.g. "H.264", "SubRip"
    language: str
    title: str
    text_based: bool
    cues: int  # subtitle lines read from it (0 for other streams)


@dataclass(frozen=True)
class MediaInfo:
    """The container's own account of a stored video."""

    container: str  # e.g. "Matroska"
    video_codec: str  # e.g. "H.264"
    tags: dict[str, str]
    streams: tuple[TrackRow, ...]


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    created_at: float
    incognito: bool
    last_active: float | None = None  # time of its newest event (profiles() only)


@dataclass(frozen=True)
class Interaction:
    id: int
    profile_id: int
    video_id: int
    kind: str  # one of INTERACTION_KINDS
    value: float | None  # e.g. the rating for kind 'rate'
    position: float | None  # seconds into the video when it happened
    watched_seconds: float | None
    duration: float | None
    created_at: float  # unix seconds


@dataclass(frozen=True)
class LibraryStats:
    path: str
    schema_version: int
    videos_by_status: dict[str, int]
    entities_by_kind: dict[str, int]
    interactions_by_kind: dict[str, int]
    embeddings_by_model: dict[str, int]
    profiles: int

    @property
    def videos(self) -> int:
        return sum(self.videos_by_status.values())
