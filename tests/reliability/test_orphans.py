"""A killed scan takes its workers with it. SIGKILL (the OOM killer, a
logout, a crash) gives the parent no chance to clean up, so the workers must
notice by themselves: 3 s after the kill, no process of the scan is left,
from the CLI and from the desktop app alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyrec.demo.clips import STYLES, render_clip

from .conftest import SCRIPTS, child_env, run_py

GRACE_SECONDS = 3.0


@pytest.fixture(scope="module")
def slow_clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clips long enough that workers are mid-file when the scan is killed."""
    root = tmp_path_factory.mktemp("slow_clips")
    styles = list(STYLES)
    for i in range(6):
        render_clip(root / f"long{i}.mp4", styles[i % len(styles)], seconds=20, size=(480, 360), fps=24, seed=i)
    return root


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, found, todo = children_of(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie (dead, waiting to be reaped) is not alive."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"multiprocessing" in fh.read()
    except OSError:
        return False


def kill_mid_scan(cmd: list[str], env: dict[str, str], *, timeout: float = 90) -> tuple[list[int], list[int]]:
    """Start ``cmd``, wait until two scan workers are busy, SIGKILL the
    parent; (processes it had, those still alive GRACE_SECONDS later)."""
    proc = subprocess.Popen(cmd, env=env, cwd=SCRIPTS, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        workers: list[int] = []
        while len(workers) < 2:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            assert time.monotonic() < deadline, "no scan workers appeared"
            time.sleep(0.1)
            workers = [p for p in descendants(proc.pid) if is_worker(p)]
        time.sleep(1.5)  # past start-up: the workers are decoding and embedding now
        family = descendants(proc.pid)
        assert proc.poll() is None, "the scan finished before it could be killed: use longer clips"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(GRACE_SECONDS)
        return family, [p for p in family if alive(p)]
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left, so one failure does not leak into others
        except ProcessLookupError:
            pass
        if proc.stderr:
            proc.stderr.close()


def test_killed_cli_scan_leaves_no_process(slow_clips: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "pyrec", "scan", str(slow_clips), "--db", str(tmp_path / "lib.sqlite"),
           "--jobs", "2"]
    family, left = kill_mid_scan(cmd, child_env(XDG_CACHE_HOME=str(tmp_path / "cache")))
    print(f"CLI scan: {len(family)} processes at the kill, {len(left)} alive {GRACE_SECONDS:.0f} s later")
    assert len(family) >= 2
    assert left == []


def test_killed_desktop_app_scan_leaves_no_process(slow_clips: Path, tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    db = str(tmp_path / "lib.sqlite")
    folder = tmp_path / "videos"
    folder.mkdir()
    env = child_env(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"),
                    QT_QPA_PLATFORM="offscreen")
    assert run_py(["-m", "pyrec", "scan", str(folder), "--db", db], env=env).code == 0  # the folder is known
    for clip in slow_clips.iterdir():
        os.link(clip, folder / clip.name)
    cmd = [sys.executable, "-m", "pyrec_gui", "--db", db, "--rescan"]
    family, left = kill_mid_scan(cmd, env)
    print(f"GUI scan: {len(family)} processes at the kill, {len(left)} alive {GRACE_SECONDS:.0f} s later")
    assert left == []


def test_worker_exits_when_its_parent_is_already_gone(tmp_path: Path) -> None:
    """The race the kernel request cannot cover: the parent died before the
    worker asked. bind_to_parent sees the new parent and exits at once."""
    code = ("import os; from pyrec import lifeline; lifeline.bind_to_parent(os.getppid() + 100000); "
            "print('still here')")
    run = run_py(["-c", code])
    assert run.code == 1 and "still here" not in run.stdout
