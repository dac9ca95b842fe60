"""Local-only by construction: refuse every network socket pyrec's Python code
(or any library it imports) tries to open.

``install()`` adds a ``sys.addaudithook`` hook. CPython raises an audit event
before every connect, bind, sendto/sendmsg and name lookup, in the C socket
module itself, so the hook sees calls made through ``socket``, ``_socket``,
``http.client``, ``urllib``, ``requests``… alike. The hook raises
:class:`pyrec.errors.NetworkBlockedError` and the call never reaches the OS.

What is allowed, and why:
- AF_UNIX sockets (an address that is a path or an abstract name): they never
  leave the machine; multiprocessing managers and D-Bus use them.
- Nothing else, not even loopback: a local proxy would forward loopback
  traffic anywhere. multiprocessing "spawn" pools talk over pipes (no socket
  events at all), and Qt's offscreen platform opens no sockets from Python.

An audit hook cannot be removed, so this is one-way: call it from entry
points (CLI, GUI, scan workers), not from library code. It does not see
native code that calls libc directly (a C extension, ctypes); pyrec ships no
such code, and ONNX Runtime's telemetry is switched off here too.
"""

from __future__ import annotations

import socket
import sys
import threading
from typing import Any

from pyrec.errors import NetworkBlockedError

# Events whose first arguments include an address to check.
_ADDRESS_EVENTS = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})
# Name resolution: a DNS query is itself traffic (and leaks what is looked up).
_LOOKUP_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)

_lock = threading.Lock()
_installed = False
_blocked = 0  # attempts refused, for diagnostics and tests


def _describe(address: object) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"{host}:{port}"
    return repr(address)


def _is_unix_socket(sock: object, address: object) -> bool:
    family = getattr(sock, "family", None)
    if family is not None and family == getattr(socket, "AF_UNIX", object()):
        return True
    # sendto/sendmsg may pass no socket object we can read; a str/bytes
    # address is a filesystem path or an abstract name, never an IP.
    return family is None and isinstance(address, (str, bytes, bytearray))


def _hook(event: str, args: tuple[Any, ...]) -> None:
    global _blocked
    if event in _ADDRESS_EVENTS:
        sock = args[0] if args else None
        address = args[1] if len(args) > 1 else None
        if address is None and event == "socket.sendmsg":
            return  # sendmsg on a connected socket: its connect was already checked
        if _is_unix_socket(sock, address):
            return
        _blocked += 1
        action = event.split(".", 1)[1]
        raise NetworkBlockedError(f"{action} refused: pyrec is local-only and opens no network connections",
                                  _describe(address))
    if event in _LOOKUP_EVENTS:
        _blocked += 1
        target = args[0] if args else None
        raise NetworkBlockedError("name lookup refused: pyrec is local-only and resolves no host names",
                                  _describe(target) if isinstance(target, tuple) else str(target))


def _disable_onnxruntime_telemetry() -> None:
    # ORT only emits telemetry on Windows builds (ETW), but the switch exists
    # everywhere; turning it off costs nothing and documents intent. Only if
    # onnxruntime is already imported or importable: never fail install().
    try:
        import onnxruntime
    except (ImportError, OSError):  # not installed or its native libs are missing
        return
    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if callable(disable):
        disable()


def install(*, telemetry: bool = True) -> None:
    """Block network access for the rest of this process. Idempotent and
    thread-safe; worker processes must call it themselves (pools take it as
    their initializer)."""
    global _installed
    with _lock:
        if _installed:
            return
        sys.addaudithook(_hook)
        _installed = True
    if telemetry:
        _disable_onnxruntime_telemetry()


def installed() -> bool:
    return _installed


def blocked_attempts() -> int:
    """How many network attempts this process refused so far."""
    return _blocked
