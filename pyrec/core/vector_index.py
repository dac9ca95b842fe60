"""Exact top-k vector search over a person's library (native core).

``VectorIndex`` keeps one vector per item id and answers "which ids are most
similar to this query" exactly (f32), or nearly so (f16, i8), by scanning
every stored row with SIMD kernels chosen for this CPU at run time.

Conventions the rest of pyrec relies on:

* Ids are non-negative int64 (library row ids); -1 pads short results.
* Results are sorted by score, descending; equal scores go to the smaller id.
* ``metric="cosine"`` normalises stored vectors on ``add`` and queries on
  ``search``; a zero vector stays zero and scores 0 against everything.
* Inputs must be finite: NaN or infinity in ``add`` or ``search`` raises
  ``ValueError`` (nothing is added). A query of the wrong dimension, or
  vectors of the wrong shape, raise ``ValueError``; non-numeric arrays raise
  ``TypeError``.
* float32 C-contiguous arrays reach the core without a copy; other real
  dtypes and layouts are converted first.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from pyrec import _core

Metric = Literal["cosine", "dot"]
DType = Literal["f32", "f16", "i8"]

_REAL_KINDS = "fiu"  # float, signed, unsigned: values that mean a number


def simd_level() -> str:
    """SIMD instruction set the kernels use now ('avx512', 'avx2', 'neon', 'scalar')."""
    return str(_core.simd_level())


def available_simd_levels() -> list[str]:
    """Every level this CPU and build can run, lowest first."""
    return list(_core.available_simd_levels())


def force_simd_level(level: str | None) -> None:
    """Force a SIMD level for every later call (tests); None restores detection."""
    _core.force_simd_level(level or "")


def _as_f32(values: npt.ArrayLike, name: str) -> np.ndarray:
    """float32, C-contiguous and aligned: the input itself when it already is."""
    arr = np.asarray(values)
    if arr.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    # float64 beyond the float32 range becomes inf, which the core rejects
    # with a ValueError; numpy's cast warning would only say it twice.
    with np.errstate(over="ignore", invalid="ignore"):
        return np.require(arr, dtype=np.float32, requirements=["C", "A"])


def _as_ids(values: npt.ArrayLike | Iterable[int], name: str) -> np.ndarray:
    """int64 1-D ids; any integer dtype (or list/set of ints) is accepted."""
    if isinstance(values, (set, frozenset)):
        values = sorted(values)
    arr = np.asarray(values)
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind == "u" and arr.dtype.itemsize == 8 and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        raise ValueError(f"{name} contains values beyond int64")
    return np.require(arr, dtype=np.int64, requirements=["C", "A"])


def _as_filter(values: npt.ArrayLike | Iterable[int] | None, name: str) -> np.ndarray | None:
    """Like _as_ids, but ids beyond int64 cannot be in the index: drop them."""
    if values is None:
        return None
    if isinstance(values, (set, frozenset)):
        values = sorted(values)
    arr = np.atleast_1d(np.asarray(values))
    if arr.size and arr.dtype.kind == "u" and arr.dtype.itemsize == 8:
        arr = arr[arr <= np.iinfo(np.int64).max]
    return _as_ids(arr, name)


class VectorIndex:
    """Vectors keyed by int64 id with exact (f32) or quantised (f16, i8) top-k search.

    dtype trades memory and speed for precision:

    * ``f32``: 4 bytes per dimension; scores match a NumPy float32 reference.
    * ``f16``: 2 bytes; IEEE half precision, scores within ~1e-3 of f32.
    * ``i8``: 1.5 bytes; per-vector symmetric int8 codes scanned with integer
      dot products, plus a 4-bit residual per element used to re-score the
      best candidates (recall@10 >= 0.99 against f32).

    ``num_threads`` bounds the threads one search uses (0 = every core this process may run on).
    Methods are safe to call from several Python threads; searches run
    concurrently, ``add``/``remove`` wait for them.
    """

    __slots__ = ("_impl",)

    def __init__(self, dim: int, metric: Metric = "cosine", dtype: DType = "f32", num_threads: int = 0) -> None:
        self._impl = _core.VectorIndex(_as_int(dim, "dim"), str(metric), str(dtype), _as_int(num_threads, "num_threads"))

    @classmethod
    def _wrap(cls, impl: Any) -> VectorIndex:
        self = cls.__new__(cls)
        self._impl = impl
        return self

    # -- description ---------------------------------------------------------

    @property
    def dim(self) -> int:
        return int(self._impl.dim)

    @property
    def metric(self) -> str:
        return str(self._impl.metric)

    @property
    def dtype(self) -> str:
        return str(self._impl.dtype)

    @property
    def num_threads(self) -> int:
        return int(self._impl.num_threads)

    @num_threads.setter
    def num_threads(self, value: int) -> None:
        self._impl.num_threads = _as_int(value, "num_threads")

    def __len__(self) -> int:
        return len(self._impl)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            return False
        return -(2**63) <= int(item) < 2**63 and bool(self._impl.__contains__(int(item)))

    def __repr__(self) -> str:
        return f"VectorIndex(dim={self.dim}, metric={self.metric!r}, dtype={self.dtype!r}, size={len(self)})"

    # -- contents ------------------------------------------------------------

    def add(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Insert vectors [n, dim] under ids [n]; an id already present is replaced.

        Raises ValueError for repeated ids within the call, negative ids,
        shape mismatches or non-finite values; nothing is added then.
        """
        id_arr = _as_ids(ids, "ids")
        vec_arr = _as_f32(vectors, "vectors")
        self._impl.add(id_arr, vec_arr)

    def remove(self, ids: npt.ArrayLike) -> None:
        """Remove ids; an unknown id raises KeyError and nothing is removed."""
        self._impl.remove(_as_ids(ids, "ids"))

    def ids(self) -> np.ndarray:
        """Every stored id (int64), in storage order."""
        return np.asarray(self._impl.ids())

    def get(self, ids: npt.ArrayLike) -> np.ndarray:
        """Stored vectors [n, dim] as float32: normalised for cosine, dequantised for f16/i8."""
        return np.asarray(self._impl.get(_as_ids(ids, "ids")))

    # -- search --------------------------------------------------------------

    def search(
        self,
        queries: npt.ArrayLike,
        k: int,
        exclude: npt.ArrayLike | Iterable[int] | None = None,
        allow: npt.ArrayLike | Iterable[int] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k ids and scores for one query [dim] (1-D results) or a batch [m, dim] ([m, k]).

        ``exclude`` drops ids (e.g. already watched); ``allow`` keeps only the
        given ids (e.g. a profile's folders). Unknown ids in either are
        ignored. With fewer than k candidates the tail is id -1, score -inf.
        """
        k_int = _as_int(k, "k")
        if k_int <= 0:
            raise ValueError(f"k must be >= 1, got {k_int}")
        q = _as_f32(queries, "queries")
        ids, scores = self._impl.search(q, k_int, _as_filter(exclude, "exclude"), _as_filter(allow, "allow"))
        return np.asarray(ids), np.asarray(scores)

    # -- persistence ---------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A versioned, checksummed snapshot; see VectorIndex.from_bytes."""
        return bytes(self._impl.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview, num_threads: int = 0) -> VectorIndex:
        """Load a snapshot from to_bytes(); raises ValueError if it is truncated or corrupt."""
        return cls._wrap(_core.VectorIndex.from_bytes(data, _as_int(num_threads, "num_threads")))

    def __reduce__(self) -> tuple[Any, ...]:
        return (VectorIndex.from_bytes, (self.to_bytes(), self.num_threads))


def _as_int(value: object, name: str) -> int:
    """operator.index semantics: ints and numpy integers, not floats or bools."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
