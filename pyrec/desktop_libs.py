"""Can the desktop app start here? Finds the system libraries Qt needs that
this machine lacks, before Qt aborts with "could not load the Qt platform
plugin" and no names.

PySide6 wheels bundle Qt but not the X11/GL libraries under it. Since Qt 6.5
the xcb plugin also needs libxcb-cursor, which Qt loads at run time (``ldd``
cannot see it). A missing one kills the process inside QApplication() with a
message that names neither the library nor the package, so ``pyrec gui`` and
``pyrec doctor`` ask first: ``ldd`` on Qt's own binaries (what the dynamic
loader would resolve), plus a load of the run-time ones. Nothing here imports
Qt.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Debian/Ubuntu package of each library Qt's GUI and xcb plugin load (the
# README lists the same set); a library not named here is reported by its name.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
}

# Loaded by the xcb plugin with dlopen (Qt >= 6.5), so absent from ldd's list.
_XCB_RUNTIME_LIBRARIES = ("libxcb-cursor.so.0",)

_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)


@dataclass(frozen=True)
class DesktopCheck:
    """What Qt would need to open a window on ``platform`` and this machine lacks."""

    platform: str
    missing: tuple[str, ...] = ()  # library sonames
    skipped: str = ""  # why nothing was checked (no PySide6, not Linux, no ldd)
    checked: tuple[str, ...] = field(default=(), repr=False)  # Qt binaries inspected

    @property
    def ok(self) -> bool:
        return not self.missing

    @property
    def packages(self) -> list[str]:
        return sorted({DEBIAN_PACKAGES.get(lib, lib) for lib in self.missing})

    def apt_command(self) -> str:
        return "sudo apt install " + " ".join(self.packages)

    def one_line(self) -> str:
        """The error ``pyrec gui`` prints instead of Qt's abort."""
        return (f"the desktop app cannot start: Qt's {self.platform} platform plugin needs "
                f"{', '.join(self.missing)}, missing on this system (Debian/Ubuntu: {self.apt_command()})")

    def describe(self) -> str:
        """One cell of ``pyrec doctor``."""
        if self.skipped:
            return f"not checked ({self.skipped})"
        if self.missing:
            return f"{self.platform}: missing {', '.join(self.missing)} ({self.apt_command()})"
        return f"{self.platform}: all libraries present"


def qt_platform(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """The platform plugin Qt will try first, as Qt picks it on Linux."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip()
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def check(platform: str | None = None) -> DesktopCheck:
    """The libraries the desktop app needs on ``platform`` (default: the one
    Qt will pick) that the dynamic loader cannot find."""
    platform = platform or qt_platform()
    if not sys.platform.startswith("linux"):
        return DesktopCheck(platform, skipped="only Linux wheels depend on system libraries")
    root = pyside_dir()
    if root is None:
        return DesktopCheck(platform, skipped="PySide6 is not installed: pip install 'pyrec[gui]'")
    ldd = shutil.which("ldd")
    if ldd is None:
        return DesktopCheck(platform, skipped="ldd is not available")
    # One ldd on the platform plugin covers Qt GUI's system libraries too (ldd
    # lists dependencies transitively): one subprocess on the app's start-up
    # path, not three. Without the plugin, QtGui's binding module stands in.
    plugin = root / "Qt" / "plugins" / "platforms" / f"libq{platform}.so"
    binaries = [plugin] if plugin.is_file() else sorted(root.glob("QtGui*.so"))
    missing = missing_libraries(binaries, ldd=ldd)
    if platform == "xcb":
        missing += [lib for lib in _XCB_RUNTIME_LIBRARIES if lib not in missing and not _loadable(lib)]
    return DesktopCheck(platform, tuple(missing), checked=tuple(str(b) for b in binaries))


def missing_libraries(binaries: list[Path], *, ldd: str = "ldd") -> list[str]:
    """Sonames that ``binaries`` need (directly or through each other) and the
    dynamic loader cannot find, in first-seen order."""
    missing: list[str] = []
    for binary in binaries:
        try:
            done = subprocess.run([ldd, str(binary)], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        for lib in _NOT_FOUND.findall(done.stdout):
            if lib not in missing:
                missing.append(lib)
    return missing


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True
