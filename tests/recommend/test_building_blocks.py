from __future__ import annotations

import numpy as np

from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.catalog import Embeddings
from pyrec.recommend.kmeans import kmeans
from pyrec.recommend.sparse import CSR
from pyrec.recommend.textvec import lsa_embed
from pyrec.recommend.vectors import build_index, search


def test_csr_products_match_dense() -> None:
    rng = np.random.default_rng(0)
    dense = (rng.random((7, 5)) < 0.4) * rng.random((7, 5))
    r, c = np.nonzero(dense)
    m = CSR.from_coo(r, c, dense[r, c], (7, 5))
    x, y = rng.random(5), rng.random(7)
    assert np.allclose(m.dot(x), dense @ x, atol=1e-6)
    assert np.allclose(m.rdot(y), y @ dense, atol=1e-6)
    assert np.allclose(m.rdot_rows(np.array([1, 4]), y[[1, 4]]), y[[1, 4]] @ dense[[1, 4]], atol=1e-6)
    b = rng.random((5, 3))
    assert np.allclose(m.matmul(b, chunk=3), dense @ b, atol=1e-6)
    assert np.allclose(m.transpose().rdot(x), m.dot(x), atol=1e-6)


def test_csr_dot_with_empty_rows_anywhere() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((6, 4)) * (rng.random((6, 4)) < 0.6)
    dense[[0, 2, 5]] = 0.0  # empty first, middle and last rows: reduceat's edge cases
    r, c = np.nonzero(dense)
    m = CSR.from_coo(r, c, dense[r, c], (6, 4))
    x = rng.random(4)
    assert np.allclose(m.dot(x), dense @ x, atol=1e-6)
    assert m.dot(x)[[0, 2, 5]].tolist() == [0.0, 0.0, 0.0]
    empty = CSR.from_coo(np.zeros(0), np.zeros(0), np.zeros(0), (3, 4))
    assert empty.dot(x).tolist() == [0.0, 0.0, 0.0]
    for _ in range(300):  # every sparsity from empty to full, odd shapes
        rows, cols = int(rng.integers(1, 9)), int(rng.integers(1, 6))
        d = rng.random((rows, cols)) * (rng.random((rows, cols)) < rng.random())
        r, c = np.nonzero(d)
        x = rng.random(cols)
        assert np.allclose(CSR.from_coo(r, c, d[r, c], (rows, cols)).dot(x), d @ x, atol=1e-6)


def test_kmeans_finds_planted_clusters() -> None:
    rng = np.random.default_rng(1)
    centres = normalise_rows(rng.normal(size=(3, 16)))
    x = normalise_rows(np.repeat(centres, 10, axis=0) + 0.05 * rng.normal(size=(30, 16)))
    c, assign = kmeans(x, 3)
    assert c.shape == (3, 16)
    assert all(len(set(assign[i * 10:(i + 1) * 10].tolist())) == 1 for i in range(3))
    assert len(set(assign.tolist())) == 3


def test_reduced_index_answers_in_full_space() -> None:
    rng = np.random.default_rng(2)
    basis = rng.normal(size=(40, 600))
    x = normalise_rows((rng.normal(size=(3000, 40)) @ basis + 0.3 * rng.normal(size=(3000, 600))).astype(np.float32))
    emb = Embeddings(x, np.ones(3000, dtype=bool))
    index = build_index(emb, max_dims=64)
    q = x[:5]
    ids, scores = search(index, q, 10, exclude=np.arange(5))
    exact = q @ x.T
    exact[:, :5] = -np.inf
    truth = np.argsort(-exact, axis=1)[:, :10]
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids.tolist(), truth.tolist())])
    assert overlap >= 0.9
    assert np.allclose(scores, np.take_along_axis(exact, ids, 1), atol=1e-5)  # scores are exact cosines


def test_lsa_relates_texts_sharing_words() -> None:
    texts = ["space alien horror ship", "alien crew ship space", "romantic comedy wedding", "wedding love comedy",
             "cooking show kitchen", "kitchen baking show"]
    e = lsa_embed(texts * 2, 4)
    sims = e @ e.T
    assert sims[0, 1] > 0.8 and sims[2, 3] > 0.8 and abs(sims[0, 2]) < 0.2
