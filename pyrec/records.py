"""Plain records that flow one way: scan/features produce them, the library
stores them, the recommender and front ends read them back.

They depend on nothing (numpy only in type annotations), so every part,
the desktop app's start-up included, can import them without importing each
other. Records are picklable: scan workers (processes) return them to the
parent, which is the only writer of the database.

The shared vocabulary lives here too: the kinds of entity and interaction,
and when a play counts as watching a video (`is_watched`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

# Kinds of entity in the knowledge graph and the roles an edge can carry.
# "sound": what the file sounds like ("talky", "music", "quiet"; pyrec.features.soundscape).
ENTITY_KINDS = ("person", "genre", "tag", "studio", "series", "collection", "folder", "label", "sound")
PERSON_ROLES = ("actor", "director", "writer", "producer", "creator")

# What a profile can do with a video. The library's schema checks the same
# list (an append-only migration): a new kind needs a migration too.
INTERACTION_KINDS = ("play", "like", "dislike", "rate", "hide", "skip", "watched")

# Kinds of timed text a video carries (the library's moments table checks the
# same list: a new kind needs a migration).
MOMENT_KINDS = ("chapter", "subtitle", "speech", "screen_text")
# Moments only the deep pass writes (what is said, what is shown on screen);
# a scan writes the others (chapters, subtitle lines) and replaces them.
DEEP_MOMENT_KINDS = ("speech", "screen_text")
# Stats a deep-pass stage writes over the fast pass's estimate of the same
# name (whole-film shot cuts over the sampled ones); kept, like the stage's
# moments, when an unchanged file is indexed again by newer extractors.
DEEP_STATS: dict[str, tuple[str, ...]] = {"shots": ("cuts_per_minute", "scenes", "shots_seen")}
# How a moment's place is said, by kind ("said at 0:06"): search results and reasons.
MOMENT_PLACES = {"chapter": "chapter at", "subtitle": "said at", "speech": "said at", "screen_text": "on screen at"}

# When a play counts as having watched the video (the rule media centres such
# as Kodi use): 90 % of it seen, or, of a video long enough to have end
# credits, less than three minutes left.
WATCHED_FRACTION = 0.9
CREDITS_SECONDS = 180.0  # "less than this left" counts as the end credits ...
LONG_VIDEO_SECONDS = 1200.0  # ... of a video at least this long (20 minutes)

Number = TypeVar("Number", float, "np.ndarray")


def is_watched(fraction: Number, duration: Number, *, watched_fraction: float = WATCHED_FRACTION,
               credits_seconds: float = CREDITS_SECONDS, long_video_seconds: float = LONG_VIDEO_SECONDS) -> Number:
    """Whether seeing `fraction` (0..1) of a video `duration` seconds long
    counts as having watched it: at least `watched_fraction` of it, or fewer
    than `credits_seconds` left of a video of `long_video_seconds` or more.
    Works on floats (a bool back) and elementwise on NumPy arrays; an unknown
    duration (0) leaves the share alone to decide, NaN is never watched.
    The one definition: the library's "watched" filter (videos.py, in SQL),
    the recommender's signals and the desktop app's "finished" all use it."""
    left = duration - fraction * duration
    return (fraction >= watched_fraction) | ((duration >= long_video_seconds) & (left < credits_seconds))  # type: ignore[return-value]


# What a scan stores for a file, as a version: a library row made by older
# extractors is indexed again on the next scan even though the file did not
# change (an upgrade pass), so new features (damage measured, moments, frame
# grids…) reach files scanned before them. Bump it whenever a scan starts
# storing something new per file.
# 2: sidecar subtitle lines as moments; 3: the sound's shares and loudness
# (stats) and its traits (entities of kind "sound"); audio fingerprints beside
# the frame grids, bit depth and HDR in the stats.
# 4: picture categories instead of ImageNet classes; shot cuts per minute and scene count.
# 5: the sound rule heard on real recordings (sung vocals are music, dense music is music, applause is
# not) and "music_bed_share" (speech with music under it) in the stats.
# 6: subtitle tracks' and sidecars' languages read from their lines (claimed tag kept beside).
# 6 (also): frame grids from PyAV's grey (the luma plane, not OpenCV's BGR->grey) and
# keyframes shrunk by swscale; a short video's shot cuts from every frame of
# its grid pass (the deep "shots" stage then replaces a film's sampled figure).
EXTRACTOR_VERSION = 6

# Ratings in a library are out of this (pyrec rate, and what Kodi, Plex,
# Jellyfin and Trakt store); MovieLens's 0.5-5 stars are rescaled by the recommender.
RATING_SCALE = 10.0


@dataclass(frozen=True)
class FileStat:
    """What the walker sees of a file without decoding it."""

    path: str  # absolute, as the OS gave it (may contain any unicode)
    size: int
    mtime_ns: int
    quick_hash: str = ""  # hex of size + a few sampled blocks; "" until computed


@dataclass(frozen=True)
class MediaProbe:
    duration: float  # seconds
    fps: float
    width: int  # as displayed (after rotation)
    height: int
    codec: str  # FourCC as text, e.g. "avc1"
    rotation: int = 0  # degrees clockwise the player must apply
    frame_count: int = 0
    # Seconds whose data is really in the file, when that is less than the
    # duration the header claims (a truncated copy or download); None: whole.
    playable: float | None = None

    @property
    def damaged(self) -> bool:
        return self.playable is not None


@dataclass
class Keyframe:
    time: float  # seconds into the video
    phash: int  # 64-bit DCT perceptual hash as a signed int64 (fits SQLite INTEGER)
    thumbnail: str | None = None  # path of a JPEG in the cache dir
    sharpness: float = 0.0
    brightness: float = 0.0


@dataclass(frozen=True)
class Label:
    name: str  # e.g. "sports car"
    score: float  # 0..1
    source: str = "visual"  # model that produced it


@dataclass(frozen=True)
class EntityRef:
    """An edge from a video to a graph node, e.g. (person "Ridley Scott", role director)."""

    kind: str  # one of ENTITY_KINDS
    name: str
    role: str = ""  # e.g. "actor", "director"; "" where the kind says it all
    weight: float = 1.0  # e.g. label score, actor billing order decay
    extra: str = ""  # e.g. the character an actor plays


@dataclass
class TextInfo:
    title: str = ""
    original_title: str = ""
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    plot: str = ""
    tagline: str = ""
    rating: float | None = None  # from .nfo, 0..10
    media_type: str = ""  # "movie", "episode", "clip", "musicvideo"
    series: str = ""  # the show an episode belongs to
    subtitles: str = ""  # a digest of subtitle text (first few thousand chars)
    sources: tuple[str, ...] = ()  # which files the text came from (names, .nfo, .srt)


@dataclass
class Embedding:
    model_id: str  # e.g. "efficientnet-lite0-int8/pool" or "minilm-l6-v2/text"
    vector: np.ndarray  # float32, 1-D; video-level (keyframe vectors are pooled)


@dataclass(frozen=True)
class FrameGrids:
    """A tiny grey picture every `step` seconds from the start (dense, so two
    copies can be aligned in time frame by frame, trims included)."""

    step: float  # seconds between grids
    grids: np.ndarray  # uint8 [n, 256]: 16x16 area-averaged grey
    audio_step: float = 0.0  # seconds between audio codes (0: no sound)
    audio: np.ndarray | None = None  # uint32 [m] audio fingerprint (pyrec.features.audioprint); 0 = silent


@dataclass
class VideoRecord:
    """Everything scan learned about one file, stored in one transaction."""

    file: FileStat
    probe: MediaProbe
    text: TextInfo = field(default_factory=TextInfo)
    keyframes: list[Keyframe] = field(default_factory=list)
    embeddings: list[Embedding] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    entities: list[EntityRef] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)  # colour, brightness, motion
    warnings: list[str] = field(default_factory=list)  # non-fatal: a bad .nfo, no keyframes
    media: MediaText | None = None  # what the container carries; None when FFmpeg could not read it
    frame_grids: FrameGrids | None = None  # dense grids (short and medium videos), for duplicates


@dataclass(frozen=True)
class ScanFailure:
    """A file that could not be indexed, and why (one line)."""

    file: FileStat
    error: str
    # The machine, not the file, failed (a worker killed, memory ran out):
    # the next scan tries the file again instead of trusting this verdict.
    transient: bool = False


# -- what a media file carries besides pixels (pyrec.features.container) -------
@dataclass(frozen=True)
class StreamInfo:
    index: int
    kind: str  # "video", "audio", "subtitle", "data", "attachment"
    codec: str  # FFmpeg's codec name, e.g. "h264", "subrip"
    label: str  # the name people know, e.g. "H.264", "SubRip"
    language: str = ""  # ISO 639-2 as muxed ("" or "und": unknown)
    title: str = ""
    width: int = 0  # video
    height: int = 0
    fps: float = 0.0
    bit_depth: int = 0
    hdr: bool = False
    channels: int = 0  # audio
    sample_rate: int = 0
    text_based: bool = False  # subtitle: text we can read (not a picture format)


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    end: float
    title: str


@dataclass(frozen=True)
class ContainerInfo:
    """The container's own account of a file: format, tags, chapters, streams."""

    format: str  # FFmpeg's demuxer name, e.g. "matroska,webm"
    label: str  # e.g. "Matroska", "MP4"
    duration: float  # seconds, as claimed by the container (0 when unknown)
    bit_rate: int = 0
    tags: dict[str, str] = field(default_factory=dict)  # normalised keys (see container.TAG_KEYS)
    chapters: tuple[Chapter, ...] = ()
    streams: tuple[StreamInfo, ...] = ()

    def of_kind(self, kind: str) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == kind]


@dataclass(frozen=True)
class Cue:
    """A timed line of text: a subtitle cue, later speech or on-screen text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Moment:
    """A point in a video someone can search for and jump to: a chapter, a
    subtitle line (later: speech, on-screen text)."""

    start: float  # seconds
    end: float
    kind: str  # one of MOMENT_KINDS
    text: str
    language: str = ""  # ISO 639-2 as muxed, "" when unknown


@dataclass(frozen=True)
class TrackLanguage:
    """A subtitle track's (or file's) language as claimed by its tag or name,
    as read from its lines, and the one pyrec trusts (pyrec.features.language).
    ISO 639-2/B codes; "" is unknown."""

    language: str  # trusted
    tagged: str  # claimed by the tag or file name, normalised ("" none, und)
    detected: str  # what the lines read as ("" too little text or unsure)
    confidence: float = 0.0

    @property
    def mislabelled(self) -> bool:
        return bool(self.tagged) and bool(self.language) and self.language != self.tagged


@dataclass(frozen=True)
class SubtitleFile:
    """A subtitle sidecar a scan read: its name, format, lines and language."""

    name: str  # file name, e.g. "Film.en.srt"
    label: str  # "SubRip file", "WebVTT file"
    cues: int
    language: TrackLanguage


@dataclass(frozen=True)
class MediaText:
    """Everything textual a scan read from the container in its one open:
    the container's account (tags, chapters, streams), the timed moments, and
    how many cues each text subtitle track gave (stream index -> count)."""

    container: ContainerInfo
    moments: tuple[Moment, ...] = ()
    cue_counts: dict[int, int] = field(default_factory=dict)
    # Each text subtitle track's language, claimed and read (stream index -> it).
    languages: dict[int, TrackLanguage] = field(default_factory=dict)
    subtitle_files: tuple[SubtitleFile, ...] = ()  # sidecars beside the video


@dataclass(frozen=True)
class Passage:
    """A few consecutive moments of one kind read as one text (a meaning-search
    unit): from the first line's start to the last line's end."""

    start: float
    end: float
    kind: str
    text: str
    lines: int = 1
