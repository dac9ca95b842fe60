from __future__ import annotations

import math

import numpy as np
import pytest

from pyrec.recommend import metrics


def test_recall_ndcg_map_by_hand() -> None:
    ranked = [5, 1, 7, 2, 9]
    relevant = {1, 2, 3}
    # hits at ranks 2 and 4 (1-based)
    assert metrics.recall_at_k(ranked, relevant, 5) == pytest.approx(2 / 3)
    assert metrics.recall_at_k(ranked, relevant, 2) == pytest.approx(1 / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(ranked, relevant, 5) == pytest.approx(dcg / idcg)
    # AP@5 = (1/2 + 2/4) / min(3, 5)
    assert metrics.average_precision_at_k(ranked, relevant, 5) == pytest.approx((0.5 + 0.5) / 3)
    assert metrics.hit_rate_at_k(ranked, relevant, 1) == 0.0
    assert metrics.hit_rate_at_k(ranked, relevant, 2) == 1.0


def test_perfect_and_empty() -> None:
    assert metrics.ndcg_at_k([1, 2], {1, 2}, 10) == pytest.approx(1.0)
    assert metrics.average_precision_at_k([1, 2], {1, 2}, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at_k([1, 2], set(), 10) == 0.0


def test_coverage_diversity_novelty() -> None:
    assert metrics.coverage([[0, 1], [1, 2]], 10) == pytest.approx(0.3)
    v = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    # pairs: (0,1) distance 1, (0,2) 0, (1,2) 1 -> mean 2/3
    assert metrics.intra_list_diversity([0, 1, 2], v) == pytest.approx(2 / 3)
    assert metrics.intra_list_diversity([0, 2], v) == pytest.approx(0.0)
    pop = np.array([50.0, 25.0, 0.0])
    # -log2(50/100) = 1, -log2(25/100) = 2, unseen counts as 1 -> -log2(1/100)
    assert metrics.novelty([0, 1], pop, 100) == pytest.approx(1.5)
    assert metrics.novelty([2], pop, 100) == pytest.approx(math.log2(100))
