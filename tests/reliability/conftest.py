"""Fixtures for the reliability suite: tiny generated clips, a CLI runner and
the folder of helper scripts that spawned workers import by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyrec.demo.clips import STYLES, render_clip

SCRIPTS = Path(__file__).parent / "scripts"


def make_clips(folder: Path, n: int, *, seconds: float = 1.0, size: tuple[int, int] = (96, 72)) -> list[Path]:
    """``n`` distinct tiny clips (fast to index) spread over two sub-folders."""
    styles = list(STYLES)
    return [
        render_clip(folder / ("A" if i % 2 else "B") / f"clip{i:02d}.mp4", styles[i % len(styles)],
                    seconds=seconds, size=size, fps=8, seed=i)
        for i in range(n)
    ]


@pytest.fixture(scope="session")
def clip_pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve tiny clips, rendered once per session; copy before changing."""
    root = tmp_path_factory.mktemp("clip_pool")
    make_clips(root, 12)
    return root


@pytest.fixture
def clips(clip_pool: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "videos"
    shutil.copytree(clip_pool, dest)
    return dest


@pytest.fixture
def faults_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``pyrec_faults`` importable here and in spawned workers (spawn
    hands the parent's sys.path to the child)."""
    monkeypatch.syspath_prepend(str(SCRIPTS))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # Never the repo root: its pyrec/ has no compiled core, and would shadow
    # the installed package (CI installs pyrec normally, not editable).
    env.update({"PYTHONPATH": str(SCRIPTS), "COLUMNS": "400",
                "PYTHONFAULTHANDLER": "", "NO_COLOR": "1"})
    env.update(extra)
    return env


def run_py(args: Sequence[str], *, timeout: float = 120, env: dict[str, str] | None = None,
           cwd: Path | None = None) -> Run:
    """Run ``python ARGS`` and capture its output (bytes decoded leniently:
    file names may be invalid UTF-8)."""
    # cwd defaults to the scripts folder: `python -c` puts the cwd on sys.path,
    # and the repo root's source tree must not shadow the installed pyrec.
    proc = subprocess.run([sys.executable, *args], capture_output=True, timeout=timeout,
                          env=env or child_env(), cwd=cwd or SCRIPTS, check=False)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "backslashreplace"),
               proc.stderr.decode("utf-8", "backslashreplace"))


def run_cli(*args: str, timeout: float = 120, guarded: bool = True) -> Run:
    """``pyrec ARGS`` in a subprocess, with the network guard installed first
    (as the entry point will once the lead adds it to cli.main)."""
    if guarded:
        return run_py([str(SCRIPTS / "guarded_cli.py"), *args], timeout=timeout)
    return run_py(["-m", "pyrec.cli", *args], timeout=timeout)
