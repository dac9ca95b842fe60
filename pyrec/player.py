"""Open a video in the user's player and measure how long it stayed open.

``$PYREC_PLAYER`` (e.g. ``mpv`` or ``vlc --play-and-exit``) names a player we
can wait for: the time it stays open, capped at the video's length, is the
watched time. Without one, the desktop's opener (xdg-open, open, startfile)
starts playback and returns at once, so nothing can be measured.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

from pyrec.errors import PyrecError

PLAYER_ENV = "PYREC_PLAYER"


@dataclass(frozen=True)
class PlayResult:
    waited: bool  # True when the player ran in the foreground and was timed
    seconds_open: float | None
    started_at: float = 0.0  # where playback began (0 when the player cannot be told)


# Players that can be told where to start, by the name of their program.
_START_FLAGS = {"mpv": "--start={}", "vlc": "--start-time={}", "cvlc": "--start-time={}"}


def start_flag(argv: list[str], seconds: float) -> list[str]:
    """The option that makes this player start at ``seconds``; [] when it has none we know."""
    template = _START_FLAGS.get(os.path.basename(argv[0]).lower().removesuffix(".exe")) if argv else None
    return [template.format(f"{seconds:.3f}")] if template and seconds > 0 else []


def _desktop_opener(path: str) -> list[str]:
    if sys.platform == "darwin":
        return ["open", path]
    opener = shutil.which("xdg-open")
    if opener is None:
        raise PyrecError("no video player found: set PYREC_PLAYER (e.g. 'mpv') or install xdg-utils", path)
    return [opener, path]


def play(path: str, *, player: str | None = None, start: float | None = None) -> PlayResult:
    """Play ``path``; blocks while a configured player runs. ``start``
    (seconds) is passed to players that take it (mpv, VLC); others play
    from the beginning (``started_at`` says which happened)."""
    if not os.path.exists(path):
        raise PyrecError("file is not there (moved, or on a drive that is not connected)", path)
    command = player or os.environ.get(PLAYER_ENV)
    if os.name == "nt" and not command:  # pragma: no cover - Windows only
        os.startfile(path)  # type: ignore[attr-defined]
        return PlayResult(False, None)
    if not command:
        subprocess.Popen(_desktop_opener(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        return PlayResult(False, None)
    argv = shlex.split(command)
    at = start_flag(argv, start or 0.0)
    argv = [*argv, *at, path]
    started = time.monotonic()
    try:
        done = subprocess.run(argv, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise PyrecError(f"player {argv[0]!r} not found (check PYREC_PLAYER)", path) from exc
    if done.returncode != 0:  # the player refused the file: that was no play
        raise PyrecError(f"player {argv[0]!r} exited with status {done.returncode}", path)
    return PlayResult(True, time.monotonic() - started, float(start or 0.0) if at else 0.0)
