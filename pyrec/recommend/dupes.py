"""Near-duplicate videos: the same content re-encoded, resized or trimmed.

Evidence is the set of keyframe perceptual hashes (64-bit DCT pHash; a
re-encode or resize flips only a few bits) compared with a tolerance on time
alignment (a trimmed copy has the same frames, shifted), plus optional
embedding cosine for videos whose keyframes were picked differently.
Candidates come from hash bands (pigeonhole: hashes within 3 bits share one
of four 16-bit bands exactly) and from the embedding index, so the work is
far below all pairs. Groups are the connected components (union-find); the
best copy is the one with most pixels, then bitrate, then duration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pyrec.recommend.rerank import popcount64
from pyrec.recommend.vectors import IndexFactory, core_index


@dataclass(frozen=True)
class DupeItem:
    video_id: int
    hashes: np.ndarray  # int64 keyframe pHashes
    times: np.ndarray  # float seconds of each keyframe
    duration: float = 0.0
    width: int = 0
    height: int = 0
    size: int = 0  # bytes
    embedding: np.ndarray | None = None  # unit-length video embedding

    @property
    def bitrate(self) -> float:
        return 8.0 * self.size / self.duration if self.duration > 0 else 0.0


@dataclass
class DupeGroup:
    video_ids: list[int]
    best: int  # suggested copy to keep
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # (a, b, evidence 0..1)

    def to_json(self) -> dict[str, object]:
        return {"video_ids": self.video_ids, "best": self.best,
                "pairs": [{"a": a, "b": b, "evidence": round(e, 4)} for a, b, e in self.pairs]}


def informative(hashes: np.ndarray) -> np.ndarray:
    """Flat frames (black, white, one colour) hash to near-constant bit
    patterns and would match everything: keep hashes with 12..52 bits set."""
    bits = popcount64(np.asarray(hashes, np.int64).view(np.uint64))
    return (bits >= 12) & (bits <= 52)


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x = np.bitwise_xor(np.asarray(a, np.int64).view(np.uint64)[:, None], np.asarray(b, np.int64).view(np.uint64)[None, :])
    return popcount64(x)


def match_fraction(a: DupeItem, b: DupeItem, *, max_hamming: int = 10, time_tolerance: float = 2.0) -> float:
    """Share of the shorter video's keyframes that have a close hash in the
    other video at a consistent time offset (the trim)."""
    ka, kb = informative(a.hashes), informative(b.hashes)
    ha, ta, hb, tb = a.hashes[ka], a.times[ka], b.hashes[kb], b.times[kb]
    if ha.size == 0 or hb.size == 0:
        return 0.0
    if ha.size > hb.size:  # walk the shorter list
        ha, ta, hb, tb = hb, tb, ha, ta
    d = hamming_matrix(ha, hb)
    close = d <= max_hamming
    if not close.any():
        return 0.0
    # The trim offset: the most common time shift among close pairs (a coarse
    # histogram is robust to a few false matches, unlike the mean).
    shifts = (tb[None, :] - ta[:, None])[close]
    width = max(time_tolerance, 1e-3)
    bins = np.round(shifts / width).astype(np.int64)
    values, counts = np.unique(bins, return_counts=True)
    offset = float(np.median(shifts[bins == values[np.argmax(counts)]]))
    aligned = close & (np.abs(tb[None, :] - ta[:, None] - offset) <= time_tolerance)
    return float(aligned.any(axis=1).sum()) / ha.size


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


def candidate_pairs(items: Sequence[DupeItem], *, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Pairs sharing an exact 16-bit band of some informative keyframe hash."""
    buckets: dict[tuple[int, int], set[int]] = defaultdict(set)
    for i, it in enumerate(items):
        h = np.asarray(it.hashes, np.int64)[informative(it.hashes)].view(np.uint64)
        for band in range(4):
            for v in ((h >> np.uint64(16 * band)) & np.uint64(0xFFFF)).tolist():
                buckets[(band, v)].add(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if 1 < len(members) <= max_bucket:  # a huge bucket is a common pattern, not evidence
            m = sorted(members)
            pairs.update((m[x], m[y]) for x in range(len(m)) for y in range(x + 1, len(m)))
    return pairs


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
    with_emb = [i for i, it in enumerate(items) if it.embedding is not None]
    emb_sim: dict[tuple[int, int], float] = {}
    if len(with_emb) > 1:
        dim = int(np.asarray(items[with_emb[0]].embedding).size)
        index = (index_factory or core_index)(dim, "cosine", "f32")
        vecs = np.stack([np.asarray(items[i].embedding, np.float32) for i in with_emb])
        index.add(np.asarray(with_emb, np.int64), vecs)
        ids, sims = index.search(vecs, min(10, len(with_emb)))
        for row, i in enumerate(with_emb):
            for j, s in zip(np.atleast_1d(ids[row]).tolist(), np.atleast_1d(sims[row]).tolist()):
                if j >= 0 and j != i and s >= embedding_threshold:
                    key = (min(i, j), max(i, j))
                    emb_sim[key] = max(s, emb_sim.get(key, -1.0))
                    pairs.add(key)

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
    for i in range(len(items)):
        members[uf.find(i)].append(i)
    groups = []
    for root, idx in members.items():
        if len(idx) < 2:
            continue
        best = max(idx, key=lambda i: (items[i].width * items[i].height, items[i].bitrate, items[i].duration, items[i].size))
        ids = sorted(items[i].video_id for i in idx)
        ev = [(items[i].video_id, items[j].video_id, e) for i, j, e in evidence if uf.find(i) == root]
        groups.append(DupeGroup(ids, items[best].video_id, ev))
    groups.sort(key=lambda g: g.video_ids[0])
    return groups


def group_of(groups: Sequence[DupeGroup], catalog_ids: np.ndarray) -> np.ndarray:
    """Group number per catalogue position (-1 = none), for the re-ranker."""
    pos = {int(v): i for i, v in enumerate(np.asarray(catalog_ids).tolist())}
    out = np.full(len(pos), -1, dtype=np.int64)
    for g, group in enumerate(groups):
        for v in group.video_ids:
            if v in pos:
                out[pos[v]] = g
    return out
