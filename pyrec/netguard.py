"""Local-only by construction: refuse every network socket pyrec's code, or
any library it loads, tries to open. Two layers, installed together:

1. A kernel filter (``pyrec._core.deny_network``, seccomp on Linux): every
   ``socket()`` call for a family other than AF_UNIX/AF_NETLINK fails with
   EPERM, in every thread and every child process, whatever language made
   it. Native code (ONNX Runtime, FFmpeg, Qt, ctypes) cannot get past it.
2. A ``sys.addaudithook`` hook, the readable error path: CPython raises an
   audit event before a socket is created, before every connect, bind,
   sendto/sendmsg and name lookup, so Python code gets a
   :class:`pyrec.errors.NetworkBlockedError` naming what was refused instead
   of a bare EPERM, and a name lookup never reaches the resolver.

What is allowed, and why:
- AF_UNIX sockets: they never leave the machine; X11, D-Bus and
  multiprocessing use them.
- AF_NETLINK, natively only: it talks to the local kernel (udev, interface
  lists); refusing it breaks desktop libraries and gains nothing.
- Nothing else, not even loopback: a local proxy would forward loopback
  traffic anywhere. multiprocessing "spawn" pools talk over pipes.

Both layers are one-way (neither can be removed), so call ``install()`` from
entry points (CLI, GUI, scan workers), not from library code. ONNX Runtime's
telemetry is switched off before it can load (see ``pyrec/__init__.py``);
the kernel filter makes sure nothing slips past that switch either.
"""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass
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

# socket(family=-1) reaches the C level only with an existing file descriptor
# (socket.socket(fileno=...)): its family is read from the descriptor later.
_UNKNOWN_FAMILY = -1


@dataclass(frozen=True)
class GuardStatus:
    """Which layers of the guard are active in this process, for ``pyrec doctor``."""

    audit_hook: bool
    kernel_filter: str | None  # "seccomp", or None when unavailable
    kernel_detail: str = ""  # why the kernel filter is not active

    def describe(self) -> str:
        if not self.audit_hook:
            return "off (no entry point installed it in this process)"
        if self.kernel_filter:
            return f"on: {self.kernel_filter} kernel filter (all code, native too) + Python audit hook"
        return f"partial: Python audit hook only ({self.kernel_detail}); native code is not filtered"


_lock = threading.Lock()
_installed = False
_kernel: tuple[bool, str, str] = (False, "", "not installed")
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


def _family_name(family: int) -> str:
    try:
        return socket.AddressFamily(family).name
    except ValueError:
        return f"address family {family}"


def _hook(event: str, args: tuple[Any, ...]) -> None:
    global _blocked
    if event == "socket.__new__":
        # Refused here, before the kernel filter would: the caller gets a
        # readable error instead of EPERM from socket().
        family = args[1] if len(args) > 1 else _UNKNOWN_FAMILY
        if family in (socket.AF_UNIX, _UNKNOWN_FAMILY):
            return
        _blocked += 1
        raise NetworkBlockedError("socket refused: pyrec is local-only and opens no network connections",
                                  _family_name(family))
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


def install() -> GuardStatus:
    """Block network access for the rest of this process and its children.
    Idempotent and thread-safe; spawned worker processes call it again in
    their initializer (the kernel filter is inherited anyway; the audit hook
    is not)."""
    global _installed, _kernel
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _kernel = _deny_network_natively()
            _installed = True
    return status()


def _deny_network_natively() -> tuple[bool, str, str]:
    try:
        from pyrec import _core
    except ImportError as exc:  # a source tree without the built core
        return (False, "", f"native core not importable: {exc}")
    return _core.deny_network()


def status() -> GuardStatus:
    active, mechanism, detail = _kernel
    return GuardStatus(audit_hook=_installed, kernel_filter=mechanism if active else None, kernel_detail=detail)


def installed() -> bool:
    return _installed


def blocked_attempts() -> int:
    """How many network attempts this process refused so far."""
    return _blocked
