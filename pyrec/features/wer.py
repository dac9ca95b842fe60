"""Word error rate: how far a transcript is from a reference, in edits
(substitutions, insertions, deletions) per reference word. Used to measure
the speech stage on real recordings (``benchmarks/bench_audio.py --real``,
``tests/media/test_real_audio.py``)."""

from __future__ import annotations

# Whisper writes "10 meters" and "Mr." where a reference says "ten meters" and "mister".
_SPELLED = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
            "7": "seven", "8": "eight", "9": "nine", "10": "ten", "mr": "mister", "metres": "meters"}


def words(text: str) -> list[str]:
    """Lower case, no punctuation, hyphens split, small numbers spelled out."""
    kept = "".join(c if c.isalnum() or c in " '-" else " " for c in text.lower()).replace("-", " ")
    return [_SPELLED.get(w, w) for w in kept.split()]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over words / reference length (0 is perfect; can exceed 1)."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)
