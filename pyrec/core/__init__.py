"""The face of the native core (``pyrec._core``).

Vector search and implicit ALS run in C++; this package adds argument
validation and numpy conveniences, and is the only place the rest of pyrec
imports the core from.
"""

from pyrec.core.als import ImplicitALS
from pyrec.core.grids import grid_differing
from pyrec.core.vector_index import (
    VectorIndex,
    available_simd_levels,
    force_simd_level,
    simd_level,
)

__all__ = ["ImplicitALS", "VectorIndex", "available_simd_levels", "force_simd_level", "grid_differing", "simd_level"]
