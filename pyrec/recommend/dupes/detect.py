"""Duplicate detection over a set of videos: candidate pairs (candidates.py),
each verified (align.py on dense frame grids; verify.py on keyframes when a
side has none), verified pairs grouped without chaining (grouping.py), the
best copy of each group picked (best.py).

Embedding cosine only proposes candidates: it never makes a duplicate.
Aligned pictures with different sound (sound.py) are the same footage in
another edit: grouped apart as "edits", never as copies to clean up."""

from __future__ import annotations

from collections.abc import Sequence

from pyrec.recommend.dupes.align import NOT_SHOWN, Verdict, verdict
from pyrec.recommend.dupes.best import FineDetail, choose_best
from pyrec.recommend.dupes.still import SameDetail, still_copies
from pyrec.recommend.dupes.candidates import (
    candidate_pairs,
    dense_pairs,
    embedding_pairs,
)
from pyrec.recommend.dupes.grouping import cliques, groups_of
from pyrec.recommend.dupes.hashes import informative
from pyrec.recommend.dupes.items import DupeGroup, DupeItem
from pyrec.recommend.dupes.sound import sound_differs
from pyrec.recommend.dupes.verify import match_fraction
from pyrec.recommend.vectors import IndexFactory

# Keyframes alone (no dense hashes on a side: a long video, or scanned before
# dense hashes) decide only for videos this long with this many informative
# keyframes each: the few keyframes of a short clip match any look-alike.
MIN_KEYFRAMES = 5
MIN_KEYFRAME_SECONDS = 30.0


def verify_pair(a: DupeItem, b: DupeItem, *, max_hamming: int = 10, min_fraction: float = 0.6,
                time_tolerance: float = 2.0) -> Verdict:
    """One recording? Frame grids decide when both have them, else keyframes
    (which say nothing of one being wholly inside the other)."""
    dense = verdict(a, b)
    if dense is not None:
        return dense
    if min(a.duration, b.duration) < MIN_KEYFRAME_SECONDS:
        return NOT_SHOWN
    if min(int(informative(a.hashes).sum()), int(informative(b.hashes).sum())) < MIN_KEYFRAMES:
        return NOT_SHOWN
    tol = max(time_tolerance, 0.02 * min(a.duration, b.duration))
    frac = match_fraction(a, b, max_hamming=max_hamming, time_tolerance=tol)
    return Verdict(frac) if frac >= min_fraction else NOT_SHOWN


def find_duplicates(
    items: Sequence[DupeItem],
    *,
    max_hamming: int = 10,
    min_fraction: float = 0.6,
    time_tolerance: float = 2.0,
    embedding_threshold: float = 0.97,  # embeddings this close are a candidate pair (never evidence)
    index_factory: IndexFactory | None = None,
    fine: FineDetail | None = None,  # decoded frames of two copies compared (best.py): upscales told apart
    same_detail: SameDetail | None = None,  # decoded frames of a still pair compared (still.py)
) -> list[DupeGroup]:
    pairs = candidate_pairs(items) | dense_pairs(items)
    pairs.update(embedding_pairs(items, threshold=embedding_threshold, index_factory=index_factory))
    evidence: dict[tuple[int, int], float] = {}
    edits: dict[tuple[int, int], float] = {}  # same footage, different sound
    inside: set[tuple[int, int]] = set()  # (i, j): i is wholly inside j
    for i, j in sorted(pairs):
        v = verify_pair(items[i], items[j], max_hamming=max_hamming, min_fraction=min_fraction,
                        time_tolerance=time_tolerance)
        if v.evidence > 0 and not still_copies(items[i], items[j], v, same_detail):
            continue  # one still scene, two different pictures
        if v.evidence > 0 and sound_differs(items[i], items[j], v.offset, v.rate):
            edits[(i, j)] = v.evidence
        elif v.evidence > 0:
            evidence[(i, j)] = v.evidence
            if v.a_in_b:
                inside.add((i, j))
            if v.b_in_a:
                inside.add((j, i))
    groups = [_group(items, idx, evidence, "copies", fine) for idx in groups_of(evidence, inside, set(edits))]
    groups += [_group(items, idx, edits, "edits") for idx in cliques(edits)]
    groups.sort(key=lambda g: (g.kind != "copies", g.video_ids[0]))
    return groups


def _group(items: Sequence[DupeItem], idx: set[int], verified: dict[tuple[int, int], float], kind: str,
           fine: FineDetail | None = None) -> DupeGroup:
    members = [items[i] for i in sorted(idx)]
    pairs_here = [(items[i].video_id, items[j].video_id, e) for (i, j), e in sorted(verified.items())
                  if i in idx and j in idx]
    best, why = choose_best(members, fine)
    return DupeGroup(sorted(m.video_id for m in members), best.video_id, pairs_here, kind=kind, why=why)
