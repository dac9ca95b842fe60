"""Under the network guard, try every way out and print one JSON line of
outcomes: {"attempt": "blocked: …" | "LEAKED: …"}. Exit 0."""

from __future__ import annotations

import json
import socket
import sys

from pyrec import netguard
from pyrec.errors import NetworkBlockedError


def _tcp(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect((host, port))


def _tcp6(port: int) -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(("::1", port))


def _udp(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"leak", ("127.0.0.1", port))


def _bind() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("0.0.0.0", 0))


def _http() -> None:
    import urllib.request

    urllib.request.urlopen("http://192.0.2.1/", timeout=2)


def _raw_socket_module(port: int) -> None:
    import _socket

    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", port))
    finally:
        s.close()


def _native_socket(family: socket.AddressFamily) -> None:
    """socket() straight from libc, as native code (ONNX Runtime, FFmpeg) would
    call it: the audit hook never sees this; only the kernel filter can refuse."""
    import ctypes
    import os

    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(int(family), int(socket.SOCK_STREAM), 0)
    if fd >= 0:
        os.close(fd)
        return
    errno = ctypes.get_errno()
    raise NetworkBlockedError(f"kernel refused socket(): {os.strerror(errno)}", family.name)


def main() -> None:
    port = int(sys.argv[1])
    netguard.install()
    netguard.install()  # idempotent: one hook, one count
    attempts = {
        "connect 192.0.2.1:80": lambda: _tcp("192.0.2.1", 80),
        "connect loopback listener": lambda: _tcp("127.0.0.1", port),
        "connect ::1": lambda: _tcp6(port),
        "_socket connect": lambda: _raw_socket_module(port),
        "udp sendto loopback": lambda: _udp(port),
        "bind 0.0.0.0": _bind,
        "getaddrinfo example.com": lambda: socket.getaddrinfo("example.com", 443),
        "gethostbyname example.com": lambda: socket.gethostbyname("example.com"),
        "create_connection localhost": lambda: socket.create_connection(("localhost", port), timeout=2).close(),
        "urlopen http://192.0.2.1/": _http,
        "native socket AF_INET": lambda: _native_socket(socket.AF_INET),
        "native socket AF_INET6": lambda: _native_socket(socket.AF_INET6),
    }
    out: dict[str, str] = {}
    for name, attempt in attempts.items():
        try:
            attempt()
            out[name] = "LEAKED"
        except NetworkBlockedError as exc:
            out[name] = "blocked: " + exc.one_line()
        except Exception as exc:  # noqa: BLE001 - urllib wraps the refusal: find it in the chain
            cause: BaseException | None = exc
            while cause is not None and not isinstance(cause, NetworkBlockedError):
                cause = cause.__cause__ or cause.__context__ or getattr(cause, "reason", None)
                cause = cause if isinstance(cause, BaseException) else None
            out[name] = ("blocked: " + cause.one_line()) if cause else f"other: {type(exc).__name__}: {exc}"
    # Local IPC still works: AF_UNIX pairs and the pipes multiprocessing uses.
    a, b = socket.socketpair()
    a.sendall(b"ok")
    out["unix socketpair"] = b.recv(2).decode()
    a.close()
    b.close()
    out["blocked_attempts"] = str(netguard.blocked_attempts())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
