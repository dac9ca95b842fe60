"""Implicit-feedback ALS (Hu, Koren & Volinsky 2008) over the native core.

Mirrors ``implicit.cpu.als.AlternatingLeastSquares`` (implicit 0.7) parameter
for parameter, so results can be compared directly:

* confidence ``c_ui = alpha * value_ui`` for stored entries, 1 elsewhere;
  preference ``p_ui = 1`` where ``c_ui > 0`` (implicit's convention);
* factors start as ``rng.random(shape, float32) * 0.01`` with
  ``rng = np.random.default_rng(random_state)``, users drawn before items;
* each iteration solves all users, then all items.

Which solver runs where:

* ``fit``: conjugate gradient with ``cg_steps`` steps per row, warm-started
  from the previous iteration (``use_cg=True``, the default), or the exact
  solve (``use_cg=False``).
* ``recalculate_user`` / ``recalculate_item``, ``partial_fit_users`` /
  ``partial_fit_items`` and ``recommend(recalculate_user=True)``: always the
  exact solve: a float64 Cholesky factorisation of
  ``YᵀY + reg·I + Yᵤᵀ(Cᵤ − I)Yᵤ`` against a cached ``YᵀY``, so a fold-in gives
  the same factors a full exact solve of that row would.

Interaction matrices are a scipy CSR matrix (users × items) or an
``(indptr, indices, data)`` triple; scipy itself is never imported. Values
must be finite and >= 0. scipy matrices with unsorted or duplicate entries
are canonicalised (duplicates summed); raw triples must already be canonical.
"""

from __future__ import annotations

import json
import logging
import math
import struct
import sys
import time
from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pyrec import _core

__all__ = ["ImplicitALS"]

log = logging.getLogger(__name__)

# A scipy.sparse CSR matrix/array or an (indptr, indices, data) triple.
Interactions = Any
FitCallback = Callable[[int, float, "float | None"], None]

_MAGIC = b"PYRECALS"
_FORMAT_VERSION = 1
_PREAMBLE = struct.Struct("<8sII")  # magic, format version, header length


class ImplicitALS:
    """Implicit ALS recommender; see the module docstring for the model."""

    def __init__(
        self,
        factors: int = 100,
        regularization: float = 0.01,
        alpha: float = 1.0,
        iterations: int = 15,
        calculate_training_loss: bool = False,
        use_cg: bool = True,
        cg_steps: int = 3,
        random_state: int | np.random.Generator | np.random.RandomState | None = None,
        num_threads: int = 0,
    ) -> None:
        self.factors = _count("factors", factors, minimum=1)
        self.regularization = _real("regularization", regularization, positive=False)
        self.alpha = _real("alpha", alpha, positive=True)
        self.iterations = _count("iterations", iterations, minimum=0)
        self.calculate_training_loss = bool(calculate_training_loss)
        self.use_cg = bool(use_cg)
        self.cg_steps = _count("cg_steps", cg_steps, minimum=1)
        self.random_state = random_state
        self.num_threads = _count("num_threads", num_threads, minimum=0)  # 0 = every core
        self.loss: float | None = None
        self._user_factors: NDArray[np.float32] | None = None
        self._item_factors: NDArray[np.float32] | None = None
        self._drop_item_caches()
        self._drop_user_caches()

    # ------------------------------------------------------------------ factors
    @property
    def user_factors(self) -> NDArray[np.float32] | None:
        """users × factors, float32, C-contiguous (None before fit)."""
        return self._user_factors

    @user_factors.setter
    def user_factors(self, value: ArrayLike | None) -> None:
        self._user_factors = None if value is None else _factor_matrix(value, "user_factors")
        self._drop_user_caches()

    @property
    def item_factors(self) -> NDArray[np.float32] | None:
        """items × factors, float32, C-contiguous (None before fit)."""
        return self._item_factors

    @item_factors.setter
    def item_factors(self, value: ArrayLike | None) -> None:
        self._item_factors = None if value is None else _factor_matrix(value, "item_factors")
        self._drop_item_caches()

    def _drop_user_caches(self) -> None:
        self._user_gram: NDArray[np.float64] | None = None

    def _drop_item_caches(self) -> None:
        self._item_gram: NDArray[np.float64] | None = None
        self._item_norms: NDArray[np.float32] | None = None

    def _fitted(self) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        if self._user_factors is None or self._item_factors is None:
            raise ValueError("the model has no factors yet: call fit() (or from_bytes()) first")
        return self._user_factors, self._item_factors

    def _gram_items(self) -> NDArray[np.float64]:
        """Cached YᵀY (float64): the fixed part of every user's normal equations."""
        if self._item_gram is None:
            self._item_gram = _core.als_gram(self._fitted()[1], self.num_threads)
        return self._item_gram

    def _gram_users(self) -> NDArray[np.float64]:
        if self._user_gram is None:
            self._user_gram = _core.als_gram(self._fitted()[0], self.num_threads)
        return self._user_gram

    # ---------------------------------------------------------------------- fit
    def fit(
        self,
        user_items: Interactions,
        show_progress: bool = False,
        callback: FitCallback | None = None,
        *,
        n_items: int | None = None,
    ) -> ImplicitALS:
        """Factorise ``user_items`` (users × items confidences) from a fresh random start.

        ``callback(iteration, seconds, loss)`` runs after each iteration (loss is
        None unless ``calculate_training_loss``). ``n_items`` sets the item count
        for a raw triple (default: largest item id + 1).
        """
        cui = _as_csr(user_items, n_items, "user_items")
        ciu = cui.transpose()
        rng = _generator(self.random_state)
        shape_u, shape_i = (cui.n_rows, self.factors), (cui.n_cols, self.factors)
        users = rng.random(shape_u, dtype=np.float32) * np.float32(0.01)
        items = rng.random(shape_i, dtype=np.float32) * np.float32(0.01)
        self._user_factors, self._item_factors = users, items  # solved in place below
        self.loss = None

        for iteration in range(self.iterations):
            start = time.perf_counter()
            self._solve_rows(cui, users, items)
            self._solve_rows(ciu, items, users)
            loss = None
            if self.calculate_training_loss:
                loss = _core.als_loss(cui, users, items, self.regularization, self.alpha, self.num_threads)
                self.loss = loss
            elapsed = time.perf_counter() - start
            if show_progress:
                suffix = "" if loss is None else f" loss {loss:.6f}"
                print(f"\rALS iteration {iteration + 1}/{self.iterations}{suffix}", end="", file=sys.stderr)
            log.debug("ALS iteration %d took %.3fs (loss %s)", iteration, elapsed, loss)
            if callback is not None:
                callback(iteration, elapsed, loss)
        if show_progress and self.iterations:
            print(file=sys.stderr)

        self._drop_user_caches()
        self._drop_item_caches()
        if not (np.isfinite(users).all() and np.isfinite(items).all()):
            raise ValueError("ALS produced non-finite factors; increase regularization")
        return self

    def _solve_rows(self, csr: Any, rows: NDArray[np.float32], other: NDArray[np.float32]) -> None:
        gram = _core.als_gram(other, self.num_threads)
        if self.use_cg:
            _core.als_solve_cg(csr, rows, other, gram, self.regularization, self.alpha, self.cg_steps, self.num_threads)
        else:
            _core.als_solve_exact(csr, rows, other, gram, self.regularization, self.alpha, self.num_threads)

    # ------------------------------------------------------------------ fold-in
    def recalculate_user(self, userid: int | ArrayLike, user_items: Interactions) -> NDArray[np.float32]:
        """Exact factors for user(s) from their item row(s), without storing them.

        ``user_items`` has one row per id in ``userid`` (one row for a scalar id);
        a scalar id returns a 1-D vector. The ids only set the row count: the
        fold-in depends on the item factors alone, so unseen users work too.
        """
        count = 1 if _is_scalar_id(userid) else len(_id_array(userid, "userid"))
        _, items = self._fitted()
        return self._fold_in(userid, user_items, items.shape[0], count, self._gram_items, items, "user_items")

    def recalculate_item(self, itemid: int | ArrayLike, item_users: Interactions) -> NDArray[np.float32]:
        """Exact factors for item(s) from their user column(s) (items × users), not stored."""
        count = 1 if _is_scalar_id(itemid) else len(_id_array(itemid, "itemid"))
        users, _ = self._fitted()
        return self._fold_in(itemid, item_users, users.shape[0], count, self._gram_users, users, "item_users")

    def _fold_in(
        self,
        ids: int | ArrayLike,
        rows: Interactions,
        n_cols: int,
        count: int,
        gram: Callable[[], NDArray[np.float64]],
        other: NDArray[np.float32],
        what: str,
    ) -> NDArray[np.float32]:
        csr = _as_csr(rows, n_cols, what)
        if csr.n_rows != count:
            raise ValueError(f"{what} has {csr.n_rows} rows for {count} ids")
        out = np.empty((count, self.factors), dtype=np.float32)
        _core.als_solve_exact(csr, out, other, gram(), self.regularization, self.alpha, self.num_threads)
        return out[0] if _is_scalar_id(ids) else out

    def partial_fit_users(self, userids: ArrayLike, user_items: Interactions) -> None:
        """Re-solve (exactly) and store the given users; ids past the end grow the model.

        Rows of users skipped over by growth stay zero until they are fitted.
        """
        ids = _id_array(userids, "userids")
        new = self.recalculate_user(ids, user_items)
        self._user_factors = _grown(self._fitted()[0], ids)
        self._user_factors[ids] = new
        self._drop_user_caches()

    def partial_fit_items(self, itemids: ArrayLike, item_users: Interactions) -> None:
        """Re-solve (exactly) and store the given items from their users (items × users)."""
        ids = _id_array(itemids, "itemids")
        new = self.recalculate_item(ids, item_users)
        self._item_factors = _grown(self._fitted()[1], ids)
        self._item_factors[ids] = new
        self._drop_item_caches()

    # ---------------------------------------------------------------- recommend
    def recommend(
        self,
        userid: int | ArrayLike,
        user_items: Interactions | None = None,
        N: int = 10,
        filter_already_liked_items: bool = True,
        filter_items: ArrayLike | None = None,
        recalculate_user: bool = False,
        items: ArrayLike | None = None,
    ) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
        """Top-N items by ``x_u · y_i`` for one user id or a batch of ids.

        ``user_items`` (one row per id) is needed to filter liked items or to
        recalculate the user. ``items`` restricts ranking to those ids. A scalar
        id returns 1-D arrays holding only real results; a batch returns
        ``len(userid) × N`` arrays padded with id -1 and score -inf.
        """
        users, item_f = self._fitted()
        scalar = _is_scalar_id(userid)
        ids = _id_array([userid] if scalar else userid, "userid")
        csr = None
        if filter_already_liked_items or recalculate_user:
            if user_items is None:
                raise ValueError("user_items is required to filter liked items or recalculate users")
            csr = _as_csr(user_items, item_f.shape[0], "user_items")
            if csr.n_rows != len(ids):
                raise ValueError(f"user_items has {csr.n_rows} rows for {len(ids)} user ids")
        if recalculate_user:
            queries = np.empty((len(ids), self.factors), dtype=np.float32)
            _core.als_solve_exact(
                cast("_core.AlsCsr", csr), queries, item_f, self._gram_items(), self.regularization, self.alpha, self.num_threads
            )
        else:
            _check_range(ids, users.shape[0], "userid")
            queries = users[ids]
        banned = self._banned(filter_items, items, item_f.shape[0])
        k = _count("N", N, minimum=0)
        limit = item_f.shape[0] if items is None else len(np.unique(_id_array(items, "items")))
        found, scores = _core.als_topk(
            queries,
            item_f,
            min(k, limit),
            csr if filter_already_liked_items else None,
            banned,
            None,
            self.num_threads,
        )
        return _shaped(found, scores, scalar, k)

    def similar_items(
        self,
        itemid: int | ArrayLike,
        N: int = 10,
        filter_items: ArrayLike | None = None,
        items: ArrayLike | None = None,
    ) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
        """Top-N items by cosine similarity of item factors (the item itself included)."""
        _, item_f = self._fitted()
        scalar = _is_scalar_id(itemid)
        ids = _id_array([itemid] if scalar else itemid, "itemid")
        _check_range(ids, item_f.shape[0], "itemid")
        norms = self._norms()
        banned = self._banned(filter_items, items, item_f.shape[0])
        k = _count("N", N, minimum=0)
        limit = item_f.shape[0] if items is None else len(np.unique(_id_array(items, "items")))
        found, scores = _core.als_topk(item_f[ids], item_f, min(k, limit), None, banned, norms, self.num_threads)
        scores /= norms[ids][:, None]
        return _shaped(found, scores, scalar, k)

    def _norms(self) -> NDArray[np.float32]:
        if self._item_norms is None:
            norms = np.linalg.norm(self._fitted()[1], axis=1).astype(np.float32)
            norms[norms == 0] = 1e-10  # an all-zero item scores 0, not NaN
            self._item_norms = norms
        return self._item_norms

    @staticmethod
    def _banned(filter_items: ArrayLike | None, items: ArrayLike | None, n_items: int) -> NDArray[np.int64] | None:
        """Item ids never to return: filter_items, plus everything outside ``items``."""
        parts = []
        if filter_items is not None:
            parts.append(_id_array(filter_items, "filter_items"))
        if items is not None:
            keep = _id_array(items, "items")
            _check_range(keep, n_items, "items")
            mask = np.ones(n_items, dtype=bool)
            mask[keep] = False
            parts.append(np.flatnonzero(mask))
        if not parts:
            return None
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.int64)

    # -------------------------------------------------------------- persistence
    def to_bytes(self) -> bytes:
        """Parameters and factors in a small versioned binary format (no pickle)."""
        users, items = self._fitted()
        state = self.random_state
        seed = int(state) if isinstance(state, (int, np.integer)) else None  # a Generator has no portable form
        header = {
            "params": {
                "factors": self.factors,
                "regularization": self.regularization,
                "alpha": self.alpha,
                "iterations": self.iterations,
                "calculate_training_loss": self.calculate_training_loss,
                "use_cg": self.use_cg,
                "cg_steps": self.cg_steps,
                "random_state": seed,
                "num_threads": self.num_threads,
            },
            "n_users": int(users.shape[0]),
            "n_items": int(items.shape[0]),
            "loss": self.loss,
        }
        blob = json.dumps(header).encode()
        little = np.dtype("<f4")
        return b"".join(
            [
                _PREAMBLE.pack(_MAGIC, _FORMAT_VERSION, len(blob)),
                blob,
                users.astype(little, copy=False).tobytes(),
                items.astype(little, copy=False).tobytes(),
            ]
        )

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> ImplicitALS:
        """Inverse of ``to_bytes``; ValueError on anything truncated or foreign."""
        raw = memoryview(data).cast("B")
        if len(raw) < _PREAMBLE.size:
            raise ValueError("not a pyrec ALS model: too short")
        magic, version, header_len = _PREAMBLE.unpack_from(raw)
        if magic != _MAGIC:
            raise ValueError("not a pyrec ALS model: bad magic")
        if version != _FORMAT_VERSION:
            raise ValueError(f"unsupported pyrec ALS model format version {version}")
        start = _PREAMBLE.size
        try:
            header = json.loads(bytes(raw[start : start + header_len]).decode())
            n_users, n_items = int(header["n_users"]), int(header["n_items"])
            loss = None if header.get("loss") is None else float(header["loss"])
            model = cls(**header["params"])
        except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
            raise ValueError(f"corrupt pyrec ALS model header: {exc}") from None
        f = model.factors
        offset = start + header_len
        expected = offset + 4 * f * (n_users + n_items)
        if n_users < 0 or n_items < 0 or len(raw) != expected:
            raise ValueError(f"corrupt pyrec ALS model: {len(raw)} bytes, expected {expected}")
        little = np.dtype("<f4")
        users = np.frombuffer(raw, little, n_users * f, offset).reshape(n_users, f)
        items = np.frombuffer(raw, little, n_items * f, offset + 4 * n_users * f).reshape(n_items, f)
        model.user_factors, model.item_factors = users, items
        model.loss = loss
        return model


# -------------------------------------------------------------------- helpers
def _count(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _real(name: str, value: Any, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be finite and {'> 0' if positive else '>= 0'}, got {value}")
    return value


def _generator(random_state: Any) -> np.random.Generator:
    # Same seeding as implicit.utils.check_random_state, so seeds give equal starts.
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31))
    return np.random.default_rng(random_state)


def _factor_matrix(value: ArrayLike, name: str) -> NDArray[np.float32]:
    arr = np.asarray(value)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    # partial_fit_* writes rows in place, so the array must be writeable (copies read-only input);
    # the core reads aligned floats only (copies an unaligned view, e.g. from a byte buffer).
    out = np.require(arr, dtype=np.float32, requirements=["C", "W", "A"])
    if not np.isfinite(out).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return out


def _is_scalar_id(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _id_array(ids: Any, name: str) -> NDArray[np.int64]:
    arr = np.asarray(ids)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of ids, got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.int64)
    if arr.size and arr.min() < 0:
        raise IndexError(f"{name} contains a negative id ({arr.min()})")
    return arr


def _check_range(ids: NDArray[np.int64], size: int, name: str) -> None:
    if ids.size and ids.max() >= size:
        raise IndexError(f"{name} {ids.max()} is out of range: the model has {size}")


def _grown(factors: NDArray[np.float32], ids: NDArray[np.int64]) -> NDArray[np.float32]:
    needed = int(ids.max()) + 1 if ids.size else 0
    if needed <= factors.shape[0]:
        return factors
    extra = np.zeros((needed - factors.shape[0], factors.shape[1]), dtype=np.float32)
    return np.concatenate([factors, extra])


def _shaped(
    ids: NDArray[np.int32], scores: NDArray[np.float32], scalar: bool, k: int
) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    if scalar:
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]
    if ids.shape[1] < k:  # asked for more than there are items: pad like implicit's batch calls
        pad = k - ids.shape[1]
        ids = np.pad(ids, ((0, 0), (0, pad)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, pad)), constant_values=-np.inf)
    return ids, scores


def _as_csr(matrix: Interactions, n_cols: int | None, what: str) -> Any:
    """Validate and snapshot a CSR matrix (scipy or triple) as a core ``AlsCsr``."""
    if isinstance(matrix, tuple):
        if len(matrix) != 3:
            raise ValueError(f"{what} as a tuple must be (indptr, indices, data)")
        indptr, indices, data = (np.asarray(part) for part in matrix)
        if n_cols is None:
            n_cols = int(indices.max()) + 1 if indices.size else 0
    elif hasattr(matrix, "indptr") and hasattr(matrix, "format"):  # scipy.sparse, duck-typed
        if matrix.format != "csr":
            raise TypeError(f"{what} must be CSR, got a {matrix.format} matrix")
        if n_cols is not None and matrix.shape[1] != n_cols:
            raise ValueError(f"{what} has {matrix.shape[1]} columns, expected {n_cols}")
        n_cols = int(matrix.shape[1])
        if not matrix.has_canonical_format:  # scipy allows unsorted/duplicate entries; the core does not
            matrix = matrix.copy()
            matrix.sum_duplicates()
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    else:
        raise TypeError(f"{what} must be a scipy CSR matrix or an (indptr, indices, data) tuple")
    indptr, indices = (_index_dtype(a) for a in (indptr, indices))
    if data.dtype.kind in "biu":
        data = data.astype(np.float32)
    return _core.AlsCsr(np.ascontiguousarray(indptr), np.ascontiguousarray(indices), np.ascontiguousarray(data), n_cols)


def _index_dtype(arr: NDArray[Any]) -> NDArray[Any]:
    if arr.dtype in (np.int32, np.int64) or arr.dtype.kind not in "iu":
        return arr  # the core rejects non-integer index arrays with a TypeError
    return arr.astype(np.int64)
