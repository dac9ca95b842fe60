"""Local-only, checked where it cannot be fooled: the system calls. Every
command a user runs (scan with workers, recommend, search, similar, shelves,
doctor, the desktop app) runs under ``strace -f`` with a brand-new HOME; not
one process may even try to open an internet, packet or netlink socket, and
no telemetry store may appear. A dependency that starts phoning home (in
Python or native code) fails here, even though the kernel filter would stop
its packets."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SCRIPTS

# strace prints e.g. `4242  socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = -1 EPERM (...)`
_SOCKET_CALL = re.compile(r"\bsocket\((AF_[A-Z0-9]+|\d+),")
_CONNECT_CALL = re.compile(r"\bconnect\(\d+, \{sa_family=(AF_[A-Z0-9]+|\d+)")


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("strace is missing: .ci/run installs it; the privacy check must not be skipped in CI")
        pytest.skip("strace is not installed (apt-get install strace)")
    return found


def fresh_home_env(home: Path) -> dict[str, str]:
    """The environment of a user who never ran pyrec: a new HOME, no XDG or
    pyrec overrides, nothing from the test runner."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "PYREC_", "ORT_", "PYTEST_"))}
    home.mkdir(parents=True, exist_ok=True)
    env.update({"HOME": str(home), "PYTHONPATH": "", "COLUMNS": "200", "NO_COLOR": "1",
                "QT_QPA_PLATFORM": "offscreen"})
    return env


def traced(args: list[str], env: dict[str, str], log: Path, timeout: float = 240) -> tuple[int, str]:
    """Run ``python ARGS`` under strace; (exit code, stderr). Not with
    ``--seccomp-bpf``: pyrec's own filter answers EPERM before a seccomp
    "trace" rule could report the call, which would hide exactly what this
    looks for; plain ptrace stops at syscall entry, before any filter."""
    cmd = [_strace(), "-f", "-qq", "-e", "trace=socket,connect,execve", "-o", str(log),
           sys.executable, *args]
    done = subprocess.run(cmd, env=env, cwd=SCRIPTS, capture_output=True, text=True, timeout=timeout, check=False)
    return done.returncode, done.stderr


def network_calls(log: Path) -> list[str]:
    """socket()/connect() calls of any family but AF_UNIX, whatever their result."""
    text = log.read_text(errors="replace")
    bad = [m.group(0) for m in _SOCKET_CALL.finditer(text) if m.group(1) != "AF_UNIX"]
    bad += [m.group(0) for m in _CONNECT_CALL.finditer(text) if m.group(1) != "AF_UNIX"]
    return bad


def test_the_trace_sees_what_native_code_does(tmp_path: Path) -> None:
    """The check itself works: a socket() made by native code (ctypes, no
    audit event) shows up in the trace, refused by the kernel filter."""
    code = ("import ctypes; from pyrec import netguard; netguard.install(); "
            "libc = ctypes.CDLL(None, use_errno=True); print(libc.socket(2, 1, 0), ctypes.get_errno())")
    log = tmp_path / "probe.strace"
    rc, err = traced(["-c", code], fresh_home_env(tmp_path / "home"), log)
    assert rc == 0, err
    calls = network_calls(log)
    assert len(calls) == 1 and calls[0].startswith("socket(AF_INET,"), calls
    assert "EPERM" in log.read_text()


def test_no_process_tries_the_network(clip_pool: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = fresh_home_env(home)
    db = str(home / "lib.sqlite")
    videos = tmp_path / "videos"
    shutil.copytree(clip_pool, videos)
    runs = {
        "scan": ["-m", "pyrec", "scan", str(videos), "--db", db, "--jobs", "2"],
        "recommend": ["-m", "pyrec", "recommend", "--db", db],
        "search": ["-m", "pyrec", "search", "clip", "--db", db],
        "similar": ["-m", "pyrec", "similar", "1", "--db", db],
        "shelves": ["-m", "pyrec", "shelves", "--db", db],
        "doctor": ["-m", "pyrec", "doctor", "--db", db],
    }
    if shutil.which("strace") and _has_gui():
        runs["gui"] = ["-m", "pyrec_gui", "--db", db, "--quit-after", "8"]
    report: dict[str, int] = {}
    for name, args in runs.items():
        log = tmp_path / f"{name}.strace"
        rc, err = traced(args, env, log)
        assert rc == 0, (name, err[-2000:])
        calls = network_calls(log)
        report[name] = len(calls)
        assert calls == [], (name, calls[:5])
        if name == "scan":  # the worker processes were traced too (spawned: an execve each)
            execs = re.findall(r"^\d+ +execve\(.*multiprocessing", log.read_text(), re.MULTILINE)
            assert len(execs) >= 2, log.read_text()[:3000]
    print("network calls per command:", report)
    telemetry = home / ".cache" / "Microsoft"
    assert not telemetry.exists(), sorted(str(p) for p in telemetry.rglob("*"))
    assert "gui" in runs or not _has_gui()


def _has_gui() -> bool:
    import importlib.util

    return importlib.util.find_spec("PySide6") is not None
