"""Fault-injecting ``index_fn`` wrappers for Scanner, imported by spawned scan
workers by module name (tests put this folder on sys.path). Test code only:
the product scanner knows nothing of them."""

from __future__ import annotations

import os
import signal
import socket

from pyrec.errors import NetworkBlockedError
from pyrec.records import FileStat, ScanFailure, VideoRecord
from pyrec.scan.indexer import IndexOptions, index_file


def abort_on(victim: str, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """Like index_file, but the worker dies with SIGABRT (as a decoder assert would) on ``victim``."""
    if stat.path == victim:
        os.abort()
    return index_file(stat, options)


def sigkill_on(victim: str, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """The worker is SIGKILLed (as by the OOM killer) on ``victim``."""
    if stat.path == victim:
        os.kill(os.getpid(), signal.SIGKILL)
    return index_file(stat, options)


def segfault_on(victim: str, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """A real segmentation fault (NULL read through ctypes) on ``victim``."""
    if stat.path == victim:
        import ctypes

        ctypes.string_at(0)
    return index_file(stat, options)


def phone_home(port: int, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """Try to reach a listener on loopback, a documentation address and DNS from
    inside the worker, then index normally; each refusal becomes a warning."""
    attempts = [
        lambda: _connect(("127.0.0.1", port)),
        lambda: socket.create_connection(("localhost", port), timeout=2).close(),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", port)),
        lambda: socket.getaddrinfo("example.com", 80),
    ]
    blocked = []
    for attempt in attempts:
        try:
            attempt()
            blocked.append("LEAKED")
        except NetworkBlockedError as exc:
            blocked.append("blocked: " + exc.one_line())
    record = index_file(stat, options)
    if isinstance(record, VideoRecord):
        record.warnings.extend(f"{stat.path}: {b}" for b in blocked)
    return record


def _connect(address: tuple[str, int]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(address)
