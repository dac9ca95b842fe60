"""Vector indexes over a catalogue's embeddings, keyed by catalogue position.

Search runs in the native core (`pyrec.core.VectorIndex`). The factory is a
parameter only so that the benchmark can put a pure-NumPy index through the
very same pipeline and compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np

from pyrec.recommend.arrays import normalise_rows, small_matmul_t
from pyrec.recommend.catalog import Embeddings

if TYPE_CHECKING:
    from pyrec.core.vector_index import DType, Metric


class IndexLike(Protocol):
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def search(
        self, queries: np.ndarray, k: int, exclude: np.ndarray | None = None, allow: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


IndexFactory = Callable[[int, str, str], IndexLike]


def core_index(dim: int, metric: str = "cosine", dtype: str = "f32") -> IndexLike:
    from pyrec.core import VectorIndex

    # Checked by the core; the factory signature keeps plain strings.
    return VectorIndex(dim, metric=cast("Metric", metric), dtype=cast("DType", dtype))


class ReducedIndex:
    """Search in a low-dimensional projection, answer in the full space.

    A 1280-d visual embedding costs 10x a 128-d one to scan; the projection
    (top singular directions of the catalogue) keeps neighbourhoods, and the
    candidates it finds (oversampled) are re-scored exactly with the full
    vectors, so scores and order match full-dimension cosine."""

    def __init__(self, inner: IndexLike, projection: np.ndarray, full: np.ndarray, oversample: int = 2) -> None:
        self.inner = inner
        self.projection = projection  # [d, r]
        self.full = full  # [n, d] unit rows, indexed by id (= catalogue position)
        self.oversample = oversample

    def _project(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        # Queries are a handful of rows: keep BLAS (and its thread pool) out.
        return normalise_rows(x @ self.projection if x.shape[0] > 64 else small_matmul_t(x, self.projection.T))

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.inner.add(ids, self._project(vectors))

    def __len__(self) -> int:
        return len(self.inner)

    def search(
        self, queries: np.ndarray, k: int, exclude: np.ndarray | None = None, allow: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        q = normalise_rows(np.atleast_2d(queries))
        wide = min(k * self.oversample, len(self.inner))
        ids, _ = self.inner.search(self._project(q), wide, exclude=exclude, allow=allow)
        ids = np.atleast_2d(np.asarray(ids, dtype=np.int64))
        exact = np.einsum("mkd,md->mk", self.full[np.maximum(ids, 0)], q)
        exact = np.where(ids >= 0, exact, -np.inf).astype(np.float32)
        order = np.argsort(-exact, axis=1, kind="stable")[:, :k]
        out_ids, out_scores = np.take_along_axis(ids, order, 1), np.take_along_axis(exact, order, 1)
        if out_ids.shape[1] < k:  # pad like the core does
            pad = k - out_ids.shape[1]
            out_ids = np.pad(out_ids, ((0, 0), (0, pad)), constant_values=-1)
            out_scores = np.pad(out_scores, ((0, 0), (0, pad)), constant_values=-np.inf)
        return out_ids, out_scores


def projection(matrix: np.ndarray, dims: int, *, sample: int = 5000, seed: int = 0) -> np.ndarray:
    """[d, dims] top right-singular directions of (a sample of) the rows."""
    rng = np.random.default_rng(seed)
    x = matrix if matrix.shape[0] <= sample else matrix[rng.choice(matrix.shape[0], sample, replace=False)]
    x = np.asarray(x, dtype=np.float32)
    # Randomised range finder with one power iteration: a full SVD of a
    # 5000 x 1280 sample costs seconds, this a fraction of one.
    y = x @ (x.T @ (x @ rng.standard_normal((x.shape[1], dims + 10)).astype(np.float32)))
    q, _ = np.linalg.qr(y)
    _, _, vt = np.linalg.svd(q.T @ x, full_matrices=False)
    return np.ascontiguousarray(vt[:dims].T, dtype=np.float32)


def build_index(
    emb: Embeddings,
    *,
    metric: str = "cosine",
    dtype: str = "auto",
    factory: IndexFactory | None = None,
    max_dims: int = 128,
    large: int = 50_000,
) -> IndexLike:
    """An index over the present rows, ids = catalogue positions. Above
    2 x max_dims dimensions it searches a projection (see ReducedIndex);
    "auto" dtype is f32 for small catalogues and int8 from `large` rows up."""
    ids = np.flatnonzero(emb.present).astype(np.int64)
    if dtype == "auto":
        dtype = "i8" if ids.size >= large else "f32"
    if emb.dim > 2 * max_dims and ids.size > max_dims and metric == "cosine":
        proj = projection(emb.matrix[ids], max_dims)
        index: IndexLike = ReducedIndex((factory or core_index)(max_dims, metric, dtype), proj, emb.matrix)
    else:
        index = (factory or core_index)(emb.dim, metric, dtype)
    if ids.size:
        index.add(ids, np.ascontiguousarray(emb.matrix[ids], dtype=np.float32))
    return index


def search(
    index: IndexLike, queries: np.ndarray, k: int, *, exclude: np.ndarray | None = None, allow: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Search and drop the -1 padding. Returns 2-D (ids, scores) for 2-D
    queries: row i holds the valid hits of query i, padded ids -1."""
    q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
    k = max(1, min(int(k), len(index)))
    if len(index) == 0:
        return np.full((q.shape[0], 0), -1, np.int64), np.zeros((q.shape[0], 0), np.float32)
    ex = None if exclude is None or len(exclude) == 0 else np.ascontiguousarray(exclude, dtype=np.int64)
    al = None if allow is None else np.ascontiguousarray(allow, dtype=np.int64)
    ids, scores = index.search(q, k, exclude=ex, allow=al)
    return np.atleast_2d(np.asarray(ids, dtype=np.int64)), np.atleast_2d(np.asarray(scores, dtype=np.float32))
