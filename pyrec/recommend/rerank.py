"""Re-ranking for a pleasant list: MMR diversity on embeddings; copies of one
video (confirmed duplicate groups) at most once. Look-alikes are not copies:
they are only kept apart when asked (`NearDuplicates.cosine` / `phashes`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.recommend.arrays import popcount64
from pyrec.recommend.catalog import Embeddings


@dataclass(frozen=True)
class NearDuplicates:
    """How to tell near-duplicates apart; any of the three may be given.
    `groups` are confirmed copies (dupes/): a list holds at most one of a
    group. Cosine and hash closeness is weaker evidence (two episodes of one
    show, clips of one set, look alike): off by default, since look-alikes
    are what a profile that likes one of them wants; when given, such pairs
    are only kept apart, never dropped."""

    groups: np.ndarray | None = None  # group id per catalogue position, -1 = none (dupes.group_of)
    cosine: float | None = None  # embeddings at least this close are kept apart (e.g. 0.97)
    phashes: np.ndarray | None = None  # one 64-bit perceptual hash per position (int64), 0 = none
    hamming: int = 6  # hashes at most this far apart are duplicates

    def pairs_with(self, p: int, candidates: np.ndarray, emb: Embeddings | None) -> np.ndarray:
        """Bool per candidate: a near-duplicate of p."""
        dup = np.zeros(candidates.size, dtype=bool)
        if self.groups is not None and self.groups[p] >= 0:
            dup |= self.groups[candidates] == self.groups[p]
        if self.cosine is not None and emb is not None and emb.present[p]:
            dup |= emb.present[candidates] & (emb.matrix[candidates] @ emb.matrix[p] >= self.cosine)
        if self.phashes is not None and self.phashes[p] != 0:
            x = np.bitwise_xor(self.phashes[candidates].view(np.uint64), np.uint64(self.phashes[p].view(np.uint64)))
            dup |= (self.phashes[candidates] != 0) & (popcount64(x) <= self.hamming)
        return dup


def mmr(
    positions: np.ndarray,
    relevance: np.ndarray,
    k: int,
    *,
    emb: Embeddings | None = None,
    diversity: float = 0.3,
    near_duplicates: NearDuplicates | None = NearDuplicates(),
    floor: float = 0.0,
    allowance: float = 0.0,
) -> np.ndarray:
    """Maximal marginal relevance: pick by (1 - diversity) * relevance -
    diversity * redundancy. Similarity is cosine lifted over `floor` (the
    library's likeness.Baseline): what every video shares with every other
    makes nothing redundant. Redundancy is the max similarity to what is
    already picked; with an `allowance`, it is the summed similarity beyond
    it (at most 1): a look may fill about `allowance` + 1 slots before its
    next look-alike pays, so liking one style gets that style, not one token
    clip of it. Items without an embedding compete on relevance alone. A near-duplicate of the item just
    picked is held back one slot (unless nothing else is left); another copy
    (same duplicate group) of a picked item is never picked."""
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0 or k <= 0:
        return np.zeros(0, np.int64)
    # Relevance half by rank, half by score relative to the k/4-th best (clipped
    # at 1): a pinned item (the next episode) with a score far above the rest
    # must not flatten everyone else's relevance and hand the list to the
    # diversity term, yet a clear gap in score (four look-alikes of what was
    # liked, then the rest) must survive the re-rank.
    raw = np.asarray(relevance, dtype=np.float64)
    order = np.argsort(-raw, kind="stable")
    by_rank = np.empty(raw.size)
    by_rank[order] = 1.0 - np.arange(raw.size) / max(raw.size, 1)
    ref = raw[order[min(max(k // 4, 1), raw.size) - 1]]
    by_score = np.clip(raw / ref, 0.0, 1.0) if ref > 0 else by_rank
    rel = 0.5 * by_rank + 0.5 * by_score
    has = np.zeros(positions.size, dtype=bool) if emb is None else emb.present[positions]
    vecs = None if emb is None else emb.matrix[positions]
    max_sim = np.zeros(positions.size)
    sum_sim = np.zeros(positions.size)
    taken = np.zeros(positions.size, dtype=bool)
    out: list[int] = []
    for _ in range(min(k, positions.size)):
        redundancy = max_sim if allowance <= 0 else np.clip(sum_sim - allowance, 0.0, 1.0)
        gain = (1.0 - diversity) * rel - diversity * redundancy
        gain[taken] = -np.inf
        if out and near_duplicates is not None:
            blocked = near_duplicates.pairs_with(int(positions[out[-1]]), positions, emb) & ~taken
            if (~taken & ~blocked).any():
                gain[blocked] = -np.inf
        i = int(np.argmax(gain))
        if not np.isfinite(gain[i]):
            break  # only copies of what is already picked are left
        taken[i] = True
        out.append(i)
        groups = near_duplicates.groups if near_duplicates is not None else None
        if groups is not None and groups[positions[i]] >= 0:
            taken |= groups[positions] == groups[positions[i]]  # its other copies: never
        if vecs is not None and has[i]:
            sims = np.where(has, np.clip((vecs @ vecs[i] - floor) / (1.0 - floor), 0.0, 1.0), 0.0)
            max_sim = np.maximum(max_sim, sims)
            sum_sim += sims
    return positions[out]
