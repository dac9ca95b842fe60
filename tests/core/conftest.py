"""Fixtures shared by the core's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_blas() -> Iterator[None]:
    """The NumPy references are tiny; a multi-threaded BLAS only adds thread
    hand-offs, which stall for whole scheduler slices on a busy machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only makes the references faster
        yield
        return
    with threadpool_limits(1, "blas"):
        yield
