"""pyrec is local-only: under the network guard every way out is refused with
NetworkBlockedError, in the parent and in spawned scan workers, and a
listener on this machine sees zero bytes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SCRIPTS, run_cli, run_py


class Listener:
    """What reaches a loopback TCP + UDP port, counted by a separate process."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, str(SCRIPTS / "listener.py")], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        self.port = int(self._proc.stdout.readline())

    def counts(self) -> tuple[int, int]:
        """Stop listening; (connections accepted, bytes received)."""
        out, _ = self._proc.communicate(timeout=30)
        data = json.loads(out.splitlines()[-1])
        return data["connections"], data["bytes"]

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_listener_counts_what_gets_through(listener: Listener) -> None:
    """The leak counter itself works: an unguarded process does get through."""
    code = (f"import socket; s = socket.create_connection(('127.0.0.1', {listener.port})); "
            "s.sendall(b'leak'); s.close()")
    run = run_py(["-c", code])
    assert run.code == 0, run.stderr
    assert listener.counts() == (1, 4)


def test_every_way_out_is_blocked(listener: Listener) -> None:
    run = run_py([str(SCRIPTS / "net_probe.py"), str(listener.port)])
    assert run.code == 0, run.stderr
    outcomes = json.loads(run.stdout.splitlines()[-1])
    assert outcomes.pop("unix socketpair") == "ok"
    blocked = int(outcomes.pop("blocked_attempts"))
    # The audit hook refuses the socket itself, before the kernel filter would.
    assert outcomes["connect 192.0.2.1:80"] == ("blocked: AF_INET: socket refused: pyrec is local-only "
                                                "and opens no network connections")
    # Native code skips the hook; the kernel filter refuses it (EPERM).
    assert outcomes["native socket AF_INET"] == "blocked: AF_INET: kernel refused socket(): Operation not permitted"
    assert outcomes["native socket AF_INET6"] == "blocked: AF_INET6: kernel refused socket(): Operation not permitted"
    assert outcomes["getaddrinfo example.com"].startswith("blocked: example.com: name lookup refused")
    leaked = {k: v for k, v in outcomes.items() if not v.startswith("blocked: ")}
    assert leaked == {}
    native = [k for k in outcomes if k.startswith("native ")]
    assert blocked >= len(outcomes) - len(native)  # install() twice still counts each refusal once
    assert blocked < 2 * len(outcomes)
    assert listener.counts() == (0, 0)


def test_scan_workers_are_guarded_too(clips: Path, tmp_path: Path, listener: Listener) -> None:
    """jobs=2 spawns workers; each tries loopback TCP, UDP and DNS before indexing."""
    db = tmp_path / "lib.sqlite"
    run = run_py([str(SCRIPTS / "guarded_scan.py"), str(clips), str(db), str(tmp_path / "thumbs"),
                  str(listener.port)], timeout=180)
    assert run.code == 0, run.stderr
    summary = json.loads(run.stdout.splitlines()[-1])
    assert (summary["added"], summary["failed"]) == (12, 0), summary["errors"]
    net_lines = [w for w in summary["warnings"] if ": blocked: " in w or w.endswith("LEAKED")]
    assert len(net_lines) == 12 * 4 and all(": blocked: " in w for w in net_lines), net_lines[:4]
    assert listener.counts() == (0, 0)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0] == 12
    con.close()


def test_cli_commands_work_under_the_guard(clips: Path, tmp_path: Path, listener: Listener) -> None:
    """Every command, recommendations included, runs under the guard, and no
    code path even attempts the network (the guard's refusal count stays 0)."""
    db = str(tmp_path / "lib.sqlite")
    first = next(iter(sorted(clips.rglob("*.mp4"))))
    commands = [
        ["scan", str(clips), "--jobs", "2"],
        ["list"], ["show", "1"], ["like", "1"], ["play", str(first), "--player", "true"], ["rate", "2", "7"],
        ["history"], ["profiles", "--create", "kid", "--incognito"], ["export", "-o", str(tmp_path / "e.json")],
        ["backup", str(tmp_path / "backup.sqlite")], ["folders"], ["doctor"],
        ["recommend"], ["shelves"], ["similar", "1"], ["search", "clip"], ["dupes"], ["eval", "library"],
        ["forget"],
    ]
    for cmd in commands:
        run = run_cli(*cmd, "--db", db, timeout=180)
        assert run.code == 0, (cmd, run.stderr)
        assert run.stderr.splitlines()[-1] == "netguard-blocked=0", (cmd, run.stderr)
    assert listener.counts() == (0, 0)


def test_cli_entry_point_installs_the_guard(tmp_path: Path) -> None:
    code = ("import sys; from pyrec.cli import main; from pyrec import netguard; "
            f"rc = main(['folders', '--db', {str(tmp_path / 'l.sqlite')!r}]); print(rc, netguard.installed())")
    run = run_py(["-c", code])
    assert run.stdout.split() == ["0", "True"], run.stderr


def test_the_desktop_app_runs_under_the_guard(clips: Path, tmp_path: Path, listener: Listener) -> None:
    """The real GUI (offscreen) opens a scanned library, loads its shelves from
    the recommender and searches, with the guard on: nothing is refused
    because nothing tries."""
    pytest.importorskip("PySide6")
    db = str(tmp_path / "lib.sqlite")
    assert run_cli("scan", str(clips), "--db", db, timeout=180).code == 0
    assert run_cli("like", "1", "--db", db).code == 0
    run = run_py([str(SCRIPTS / "guarded_gui.py"), db, str(tmp_path / "gui.ini")], timeout=120)
    assert run.code == 0, run.stderr[-2000:]
    assert run.stdout.split()[-1] != "shelves=0", run.stdout  # the home page really loaded
    assert run.stderr.splitlines()[-1] == "netguard-blocked=0", run.stderr[-2000:]
    assert listener.counts() == (0, 0)


def test_kernel_filter_holds_native_code_threads_and_children() -> None:
    """socket() from libc, as native code calls it: refused with EPERM for
    internet and packet sockets in every thread (one started before the
    filter too) and in child processes; AF_UNIX keeps working."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the kernel filter is Linux seccomp")
    run = run_py([str(SCRIPTS / "kernel_filter_probe.py")])
    assert run.code == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    eperm = 1
    assert result.pop("kernel_filter") == "seccomp"
    assert result.pop("inet before install") == 0  # the probe itself can open one: the refusals are real
    assert result.pop("unix") == 0
    assert result == {k: eperm for k in result}, result


def test_doctor_says_which_guard_is_active(tmp_path: Path) -> None:
    run = run_py(["-m", "pyrec", "doctor", "--json", "--db", str(tmp_path / "l.sqlite")])
    assert run.code == 0, run.stderr
    privacy = json.loads(run.stdout)["privacy"]
    expected = "on: seccomp" if sys.platform.startswith("linux") else "partial: Python audit hook only"
    assert privacy["network_guard"].startswith(expected), privacy
    assert privacy["onnxruntime_telemetry"].startswith("off"), privacy
