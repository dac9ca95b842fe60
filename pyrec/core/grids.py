"""Frame-grid comparison for duplicate detection (native core): the share
of differing cells between every frame of one video and every frame of
another, without NumPy's na x nb x cells temporary."""

from __future__ import annotations

import numpy as np

from pyrec import _core


def grid_differing(a: np.ndarray, b: np.ndarray, cell: float) -> np.ndarray:
    """float32 [len(a), len(b)]: share of cells where |a[i] - b[j]| > cell.
    a, b: [n, cells] real arrays (converted to C-contiguous float32 if not)."""
    fa = np.ascontiguousarray(a, dtype=np.float32)
    fb = np.ascontiguousarray(b, dtype=np.float32)
    if fa.ndim != 2 or fb.ndim != 2:
        raise ValueError(f"a and b must be 2-D, got {fa.ndim}-D and {fb.ndim}-D")
    out = np.empty((fa.shape[0], fb.shape[0]), np.float32)
    _core.grid_differing(fa, fb, float(cell), out)
    return out
