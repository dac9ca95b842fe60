"""The timed text a container carries, as moments: its chapters and the cues
of its text subtitle tracks, read from a container the caller already has
open (the scan's one open per file), each track in the language its lines
are written in (its tag is kept as a claim). Bad tracks cost one warning line each."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pyrec.features.container import PathLike, container_info, read_tracks
from pyrec.features.language import first_preferred, judge, language_name, preferred_languages
from pyrec.records import ContainerInfo, MediaText, Moment, TrackLanguage

if TYPE_CHECKING:
    import av.container

# Per track: enough for a feature film's dialogue many times over.
MAX_CUES = 5_000
MAX_CHARS = 500_000


def read_media_text(container: av.container.InputContainer, path: PathLike, warnings: list[str]) -> MediaText:
    info = container_info(container, path)
    text_tracks = [s for s in info.of_kind("subtitle") if s.text_based]
    tracks = read_tracks(container, [s.index for s in text_tracks], max_cues=MAX_CUES, max_chars=MAX_CHARS)
    moments = list(chapter_moments(info))
    counts: dict[int, int] = {}
    languages: dict[int, TrackLanguage] = {}
    for stream in text_tracks:
        track = tracks[stream.index]
        name = f"{os.fspath(path)}: subtitle track {stream.index} ({stream.language or 'und'}, {stream.label})"
        if track.binary:
            warnings.append(f"{name}: not text (binary or mislabelled), skipped")
        elif track.cut:
            warnings.append(f"{name}: too large, read its first {len(track.cues)} lines only")
        counts[stream.index] = len(track.cues)
        # The tag is a claim: the lines say which language they are in.
        judged = languages[stream.index] = judge(stream.language, [c.text for c in track.cues])
        if judged.mislabelled:
            said, read = language_name(judged.tagged), language_name(judged.language)
            warnings.append(f"{os.fspath(path)}: subtitle track {stream.index} is tagged {said} but reads as "
                            f"{read}; stored as {read}")
        moments += (Moment(c.start, c.end, "subtitle", c.text, judged.language) for c in track.cues)
    return MediaText(info, tuple(moments), counts, languages)


def chapter_moments(info: ContainerInfo) -> list[Moment]:
    """Chapters as moments; an untitled one is named by its number, as players do."""
    return [Moment(c.start, c.end, "chapter", c.title or f"Chapter {n}")
            for n, c in enumerate(info.chapters, 1)]


def subtitle_digest(media: MediaText | None, limit: int = 4000, preferred: Sequence[str] | None = None) -> str:
    """The first subtitle lines as one text (for the text embedding and the
    video's own search row), like the digest of a sidecar subtitle file: the
    lines of the user's language when a track has it (trusted languages,
    not tags), else English, else the first track's."""
    if media is None:
        return ""
    lines = [m for m in media.moments if m.kind == "subtitle"]
    spoken = list(dict.fromkeys(m.language for m in lines))
    if len(spoken) > 1:
        wanted = spoken[first_preferred(spoken, preferred_languages() if preferred is None else preferred)]
        lines = [m for m in lines if m.language == wanted]
    return " ".join(m.text for m in lines)[:limit].strip()


__all__ = ["chapter_moments", "read_media_text", "subtitle_digest"]
