"""Re-ranking for a pleasant list: MMR diversity on embeddings; copies of one
video (confirmed duplicate groups) at most once, and never two look-alikes
(embedding or hash near-duplicates) side by side."""

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
    show may look alike): such pairs are only kept apart."""

    groups: np.ndarray | None = None  # group id per catalogue position, -1 = none (dupes.group_of)
    cosine: float | None = 0.97  # embeddings at least this close are duplicates
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
) -> np.ndarray:
    """Maximal marginal relevance: pick by (1 - diversity) * relevance -
    diversity * (max similarity to what is already picked). Items without an
    embedding compete on relevance alone. A near-duplicate of the item just
    picked is held back one slot (unless nothing else is left); another copy
    (same duplicate group) of a picked item is never picked."""
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0 or k <= 0:
        return np.zeros(0, np.int64)
    # Relevance by rank, not raw score: a pinned item (the next episode) with
    # a score far above the rest must not flatten everyone else's relevance
    # and hand the list to the diversity term.
    raw = np.asarray(relevance, dtype=np.float64)
    order = np.argsort(-raw, kind="stable")
    rel = np.empty(raw.size)
    rel[order] = 1.0 - np.arange(raw.size) / max(raw.size, 1)
    has = np.zeros(positions.size, dtype=bool) if emb is None else emb.present[positions]
    vecs = None if emb is None else emb.matrix[positions]
    max_sim = np.zeros(positions.size)
    taken = np.zeros(positions.size, dtype=bool)
    out: list[int] = []
    for _ in range(min(k, positions.size)):
        gain = (1.0 - diversity) * rel - diversity * max_sim
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
            sims = np.where(has, vecs @ vecs[i], 0.0)
            max_sim = np.maximum(max_sim, sims)
    return positions[out]
