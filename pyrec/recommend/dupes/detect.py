"""Duplicate detection over a set of videos: candidate pairs (candidates.py),
each verified (verify.py), the verified pairs joined into groups
(connected components) with the best copy of each picked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pyrec.recommend.dupes.candidates import candidate_pairs, embedding_pairs
from pyrec.recommend.dupes.items import DupeGroup, DupeItem
from pyrec.recommend.dupes.verify import match_fraction
from pyrec.recommend.vectors import IndexFactory


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicates(
    items: Sequence[DupeItem],
    *,
    max_hamming: int = 10,
    min_fraction: float = 0.6,
    time_tolerance: float = 2.0,
    embedding_threshold: float = 0.97,  # embeddings this close are a candidate pair
    embedding_only_threshold: float | None = None,  # ... and, if set, a duplicate even without hash evidence
    index_factory: IndexFactory | None = None,
) -> list[DupeGroup]:
    pairs = candidate_pairs(items)
    emb_sim = embedding_pairs(items, threshold=embedding_threshold, index_factory=index_factory)
    pairs.update(emb_sim)

    uf = _UnionFind(len(items))
    evidence: list[tuple[int, int, float]] = []
    for i, j in sorted(pairs):
        a, b = items[i], items[j]
        tol = max(time_tolerance, 0.02 * min(a.duration, b.duration))
        frac = match_fraction(a, b, max_hamming=max_hamming, time_tolerance=tol)
        sim = emb_sim.get((i, j), -1.0)
        if frac >= min_fraction or (embedding_only_threshold is not None and sim >= embedding_only_threshold):
            uf.union(i, j)
            evidence.append((i, j, max(frac, sim)))

    members: dict[int, list[int]] = defaultdict(list)
    for i in sorted({i for pair in evidence for i in pair[:2]}):  # ascending: ties keep the first
        members[uf.find(i)].append(i)
    by_root: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for i, j, e in evidence:
        by_root[uf.find(i)].append((items[i].video_id, items[j].video_id, e))
    groups = []
    for root, idx in members.items():
        # An intact copy beats a damaged one whatever its resolution.
        best = max(idx, key=lambda i: (not items[i].damaged, items[i].width * items[i].height, items[i].bitrate,
                                       items[i].duration, items[i].size))
        groups.append(DupeGroup(sorted(items[i].video_id for i in idx), items[best].video_id, by_root[root]))
    groups.sort(key=lambda g: g.video_ids[0])
    return groups
