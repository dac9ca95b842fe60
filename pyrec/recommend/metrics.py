"""Ranking metrics. Binary relevance; `ranked` is a list of item positions,
best first; `relevant` is the set of held-out positives.

Recall@K = hits in top K / |relevant|
NDCG@K   = DCG / ideal DCG, gain 1/log2(rank + 1), ideal over min(|relevant|, K)
AP@K     = sum over hits of precision at that rank / min(|relevant|, K)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np


def recall_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        return 0.0
    return sum(1 for r in ranked[:k] if r in relevant) / len(relevant)


def hit_rate_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    return float(any(r in relevant for r in ranked[:k]))


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        return 0.0
    dcg = sum(1.0 / np.log2(i + 2) for i, r in enumerate(ranked[:k]) if r in relevant)
    ideal = sum(1.0 / np.log2(i + 2) for i in range(min(len(relevant), k)))
    return float(dcg / ideal)


def average_precision_at_k(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, r in enumerate(ranked[:k]):
        if r in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), k)


def coverage(lists: Iterable[Sequence[int]], n_items: int) -> float:
    """Share of the catalogue that appears in at least one list."""
    seen: set[int] = set()
    for lst in lists:
        seen.update(int(x) for x in lst)
    return len(seen) / n_items if n_items else 0.0


def intra_list_diversity(items: Sequence[int], vectors: np.ndarray, present: np.ndarray | None = None) -> float:
    """Mean pairwise cosine distance (1 - cos) among list items that have a
    (unit) vector; 0 for lists with fewer than two such items."""
    idx = [int(i) for i in items if present is None or present[int(i)]]
    if len(idx) < 2:
        return 0.0
    v = vectors[idx]
    sims = v @ v.T
    n = len(idx)
    return float((n * n - sims.sum()) / (n * (n - 1)))  # the diagonal (cos = 1) adds 0


def novelty(items: Sequence[int], popularity: np.ndarray, n_users: int) -> float:
    """Mean self-information -log2(p) of the list, p = share of users who
    interacted with the item (unseen items count as seen by one)."""
    if len(items) == 0 or n_users == 0:
        return 0.0
    p = np.maximum(popularity[np.asarray(items, dtype=np.int64)], 1.0) / n_users
    return float(np.mean(-np.log2(p)))
