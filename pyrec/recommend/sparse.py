"""Tiny compressed-sparse-row helper on plain numpy arrays.

scipy is not a runtime dependency, and the recommender only needs three things
from a sparse matrix: build it from coordinates, read a row, and push a
weighted vector through it (sum over rows / columns), so this stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class CSR:
    indptr: np.ndarray  # int64 [rows + 1]
    indices: np.ndarray  # int32 [nnz], column of each entry
    data: np.ndarray  # float32 [nnz]
    shape: tuple[int, int]

    @classmethod
    def from_coo(
        cls, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int], *, sum_duplicates: bool = True
    ) -> CSR:
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.asarray(vals, dtype=np.float32)
        if rows.size and (rows.min() < 0 or rows.max() >= shape[0] or cols.min() < 0 or cols.max() >= shape[1]):
            raise ValueError("coordinates out of range")
        if sum_duplicates and rows.size:
            key = rows * shape[1] + cols
            uniq, inverse = np.unique(key, return_inverse=True)
            vals = np.bincount(inverse, weights=vals, minlength=uniq.size).astype(np.float32)
            rows, cols = uniq // shape[1], uniq % shape[1]
        else:
            order = np.lexsort((cols, rows))
            rows, cols, vals = rows[order], cols[order], vals[order]
        counts = np.bincount(rows, minlength=shape[0])
        indptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(indptr, cols.astype(np.int32), vals.astype(np.float32), shape)

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[r], self.indptr[r + 1]
        return self.indices[lo:hi], self.data[lo:hi]

    def row_of_entry(self) -> np.ndarray:
        """Row index of every stored entry (the COO row array); computed once."""
        return self._rows

    @cached_property
    def _rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0], dtype=np.int32), np.diff(self.indptr))

    def transpose(self) -> CSR:
        return CSR.from_coo(self.indices, self.row_of_entry(), self.data, (self.shape[1], self.shape[0]), sum_duplicates=False)

    def dot(self, x: np.ndarray) -> np.ndarray:
        """self @ x for a dense vector x over columns."""
        if self.nnz == 0:
            return np.zeros(self.shape[0], np.float32)
        prod = self.data * np.asarray(x, dtype=np.float32)[self.indices]
        # Rows are contiguous runs: one reduceat is about twice as fast as a
        # weighted bincount (no float64 copy), which matters on 1M-edge graphs.
        starts, empty = self._row_runs
        out = np.zeros(self.shape[0], np.float32)
        out[: starts.size] = np.add.reduceat(prod, starts)
        out[empty] = 0.0  # reduceat returns the run's first element for an empty run
        return out

    @cached_property
    def _row_runs(self) -> tuple[np.ndarray, np.ndarray]:
        """Start of every row up to the last one that starts inside the data
        (the trailing empty rows stay 0), and which rows are empty."""
        last = int(np.searchsorted(self.indptr[:-1], self.nnz, side="left"))
        return self.indptr[:last], np.diff(self.indptr) == 0

    def rdot(self, y: np.ndarray) -> np.ndarray:
        """y @ self for a dense vector y over rows (sums rows weighted by y)."""
        w = np.repeat(np.asarray(y, dtype=np.float64), np.diff(self.indptr)) * self.data
        return np.bincount(self.indices, weights=w, minlength=self.shape[1]).astype(np.float32)

    def rdot_rows(self, rows: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Like rdot, but only touches the given rows (y is aligned with rows)."""
        rows = np.asarray(rows, dtype=np.int64)
        lo, hi = self.indptr[rows], self.indptr[rows + 1]
        lengths = hi - lo
        if lengths.sum() == 0:
            return np.zeros(self.shape[1], np.float32)
        idx = ranges(lo, lengths)
        w = np.repeat(np.asarray(y, dtype=np.float64), lengths) * self.data[idx]
        return np.bincount(self.indices[idx], weights=w, minlength=self.shape[1]).astype(np.float32)

    def matmul(self, dense: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
        """self @ dense for a dense [cols, k] matrix, in chunks of stored entries."""
        out = np.zeros((self.shape[0], dense.shape[1]), dtype=np.float64)
        rows = self.row_of_entry()
        for lo in range(0, self.nnz, chunk):
            hi = min(lo + chunk, self.nnz)
            part = self.data[lo:hi, None].astype(np.float64) * dense[self.indices[lo:hi]]
            r = rows[lo:hi]
            # Entries are sorted by row: sum each run of equal rows at once.
            starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
            out[r[starts]] += np.add.reduceat(part, starts, axis=0)
        return out


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + l) for each pair, without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total) - offsets)
