"""Giving history back: played state written into .nfo sidecars (opt-in),
so Kodi and Jellyfin see what was watched in pyrec.

Only ``<playcount>``, ``<lastplayed>`` and ``<userrating>`` change; every
other byte of the file stays as it was (the edit is textual, inside the
root element, after a safe parse has checked the file; the result is parsed
again before it replaces the original, atomically). A .nfo that is not
UTF-8, hostile, malformed or holds several roots (multi-episode) is left
alone, with one line saying why. pyrec never creates a .nfo: Kodi would
take a bare one for complete metadata and stop scraping that video."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pyrec.errors import SidecarError
from pyrec.history.nfo_state import read_state
from pyrec.history.times import kodi_time, parse_local
from pyrec.scan.nfo import MAX_NFO_BYTES, find_nfo, nfo_root

ROOTS = ("movie", "episodedetails", "musicvideo")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class PlayedState:
    play_count: int  # at least this many plays (never lowers what the .nfo says)
    last_played: float | None  # unix seconds; written only when later than the .nfo's
    user_rating: float | None  # 0..10; written as Kodi's whole number


@dataclass(frozen=True)
class NfoWrite:
    nfo: str  # the file ("" when none was found)
    changed: bool
    reason: str  # what changed, or why nothing did


def sidecar_for(video_path: str) -> str | None:
    """The most specific .nfo describing this video itself (never tvshow.nfo)."""
    for nfo in reversed(find_nfo(video_path)):
        if os.path.basename(nfo).casefold() != "tvshow.nfo":
            return nfo
    return None


def write_played_state(video_path: str, state: PlayedState, *, dry_run: bool = False) -> NfoWrite:
    nfo = sidecar_for(video_path)
    if nfo is None:
        return NfoWrite("", False, "no .nfo beside it (pyrec does not create one)")
    try:
        return _write(nfo, state, dry_run)
    except SidecarError as exc:
        return NfoWrite(nfo, False, exc.reason)
    except OSError as exc:
        return NfoWrite(nfo, False, f"cannot write: {exc.strerror or exc}")


def _write(nfo: str, state: PlayedState, dry_run: bool) -> NfoWrite:
    raw = Path(nfo).read_bytes()
    if len(raw) > MAX_NFO_BYTES:
        return NfoWrite(nfo, False, "too large for a .nfo; left alone")
    bom = raw.startswith(_BOM)
    try:
        text = raw[len(_BOM):].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        return NfoWrite(nfo, False, "not UTF-8; left alone so its encoding is not changed")
    current = read_state(nfo)  # the safe parse (raises SidecarError for hostile or malformed XML)
    if current is None or current.root not in ROOTS:
        return NfoWrite(nfo, False, "not a movie or episode .nfo; left alone")
    closing = re.search(rf"</\s*{current.root}\s*>", text, re.IGNORECASE)
    if closing is None or text[closing.end():].strip():
        return NfoWrite(nfo, False, "several root elements (a multi-episode .nfo); left alone")
    wanted: dict[str, str] = {}
    if state.play_count > current.play_count:
        wanted["playcount"] = str(state.play_count)
    before = parse_local(current.last_played)
    if state.last_played is not None and (before is None or state.last_played > before + 1):
        wanted["lastplayed"] = kodi_time(state.last_played)
    if state.user_rating is not None and round(state.user_rating) != current.user_rating:
        wanted["userrating"] = str(int(round(state.user_rating)))
    if not wanted:
        return NfoWrite(nfo, False, "already up to date")
    new_text = text
    for tag, value in wanted.items():
        new_text = _set(new_text, current.root, tag, value)
    if nfo_root(new_text, nfo) is None:  # parses again, or SidecarError
        raise SidecarError("the edited .nfo would not parse; left alone", nfo)
    if not dry_run:
        _replace(nfo, (_BOM if bom else b"") + new_text.encode("utf-8"))
    return NfoWrite(nfo, True, ", ".join(f"{k} {v}" for k, v in wanted.items()))


def _set(text: str, root: str, tag: str, value: str) -> str:
    element = re.compile(rf"<{tag}\s*(?:/>|>[^<]*</{tag}\s*>)", re.IGNORECASE)
    if element.search(text):
        return element.sub(f"<{tag}>{value}</{tag}>", text, count=1)
    closing = list(re.finditer(rf"</\s*{root}\s*>", text, re.IGNORECASE))[-1]
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = re.search(r"\n([ \t]+)<", text)
    pad = indent.group(1) if indent else "    "
    line_start = text.rfind("\n", 0, closing.start()) + 1
    if text[line_start:closing.start()].strip():  # "</movie>" shares a line with content: insert inline
        return f"{text[:closing.start()]}<{tag}>{value}</{tag}>{text[closing.start():]}"
    return f"{text[:line_start]}{pad}<{tag}>{value}</{tag}>{newline}{text[line_start:]}"


def _replace(path: str, data: bytes) -> None:
    """Write beside the original, keep its permissions, then swap atomically."""
    folder = os.path.dirname(path) or "."
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=".pyrec-", suffix=".nfo", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
