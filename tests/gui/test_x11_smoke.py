"""The desktop app on a real X server (Xvfb) through Qt's xcb plugin, as
users' desktops run it: the offscreen platform the other GUI tests use never
loads the xcb plugin or its system libraries. Starts the app, waits for the
first shelf and takes the screenshot from the X server; then takes the
README's pictures there (home, detail with moments, in-app playback, search
with moments, duplicates) with tools/screenshots.py and checks each."""

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


def _x_env(display: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path / "home"),
                "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")})
    return env


def assert_a_full_window(shot: Path, colours_at_least: int = 500) -> QImage:
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500, (image.width(), image.height())
    # Thumbnails and text, not an empty or black window: many colours.
    step = 4
    colours = {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
    assert len(colours) > colours_at_least, (shot.name, len(colours))
    return image


def test_app_shows_its_home_on_a_real_x_server(x_display: str, library_copy: Path, tmp_path: Path) -> None:
    check = desktop_libs.check("xcb")
    _need(check.ok, check.describe())
    shot = tmp_path / "home-x11.png"
    env = _x_env(x_display, tmp_path)
    done = subprocess.run([sys.executable, "-m", "pyrec_gui", "--db", str(library_copy), "--screenshot", str(shot)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_a_full_window(shot)
    copy = os.environ.get("PYREC_X11_SCREENSHOT")
    if copy:  # keep it for a look (tools/screenshots.py does the README's)
        shutil.copy(shot, copy)


README_VIEWS = ("home", "detail", "search", "player", "duplicates")


def test_readme_pictures_from_a_real_x_server(x_display: str, tmp_path: Path) -> None:
    """The pages as users see them on X11, the in-app player's video included
    (drawn by the X server, so read back from it, not from Qt's painting)."""
    check = desktop_libs.check("xcb")
    _need(check.ok, check.describe())
    _need(shutil.which("ffmpeg") is not None, "the ffmpeg tool is not installed (it makes the film with moments)")
    out = tmp_path / "shots"
    tool = Path(__file__).resolve().parents[2] / "tools" / "screenshots.py"
    done = subprocess.run([sys.executable, str(tool), "--x11", "--out", str(out), "--workdir", str(tmp_path / "work"),
                           "--only", *README_VIEWS], env=_x_env(x_display, tmp_path), cwd=tmp_path,
                          capture_output=True, text=True, timeout=400, check=False)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    for name in README_VIEWS:
        assert_a_full_window(out / f"gui-{name}-x11.png", 300)
    # The player's picture holds the video itself: the test pattern's bars fill the middle of the window.
    player = QImage(str(out / "gui-player-x11.png"))
    middle = [player.pixelColor(x, player.height() // 2) for x in range(player.width() // 4, player.width(), 40)]
    assert sum(c.saturation() > 150 for c in middle) > len(middle) // 2, "no video in the player's picture"
    copy = os.environ.get("PYREC_X11_SHOTS")
    if copy:  # keep them (the README's pictures come from here)
        for name in README_VIEWS:
            shutil.copy(out / f"gui-{name}-x11.png", Path(copy) / f"gui-{name}-x11.png")
