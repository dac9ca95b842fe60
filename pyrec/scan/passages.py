"""Embed the passages a library is missing, from its stored moments.

Run after a scan stores files, after a deep-pass stage adds lines, and (the
same call) on a library scanned before passages existed: the moments are
already in the library, so no video is opened again and no extractor
version is bumped. Each (video, kind) is one transaction: a cancelled or
killed run keeps what it finished and the next one does the rest."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pyrec.features.passages import embed_passages, group_passages
from pyrec.features.text import TextEncoder, default_text_encoder
from pyrec.library import Library


@dataclass
class PassageSummary:
    videos: int = 0  # (video, kind) pairs embedded
    passages: int = 0
    moments: int = 0
    seconds: float = 0.0
    skipped: int = 0  # moments changed while embedding: left for the next run


PassageProgress = Callable[[int, int], None]  # done, total (video-kind pairs)


def embed_missing_passages(library: Library, video_ids: Sequence[int] | None = None, *,
                           encoder: TextEncoder | None = None, progress: PassageProgress | None = None,
                           cancel: threading.Event | None = None) -> PassageSummary:
    """Group and embed the moments of every (video, kind) that has no
    passages of the text model yet (of ``video_ids`` only, when given)."""
    started = time.monotonic()
    encoder = encoder or default_text_encoder()
    summary = PassageSummary()
    todo = library.passage_todo(encoder.model_id, video_ids)
    for done, (video_id, kind) in enumerate(todo):
        if cancel is not None and cancel.is_set():
            break
        moments, stamp = library.moments_to_group(video_id, kind)
        passages = group_passages(moments)
        vectors = embed_passages(passages, encoder)
        if library.store_passages(video_id, kind, stamp, passages, vectors, encoder.model_id):
            summary.videos += 1
            summary.passages += len(passages)
            summary.moments += len(moments)
        else:
            summary.skipped += 1
        if progress is not None:
            progress(done + 1, len(todo))
    summary.seconds = time.monotonic() - started
    return summary
