"""The desktop app's start-up check names the system libraries Qt would fail
to load (and their Debian packages) instead of letting Qt abort."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pyrec import desktop_libs


def _compile(cc: str, out: Path, source: str, *extra: str) -> None:
    src = out.with_suffix(".c")
    src.write_text(source)
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(src), *extra], check=True, capture_output=True)


def test_missing_libraries_found_through_the_dynamic_loader(tmp_path: Path) -> None:
    """A real ELF library whose dependency was removed after linking, as a Qt
    plugin is on a desktop without libxcb-cursor0."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or shutil.which("ldd") is None:
        pytest.skip("needs a C compiler and ldd")
    dep = tmp_path / "libpyrecgone.so.1"
    _compile(cc, dep, "int gone(void) { return 1; }\n", "-Wl,-soname,libpyrecgone.so.1")
    plugin = tmp_path / "libqprobe.so"
    _compile(cc, plugin, "int gone(void);\nint probe(void) { return gone(); }\n", str(dep), f"-Wl,-rpath,{tmp_path}")
    assert desktop_libs.missing_libraries([plugin]) == []
    dep.unlink()
    assert desktop_libs.missing_libraries([plugin]) == ["libpyrecgone.so.1"]


def test_the_message_names_libraries_packages_and_the_command() -> None:
    check = desktop_libs.DesktopCheck("xcb", ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libpyrec-odd.so.2"))
    assert not check.ok
    assert check.packages == ["libpyrec-odd.so.2", "libxcb-cursor0", "libxcb-icccm4"]
    line = check.one_line()
    assert "\n" not in line
    assert line.startswith("the desktop app cannot start: Qt's xcb platform plugin needs libxcb-cursor.so.0, ")
    assert line.endswith("(Debian/Ubuntu: sudo apt install libpyrec-odd.so.2 libxcb-cursor0 libxcb-icccm4)")


@pytest.mark.parametrize(("env", "platform"), [
    ({}, "xcb"),
    ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
    ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "vnc"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "wayland"),
    ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, "xcb"),
])
def test_platform_is_the_one_qt_tries_first(env: dict[str, str], platform: str) -> None:
    assert desktop_libs.qt_platform(env) == platform


@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="PySide6 not installed")
def test_gui_prints_one_line_instead_of_qt_aborting(tmp_path: Path) -> None:
    """On this machine, for real: with the xcb plugin's libraries incomplete
    (Debian's base image lacks libxcb-icccm4 and others), ``pyrec-gui``
    answers with one line and exit code 1; with them complete, the check
    passes and says so."""
    check = desktop_libs.check("xcb")
    if check.ok:
        assert check.describe() == "xcb: all libraries present"
        return
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update({"DISPLAY": ":97", "HOME": str(tmp_path)})
    done = subprocess.run([sys.executable, "-m", "pyrec_gui", "--db", str(tmp_path / "l.sqlite")], env=env,
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {check.one_line()}"]
    assert "apt install" in done.stderr and "could not load the Qt platform plugin" not in done.stderr
