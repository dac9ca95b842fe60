"""A text embedding that needs no model file: TF-IDF + truncated SVD (LSA).

The service embeds text with the bundled ONNX model; this is the fallback for
catalogues without one (MovieLens, a library scanned before the model was
installed) and is good enough to relate "space alien horror" to "sci-fi".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.sparse import CSR

TOKEN = re.compile(r"[^\W_]{2,}", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def tfidf(texts: Sequence[str], *, min_df: int = 2, max_df: float = 0.5) -> tuple[CSR, list[str]]:
    """Sublinear TF-IDF rows (unit length) and the vocabulary."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, text in enumerate(texts):
        for tok in tokenize(text):
            rows.append(r)
            cols.append(vocab.setdefault(tok, len(vocab)))
    n = len(texts)
    counts = CSR.from_coo(np.array(rows, np.int64), np.array(cols, np.int64), np.ones(len(rows), np.float32), (n, len(vocab)))
    df = np.bincount(counts.indices, minlength=len(vocab))
    keep = (df >= min_df) & (df <= max(max_df * n, min_df))
    remap = np.full(len(vocab), -1, dtype=np.int64)
    remap[keep] = np.arange(int(keep.sum()))
    words = [w for w, i in vocab.items() if keep[i]]
    entry_keep = keep[counts.indices]
    r = counts.row_of_entry()[entry_keep]
    c = remap[counts.indices[entry_keep]]
    idf = np.log((1.0 + n) / (1.0 + df[keep])) + 1.0
    v = (1.0 + np.log(counts.data[entry_keep])) * idf[c]
    norm = np.sqrt(np.bincount(r, weights=v.astype(np.float64) ** 2, minlength=n))
    v = v / np.where(norm > 0, norm, 1.0)[r]
    return CSR.from_coo(r, c, v, (n, len(words)), sum_duplicates=False), words


def lsa_embed(texts: Sequence[str], dim: int = 64, *, min_df: int = 2, seed: int = 0, power_iterations: int = 3) -> np.ndarray:
    """Unit-length [n, dim'] float32 embeddings (dim' <= dim when the vocabulary
    is small); rows of texts with no known word are zero."""
    a, words = tfidf(texts, min_df=min_df)
    n, v = a.shape
    k = min(dim, max(min(n, v) - 1, 0))
    if k == 0:
        return np.zeros((n, 0), dtype=np.float32)
    at = a.transpose()
    rng = np.random.default_rng(seed)
    # Randomised range finder (Halko et al.) with a few power iterations.
    y = a.matmul(rng.standard_normal((v, k + 10)))
    for _ in range(power_iterations):
        q, _ = np.linalg.qr(y)
        q, _ = np.linalg.qr(at.matmul(q))
        y = a.matmul(q)
    q, _ = np.linalg.qr(y)
    b = at.matmul(q).T  # (k+10) x v
    ub, s, _ = np.linalg.svd(b, full_matrices=False)
    u = q @ ub[:, :k]
    return normalise_rows((u * s[:k]).astype(np.float32))
