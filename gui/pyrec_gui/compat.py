"""Work-arounds for known bugs in the Qt bindings, each applied only where needed.

PySide6 6.12.0 on CPython < 3.12 releases references it never took: every
call of a method returning void drops one reference to ``None``, and every
``Signal.emit()`` one to ``True``. (3.12+ does not notice: those objects are
immortal there.) After a few thousand paints or signals the interpreter
aborts with "none_dealloc: deallocating None" or "bool_dealloc". PySide6
6.11 is fine. Until a fixed release is pinned, give these singletons so many
references that the leak can never reach zero — what 3.12 does by design.
"""

from __future__ import annotations

import ctypes
import sys

_BROKEN = {"6.12.0"}
_HEADROOM = 1 << 40  # decades of calls
_SINGLETONS = (None, True, False)


def shiboken_version() -> str:
    try:
        import shiboken6
    except ImportError:
        return ""
    return str(getattr(shiboken6, "__version__", ""))


def needs_guard(version: str | None = None, python: tuple[int, int] | None = None) -> bool:
    python = python or (sys.version_info.major, sys.version_info.minor)
    return python < (3, 12) and (version if version is not None else shiboken_version()) in _BROKEN


def protect_singletons() -> bool:
    """Apply the guard if this interpreter and binding need it; True if applied."""
    if not needs_guard() or sys.implementation.name != "cpython":
        return False
    for obj in _SINGLETONS:
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: PyObject's first field
        if refcount.value < _HEADROOM:
            refcount.value += _HEADROOM
    return True
