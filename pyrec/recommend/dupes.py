"""Near-duplicate videos: the same content re-encoded, resized or trimmed.

Evidence is the set of keyframe perceptual hashes (64-bit DCT pHash; a
re-encode or resize flips only a few bits) compared with a tolerance on time
alignment (a trimmed copy has the same frames, shifted), plus optional
embedding cosine for videos whose keyframes were picked differently.
Candidates come from hash band pairs (pigeonhole: hashes within 2 bits agree
exactly on two of their four 16-bit bands) and from the embedding index, so
the work is far below all pairs. Groups are the connected components
(union-find); the best copy is the one with most pixels, then bitrate, then
duration.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from pyrec.recommend.arrays import popcount64, sorted_unique
from pyrec.recommend.vectors import IndexFactory, core_index

if TYPE_CHECKING:
    from pyrec.library import Library


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


# Candidate keys: two of a hash's four 16-bit bands, side by side (6 pairs).
_BAND_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))


def candidate_pairs(items: Sequence[DupeItem], *, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Pairs of videos with a keyframe hash each that agree exactly on two of
    their four 16-bit bands. Pigeonhole: hashes within 2 bits always do (a
    re-encode or resize flips 0-2 bits of most frames), and a few flips more
    still leave some band pair intact on some frames of a copy. A 32-bit key
    almost never matches by chance, so unrelated videos of a large library
    share next to no key, and the work is one sort of 6 keys per keyframe
    (single 16-bit bands are shared by chance by tens of millions of pairs
    at 100k videos, whose counting took 25 s)."""
    n = len(items)
    if n < 2:
        return set()
    lengths = np.fromiter((np.size(it.hashes) for it in items), np.int64, n)
    if not lengths.any():
        return set()
    hashes = np.concatenate([np.asarray(it.hashes, np.int64).ravel() for it in items])
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keep = informative(hashes)
    h, owner = hashes[keep].view(np.uint64), owner[keep]
    bands = [((h >> np.uint64(16 * b)) & np.uint64(0xFFFF)).astype(np.int64) for b in range(4)]
    # key: band pair in the high bits, its 32-bit value below, the video last
    keys = np.concatenate([((c << 32) | (bands[a] << 16) | bands[b]) * n + owner for c, (a, b) in enumerate(_BAND_PAIRS)])
    entries = sorted_unique(keys)  # one entry per (bucket, video), sorted by bucket then video
    bucket, video = entries // n, entries % n
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    sizes = np.diff(np.r_[starts, bucket.size])
    lo_parts, hi_parts = [], []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]).tolist():  # a huge bucket is a common pattern, not evidence
        first = starts[sizes == size]
        iu, ju = np.triu_indices(size, 1)
        lo_parts.append(video[first[:, None] + iu[None, :]].ravel())  # videos ascend within a bucket
        hi_parts.append(video[first[:, None] + ju[None, :]].ravel())
    if not lo_parts:
        return set()
    pair_keys = sorted_unique(np.concatenate(lo_parts) * n + np.concatenate(hi_parts))
    return set(zip((pair_keys // n).tolist(), (pair_keys % n).tolist()))


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
    for i in sorted({i for pair in evidence for i in pair[:2]}):  # ascending: ties keep the first
        members[uf.find(i)].append(i)
    by_root: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for i, j, e in evidence:
        by_root[uf.find(i)].append((items[i].video_id, items[j].video_id, e))
    groups = []
    for root, idx in members.items():
        best = max(idx, key=lambda i: (items[i].width * items[i].height, items[i].bitrate, items[i].duration, items[i].size))
        groups.append(DupeGroup(sorted(items[i].video_id for i in idx), items[best].video_id, by_root[root]))
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


# -- groups kept in the library ---------------------------------------------------
# Detection reads every keyframe hash of the library (a second or more at 100k
# videos), so it runs when the library changes (the end of a scan, `pyrec
# dupes`), not when a recommender is built: the groups are stored in the
# library's settings next to a fingerprint of what they were found from.

DETECTION_VERSION = 2  # bump when detection changes: stored groups are then found again
GROUPS_SETTING = "recommend.duplicate_groups"


def library_fingerprint(lib: Library) -> str:
    """What detection depends on, in three small reads: the number of 'ok'
    videos, the newest id and the latest `updated_at` among them. Every way a
    video enters the 'ok' set or gets new keyframes (a scan's upsert, a moved
    or returning file) stamps `updated_at` with the time; every way out
    (missing, failed, deleted) lowers the count."""
    count = lib.count_videos("ok")
    newest = lib.videos("ok", order="-id", limit=1)
    touched = lib.videos("ok", order="-updated_at", limit=1)
    last_id = newest[0].id if newest else 0
    updated = touched[0].updated_at if touched else 0.0
    return f"v{DETECTION_VERSION}:{count}:{last_id}:{updated!r}"


def stored_groups(lib: Library) -> tuple[str | None, list[DupeGroup]]:
    """(fingerprint, groups) as last stored; (None, []) when never stored or unreadable."""
    raw = lib.setting(GROUPS_SETTING)
    if not raw:
        return None, []
    try:
        data = json.loads(raw)
        groups = [DupeGroup([int(v) for v in g["ids"]], int(g["best"]), [(int(a), int(b), float(e)) for a, b, e in g["pairs"]])
                  for g in data["groups"]]
        return str(data["fingerprint"]), groups
    except (ValueError, KeyError, TypeError):
        return None, []  # written by another version: found again


def store_groups(lib: Library, fingerprint: str, groups: Sequence[DupeGroup]) -> None:
    data = {"fingerprint": fingerprint,
            "groups": [{"ids": g.video_ids, "best": g.best, "pairs": [[a, b, round(e, 4)] for a, b, e in g.pairs]} for g in groups]}
    lib.set_setting(GROUPS_SETTING, json.dumps(data, separators=(",", ":")))


def library_items(lib: Library) -> list[DupeItem]:
    """Detection input for every 'ok' video: keyframe hashes (one bulk read), size and shape."""
    keyframes = lib.all_keyframe_hashes()
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
    items = []
    for v in lib.videos("ok"):
        hashes, times = keyframes.get(v.id, empty)
        p = v.probe
        items.append(DupeItem(v.id, hashes, times, duration=(p.duration or 0.0) if p else 0.0,
                              width=(p.width or 0) if p else 0, height=(p.height or 0) if p else 0, size=v.file.size or 0))
    return items


def detect_in_library(lib: Library) -> list[DupeGroup]:
    """Find the groups of the library as it is now and store them (with the
    fingerprint read first, so a scan writing meanwhile leaves them stale)."""
    fingerprint = library_fingerprint(lib)
    groups = find_duplicates(library_items(lib))
    store_groups(lib, fingerprint, groups)
    return groups


def library_groups(lib: Library, *, detect_below: int | None = None) -> tuple[list[DupeGroup], bool]:
    """(groups, current). The stored groups when the library has not changed
    since they were found; else, with fewer than `detect_below` 'ok' videos
    (detection is cheap there), found now and stored; else the stored ones
    as they are (their videos that left are dropped by DupeIndex.build, new
    videos join at the next `detect_in_library`) and current=False."""
    fingerprint, groups = stored_groups(lib)
    if fingerprint is not None and fingerprint == library_fingerprint(lib):
        return groups, True
    if detect_below is not None and lib.count_videos("ok") < detect_below:
        return detect_in_library(lib), True
    return groups, False
