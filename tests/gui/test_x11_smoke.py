"""The desktop app on a real X server (Xvfb) through Qt's xcb plugin, as
users' desktops run it: the offscreen platform the other GUI tests use never
loads the xcb plugin or its system libraries. Starts the app, waits for the
first shelf and takes the screenshot from the X server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from pyrec import desktop_libs


def _need(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{why}: .ci/run installs it; the real-display check must not be skipped in CI")
        pytest.skip(why)


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    _need(xvfb is not None, "Xvfb is not installed (apt-get install xvfb)")
    assert xvfb is not None
    read, write = os.pipe()
    # -nolisten tcp: clients reach it over its unix socket only (the app's network guard allows no other).
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1366x900x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as fh:
        number = fh.readline().strip()
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_app_shows_its_home_on_a_real_x_server(x_display: str, library_copy: Path, tmp_path: Path) -> None:
    check = desktop_libs.check("xcb")
    _need(check.ok, check.describe())
    shot = tmp_path / "home-x11.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update({"DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path / "home"),
                "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    done = subprocess.run([sys.executable, "-m", "pyrec_gui", "--db", str(library_copy), "--screenshot", str(shot)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500, (image.width(), image.height())
    # Thumbnails and text, not an empty or black window: many colours.
    step = 4
    colours = {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
    assert len(colours) > 500, len(colours)
    copy = os.environ.get("PYREC_X11_SCREENSHOT")
    if copy:  # keep it for a look (tools/screenshots.py does the README's)
        shutil.copy(shot, copy)
