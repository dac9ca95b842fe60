"""The line a meaning-search hit is about.

A hit by meaning comes from a passage: a few lines over up to 30 seconds
(pyrec.features.passages). Saying the passage's start ("said at 0:01")
sends the viewer to its first line, seconds before the one that matters.
For the first few hits, each line of the passage is embedded with the query's
text model and the closest one is shown, with its own time ("said at 0:04").
A few dozen short lines take tens of milliseconds; the hits further down keep
the passage's start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from pyrec.library import Library
from pyrec.library.passages import StoredPassage
from pyrec.records import Moment

REFINED_HITS = 5  # hits whose exact line is found (each costs its passage's lines through the text model)


class LineEncoder(Protocol):  # the part of features.text.TextEncoder used here
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _same_text(text: str) -> str:
    return " ".join(text.split())


def passage_lines(library: Library, stored: StoredPassage) -> list[Moment]:
    """The lines a passage was made of: its kind's moments within its time,
    whose words it holds (another language's track shares the times)."""
    p = stored.passage
    return [m for m in library.moments(stored.video_id, p.kind, starting=(p.start, p.end))
            if _same_text(m.text) in p.text]


def best_lines(library: Library, encoder: LineEncoder, query_vector: np.ndarray,
               passages: Mapping[int, StoredPassage]) -> dict[int, Moment]:
    """Passage id -> its line closest in meaning to the query (passages of one line are that line)."""
    lines = {pid: passage_lines(library, sp) for pid, sp in passages.items()}
    lines = {pid: found for pid, found in lines.items() if found}
    texts = [m.text for found in lines.values() for m in found]
    if not texts:
        return {}
    vectors = encoder.encode(texts)
    scores = vectors @ np.asarray(query_vector, np.float32)
    best: dict[int, Moment] = {}
    at = 0
    for pid, found in lines.items():
        best[pid] = found[int(np.argmax(scores[at:at + len(found)]))]
        at += len(found)
    return best
