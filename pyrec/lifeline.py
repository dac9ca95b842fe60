"""Worker processes die with the process that started them.

A scan's workers hold a decoder and ONNX Runtime each (hundreds of MB). When
the scan is killed (SIGKILL from the OOM killer, a logout, a crash of the
GUI) nothing runs in the parent to stop them, so the kernel must: each worker
asks for SIGKILL when its parent dies (Linux ``PR_SET_PDEATHSIG``, through
the native core). A watcher thread that polls the parent's pid is the
fallback for platforms without it and for the moment before the request took
hold. Dying frees everything: memory, files, the library's write lock.
"""

from __future__ import annotations

import os
import signal
import threading
import time

# How often the fallback watcher looks at the parent: a second of a worker
# outliving its parent is harmless, and polling is nearly free.
_WATCH_SECONDS = 0.5


def bind_to_parent(parent_pid: int) -> bool:
    """Make this process die when ``parent_pid`` (its parent) does. Returns
    whether the kernel took the request (False: only the watcher guards)."""
    kernel = _ask_kernel()
    if os.getppid() != parent_pid:  # the parent died before the request took hold
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="pyrec-parent-watch", daemon=True).start()
    return kernel


def _ask_kernel() -> bool:
    try:
        from pyrec import _core
    except ImportError:  # a source tree without the built core: the watcher alone
        return False
    return bool(_core.die_with_parent(int(signal.SIGKILL)))


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)  # orphaned: no one will read what this worker makes
