"""The only code in pyrec that writes SQL: schema, migrations, typed reads and writes."""

from pyrec.library.connection import DEFAULT_BUSY_TIMEOUT
from pyrec.library.imports import NATIVE_SOURCE, ImportedEvent, ImportOutcome, MatchCandidate
from pyrec.library.library import Library
from pyrec.library.migrations import SCHEMA_VERSION
from pyrec.library.rows import (
    VIDEO_STATUSES,
    EntityLink,
    EntityStat,
    Interaction,
    KnownFile,
    LibraryStats,
    MediaInfo,
    MomentHit,
    Profile,
    SearchHit,
    TrackRow,
    VideoEntity,
    VideoInfo,
)
from pyrec.records import INTERACTION_KINDS  # the one list, re-exported

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "INTERACTION_KINDS",
    "SCHEMA_VERSION",
    "VIDEO_STATUSES",
    "EntityLink",
    "EntityStat",
    "Interaction",
    "ImportOutcome",
    "ImportedEvent",
    "KnownFile",
    "Library",
    "LibraryStats",
    "MatchCandidate",
    "MediaInfo",
    "MomentHit",
    "NATIVE_SOURCE",
    "Profile",
    "SearchHit",
    "TrackRow",
    "VideoEntity",
    "VideoInfo",
]
