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


def candidate_pairs(items: Sequence[DupeItem], *, max_bucket: int = 64, min_hits: int = 2) -> set[tuple[int, int]]:
    """Pairs sharing an exact 16-bit band of some informative keyframe hash,
    at least `min_hits` times (bands x keyframes) when both videos have that
    many informative keyframes. Copies share many (each keyframe, up to four
    bands); unrelated videos of a large library share one band by chance
    (1M hashes over 65536 band values), and the exact check of every such
    pair would dominate the run."""
    n = len(items)
    counts = np.zeros(max(n, 1), np.int64)
    keys: list[np.ndarray] = []
    for i, it in enumerate(items):
        h = np.asarray(it.hashes, np.int64)[informative(it.hashes)].view(np.uint64)
        counts[i] = h.size
        for band in range(4):  # key: band in the high bits, its 16-bit value below, the video last
            band_value = ((h >> np.uint64(16 * band)) & np.uint64(0xFFFF)).astype(np.int64)
            keys.append(((band << 16) | band_value) * n + i)
    if not keys:
        return set()
    entries = np.unique(np.concatenate(keys))  # one entry per (bucket, video), sorted by bucket then video
    bucket, owner = entries // n, entries % n
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    sizes = np.diff(np.r_[starts, bucket.size])
    lo_parts, hi_parts = [], []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]).tolist():  # a huge bucket is a common pattern, not evidence
        first = starts[sizes == size]
        iu, ju = np.triu_indices(size, 1)
        lo_parts.append(owner[first[:, None] + iu[None, :]].ravel())  # owners ascend within a bucket
        hi_parts.append(owner[first[:, None] + ju[None, :]].ravel())
    if not lo_parts:
        return set()
    pair_keys, hits = np.unique(np.concatenate(lo_parts) * n + np.concatenate(hi_parts), return_counts=True)
    lo, hi = pair_keys // n, pair_keys % n
    keep = hits >= np.minimum(min_hits, np.minimum(counts[lo], counts[hi]))
    return set(zip(lo[keep].tolist(), hi[keep].tolist()))


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


@dataclass(frozen=True)
class DupeIndex:
    """Duplicate groups over catalogue positions, built once per catalogue
    (`build`) so that serving costs O(videos that have a copy), never
    O(catalogue): copies of one video are treated as that one video.

    Per profile (`hidden`): a group with a watched, disliked or hidden member
    is consumed and none of its copies is recommended as new; any other group
    shows one copy: the one the profile last played (its resume point lives
    there), else the best copy (most pixels, bitrate, duration)."""

    group: np.ndarray  # int64 per position, -1 = no copy
    members: np.ndarray  # int64 positions that are in a group, grouped (group order)
    indptr: np.ndarray  # int64 [groups + 1]: members[indptr[g]:indptr[g + 1]] are group g
    best: np.ndarray  # int64 per group: position of the copy to show by default
    member_group: np.ndarray = field(init=False)  # int64 group of each member

    def __post_init__(self) -> None:
        groups = np.arange(self.best.size, dtype=np.int64)
        object.__setattr__(self, "member_group", np.repeat(groups, np.diff(self.indptr)))

    @classmethod
    def empty(cls, n: int) -> DupeIndex:
        return cls(np.full(n, -1, np.int64), np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64))

    @classmethod
    def build(cls, groups: Sequence[DupeGroup], catalog_ids: np.ndarray) -> DupeIndex:
        ids = np.asarray(catalog_ids)
        pos = {int(v): i for i, v in enumerate(ids.tolist())}
        group = np.full(ids.size, -1, np.int64)
        members: list[int] = []
        indptr = [0]
        best: list[int] = []
        for g in groups:
            here = sorted({pos[v] for v in g.video_ids if v in pos})
            if len(here) < 2:  # the other copies left the catalogue: nothing to merge
                continue
            group[here] = len(best)
            members.extend(here)
            indptr.append(len(members))
            keep = pos.get(g.best, -1)
            best.append(keep if keep in here else here[0])
        return cls(group, np.array(members, np.int64), np.array(indptr, np.int64), np.array(best, np.int64))

    @property
    def n_groups(self) -> int:
        return int(self.best.size)

    def siblings(self, p: int) -> np.ndarray:
        """p and its other copies (just p when it has none)."""
        g = int(self.group[p])
        if g < 0:
            return np.array([p], np.int64)
        return self.members[self.indptr[g]: self.indptr[g + 1]]

    def key(self, p: int) -> int:
        """One key per video, shared by all its copies."""
        g = int(self.group[p])
        return p if g < 0 else self.group.size + g

    def hidden(
        self, *, consumed: np.ndarray | None = None, seen: np.ndarray | None = None, last_time: np.ndarray | None = None,
    ) -> np.ndarray:
        """Positions not to recommend: every copy in a group with a `consumed`
        member, and all but one copy of every other group."""
        m = self.members
        if m.size == 0:
            return m
        g = self.member_group
        show = self.best.copy()
        if seen is not None and last_time is not None:
            s = seen[m]
            if s.any():  # the copy the profile played last
                sm, sg = m[s], g[s]
                order = np.lexsort((np.nan_to_num(last_time[sm], nan=-np.inf), sg))
                sm, sg = sm[order], sg[order]
                last = np.r_[sg[1:] != sg[:-1], True]
                show[sg[last]] = sm[last]
        hide = m != show[g]
        if consumed is not None:
            bad = np.zeros(self.n_groups, dtype=bool)
            bad[g[consumed[m]]] = True
            hide |= bad[g]
        return m[hide]
