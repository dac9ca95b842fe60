"""The kernel filter reaches every thread (even one started before it was
installed) and every child process, and leaves AF_UNIX alone. Prints one
JSON line: {"where": errno or 0 for a socket that opened}."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
import threading

from pyrec import netguard

LIBC = ctypes.CDLL(None, use_errno=True)
AF_UNIX, AF_INET, AF_INET6, AF_PACKET, SOCK_STREAM, SOCK_RAW = 1, 2, 10, 17, 1, 3


def try_socket(family: int, kind: int = SOCK_STREAM) -> int:
    """0 when socket() opened (and closed again), else its errno."""
    import os

    fd = LIBC.socket(family, kind, 0)
    if fd >= 0:
        os.close(fd)
        return 0
    return ctypes.get_errno()


if __name__ == "__main__":
    ready, go = threading.Event(), threading.Event()
    from_old_thread: list[int] = []

    def older_thread() -> None:  # exists before the filter, like ONNX Runtime's pool
        ready.set()
        go.wait()
        from_old_thread.append(try_socket(AF_INET))

    thread = threading.Thread(target=older_thread)
    thread.start()
    ready.wait()
    before = try_socket(AF_INET)
    status = netguard.install()
    go.set()
    thread.join()
    child_code = ("import ctypes; l = ctypes.CDLL(None, use_errno=True); "
                  "print(l.socket(2, 1, 0), ctypes.get_errno())")
    child = subprocess.run([sys.executable, "-c", child_code], capture_output=True, text=True, check=True)
    print(json.dumps({
        "kernel_filter": status.kernel_filter,
        "inet before install": before,
        "inet": try_socket(AF_INET),
        "inet6": try_socket(AF_INET6),
        "packet": try_socket(AF_PACKET, SOCK_RAW),
        "unix": try_socket(AF_UNIX),
        "inet from a thread started before": from_old_thread[0],
        "inet from a child process": int(child.stdout.split()[1]) if child.stdout.split()[0] == "-1" else 0,
    }))
