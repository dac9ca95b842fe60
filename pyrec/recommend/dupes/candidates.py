"""Candidate pairs for duplicate detection: the pairs worth verifying, far
fewer than all pairs. From the keyframe hashes (an exact-match index on
band pairs) and from the embeddings (nearest neighbours in a vector index)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pyrec.recommend.arrays import sorted_unique
from pyrec.recommend.dupes.hashes import informative
from pyrec.recommend.dupes.items import DupeItem
from pyrec.recommend.dupes.views import centre_crop
from pyrec.recommend.vectors import IndexFactory, core_index

# Candidate keys: two of a hash's four 16-bit bands, side by side (6 pairs).
_BAND_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
CANDIDATE_CROP = (0.9, 0.9)  # the centre whose hashes a video also brings


def candidate_pairs(items: Sequence[DupeItem], *, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Pairs of videos with a keyframe hash each that agree exactly on two of
    their four 16-bit bands. Pigeonhole: hashes within 2 bits always do (a
    re-encode or resize flips 0-2 bits of most frames), and a few flips more
    still leave some band pair intact on some frames of a copy. A 32-bit key
    almost never matches by chance, so unrelated videos of a large library
    share next to no key, and the work is one sort of 6 keys per keyframe
    (single 16-bit bands are shared by chance by tens of millions of pairs
    at 100k videos, whose counting took 25 s)."""
    keys = []
    for it in items:
        h = np.asarray(it.hashes, np.int64).ravel()
        h = h[informative(h)].view(np.uint64)
        bands = [((h >> np.uint64(16 * b)) & np.uint64(0xFFFF)).astype(np.int64) for b in range(4)]
        # key: band pair in the high bits, its 32-bit value below
        keys.append(np.concatenate([(c << 32) | (bands[a] << 16) | bands[b] for c, (a, b) in enumerate(_BAND_PAIRS)]))
    return shared_key_pairs(keys, max_bucket=max_bucket)


def dense_pairs(items: Sequence[DupeItem], *, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Pairs of videos with a dense frame grid each whose 256-bit hashes
    (cell above the frame's median) agree exactly on one of eight 32-bit
    bands (a copy flips a few of the 256 bits, so most of its frames keep
    several bands whole, trims included). Each video also brings the hashes
    of its centre 90%, so a cropped copy meets its original."""
    keys = []
    for it in items:
        f = it.frames
        if f is None or len(f) == 0:
            keys.append(np.zeros(0, np.int64))
            continue
        # its own grids, and those of its centre (what a cropped copy grids to)
        both = np.concatenate([f, centre_crop(f, *CANDIDATE_CROP)])
        bits = np.packbits(both > np.median(both, axis=1, keepdims=True), axis=1)  # [2n, 32]
        words = np.ascontiguousarray(bits).view(">u4").astype(np.int64)  # [2n, 8]
        keys.append(np.unique((np.arange(8, dtype=np.int64)[None, :] << 32 | words).ravel()))
    return shared_key_pairs(keys, max_bucket=max_bucket)


def shared_key_pairs(keys: Sequence[np.ndarray], *, max_bucket: int = 64) -> set[tuple[int, int]]:
    """Pairs (i < j) of owners that share a key (int64, below 2**35). A key
    shared by more than `max_bucket` owners is a common pattern, not evidence."""
    n = len(keys)
    if n < 2:
        return set()
    lengths = np.fromiter((k.size for k in keys), np.int64, n)
    if not lengths.any():
        return set()
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    entries = sorted_unique(np.concatenate(keys) * n + owner)  # one entry per (bucket, owner), sorted
    bucket, video = entries // n, entries % n
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    sizes = np.diff(np.r_[starts, bucket.size])
    lo_parts, hi_parts = [], []
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_bucket)]).tolist():
        first = starts[sizes == size]
        iu, ju = np.triu_indices(size, 1)
        lo_parts.append(video[first[:, None] + iu[None, :]].ravel())  # videos ascend within a bucket
        hi_parts.append(video[first[:, None] + ju[None, :]].ravel())
    if not lo_parts:
        return set()
    pair_keys = sorted_unique(np.concatenate(lo_parts) * n + np.concatenate(hi_parts))
    return set(zip((pair_keys // n).tolist(), (pair_keys % n).tolist()))


def embedding_pairs(
    items: Sequence[DupeItem], *, threshold: float = 0.97, index_factory: IndexFactory | None = None,
) -> dict[tuple[int, int], float]:
    """{(i, j): cosine} for pairs of items (i < j) whose embeddings are at
    least `threshold` close (each item's ten nearest neighbours are looked at)."""
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
                if j >= 0 and j != i and s >= threshold:
                    key = (min(i, j), max(i, j))
                    emb_sim[key] = max(s, emb_sim.get(key, -1.0))
    return emb_sim
