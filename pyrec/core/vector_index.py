"""Placeholder: the vector-index work fills this in."""
from pyrec import _core


def simd_level() -> str:
    return _core.simd_level()


def available_simd_levels() -> list[str]:
    return list(_core.available_simd_levels())


def force_simd_level(level: str | None) -> None:
    _core.force_simd_level(level or "")


class VectorIndex:
    pass
