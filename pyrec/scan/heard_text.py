"""After the deep pass reads what is said and shown in a video, its text
embedding is made again with those words first, so meaning search ("a storm
at sea") and the content scorer reach a film whose only words are spoken or
on screen, not just full-text search over its moments."""

from __future__ import annotations

from dataclasses import replace

from pyrec.features.text import SUBTITLE_CHARS, embed_text_info
from pyrec.library import Library
from pyrec.records import DEEP_MOMENT_KINDS

HEARD_KINDS = DEEP_MOMENT_KINDS
_TAG_KINDS = ("genre", "tag", "person")


def heard_digest(lines: list[str], max_chars: int = SUBTITLE_CHARS) -> str:
    """Lines spread over the whole film (not only its opening), up to ``max_chars``."""
    whole = " ".join(lines)
    if len(whole) <= max_chars:
        return whole
    taken, size, step = [], 0, max(1, len(lines) * 80 // max_chars)
    for line in lines[::step]:
        if size + len(line) + 1 > max_chars:
            break
        taken.append(line)
        size += len(line) + 1
    return " ".join(taken)


def embed_with_heard_text(library: Library, video_id: int) -> bool:
    """Store the video's text embedding made from its text plus what the deep
    pass heard and read; False when there is nothing heard or read."""
    video = library.videos_by_ids([video_id]).get(video_id)
    lines = [m.text for m in library.moments(video_id) if m.kind in HEARD_KINDS]
    if video is None or not lines:
        return False
    heard = heard_digest(lines)
    info = replace(video.text, subtitles=f"{heard} {video.text.subtitles}".strip())
    tags = [e.name for e in library.entities_of(video_id) if e.kind in _TAG_KINDS]
    embedding = embed_text_info(info, tags)
    if embedding is None:
        return False
    library.store_embedding(video_id, embedding)
    return True
