"""Passages: a video's timed lines grouped into short texts for meaning
search, and their embeddings. Pure: moments in, passages and arrays out.

Why this size. One vector per film drowns a single scene in two hours of
talk; one vector per subtitle cue (~1,500 in a feature film, often two or
three words: "Yes.", "Over there!") carries too little meaning to match a
paraphrase and costs five times the rows. A passage is a few consecutive
lines of one kind, a few seconds to at most ``MAX_SECONDS`` and
``MAX_CHARS`` long: about one exchange or one narrated sentence group, well
inside the 128-256 tokens MiniLM was trained on, so its vector still says
what *this* scene is about. A pause longer than ``MAX_GAP`` starts a new
passage (a new scene, most often). A chapter is its own passage (its title
names minutes of film, not a line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from pyrec.features.text import TextEncoder, default_text_encoder
from pyrec.records import Moment, Passage

PASSAGE_KINDS = ("chapter", "subtitle", "speech", "screen_text")
MAX_SECONDS = 30.0  # from the first line's start to the last line's end
MAX_CHARS = 240  # ~50 tokens: one exchange, not a scene's worth of topics
MAX_GAP = 5.0  # a longer pause between two lines starts a new passage


def group_passages(moments: Iterable[Moment], *, max_seconds: float = MAX_SECONDS, max_chars: int = MAX_CHARS,
                   max_gap: float = MAX_GAP) -> list[Passage]:
    """Passages of ``moments`` (any order, any kinds), each moment in exactly
    one; per kind in time order. A single line longer than ``max_chars`` is a
    passage of its own (the model truncates it)."""
    by_kind: dict[str, list[Moment]] = {}
    for m in moments:
        if m.kind in PASSAGE_KINDS and m.text.strip():
            by_kind.setdefault(m.kind, []).append(m)
    out: list[Passage] = []
    for kind, lines in by_kind.items():
        lines.sort(key=lambda m: (m.start, m.end))
        if kind == "chapter":
            out += [Passage(m.start, max(m.end, m.start), kind, " ".join(m.text.split())) for m in lines]
            continue
        group: list[Moment] = []
        for m in lines:
            if group and _full(group, m, max_seconds, max_chars, max_gap):
                out.append(_passage(group, kind))
                group = []
            group.append(m)
        if group:
            out.append(_passage(group, kind))
    return sorted(out, key=lambda p: (p.start, p.kind))


def _full(group: Sequence[Moment], nxt: Moment, max_seconds: float, max_chars: int, max_gap: float) -> bool:
    end = max(m.end for m in group)
    chars = sum(len(m.text) + 1 for m in group) + len(nxt.text)
    return nxt.start - end > max_gap or max(nxt.end, end) - group[0].start > max_seconds or chars > max_chars


def _passage(group: Sequence[Moment], kind: str) -> Passage:
    text = " ".join(" ".join(m.text.split()) for m in group)
    return Passage(group[0].start, max(max(m.end for m in group), group[0].start), kind, text, len(group))


def embed_passages(passages: Sequence[Passage], encoder: TextEncoder | None = None) -> np.ndarray:
    """Unit float32 vectors [len(passages), dims] in input order (batched by the encoder)."""
    encoder = encoder or default_text_encoder()
    return encoder.encode([p.text for p in passages])


__all__ = ["MAX_CHARS", "MAX_GAP", "MAX_SECONDS", "PASSAGE_KINDS", "embed_passages", "group_passages"]
