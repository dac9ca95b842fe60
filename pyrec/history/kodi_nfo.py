"""Played state from .nfo sidecars: a folder of videos whose .nfo files
Kodi (or Jellyfin's NFO saver) wrote ``<playcount>``, ``<lastplayed>``,
``<userrating>`` and ``<resume>`` into. A bad .nfo is one skipped line; the
rest is read."""

from __future__ import annotations

import os
from pathlib import Path

from pyrec.errors import SidecarError
from pyrec.history.nfo_state import read_state
from pyrec.history.records import HistorySourceError, SourceEvent, SourceItem, SourceRead
from pyrec.history.times import parse_local

VIDEO_SUFFIXES = frozenset({".mkv", ".mp4", ".m4v", ".avi", ".mov", ".wmv", ".webm", ".ts", ".m2ts", ".mpg",
                            ".mpeg", ".flv", ".ogv", ".3gp", ".iso", ".divx", ".vob"})


def read_nfo_folder(path: str | os.PathLike[str]) -> SourceRead:
    root = Path(path)
    if not root.is_dir():
        raise HistorySourceError("not a folder: .nfo history is read from the folder the videos are in", root)
    read = SourceRead("nfo", str(root))
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        names = {f.casefold(): f for f in files}
        videos = sorted(f for f in files if os.path.splitext(f)[1].casefold() in VIDEO_SUFFIXES)
        for name in videos:
            stem = os.path.splitext(name)[0]
            video = os.path.join(folder, name)
            # movie.nfo speaks for the folder's film only when the folder holds one video
            nfo = names.get((stem + ".nfo").casefold()) or (names.get("movie.nfo") if len(videos) == 1 else None)
            if nfo is None:
                continue
            _read_one(read, video, os.path.join(folder, nfo))
    return read


def _read_one(read: SourceRead, video: str, nfo: str) -> None:
    try:
        state = read_state(nfo)
    except SidecarError as exc:
        read.skipped.append(exc.one_line())
        return
    if state is None:
        return
    item = SourceItem(key=video, path=video, title=state.title, year=state.year, season=state.season,
                      episode=state.episode, ids=state.ids)
    when = parse_local(state.last_played)
    if when is None:
        try:
            when = os.stat(nfo).st_mtime  # the sidecar was last written when the state last changed
        except OSError:
            when = None
    if state.play_count > 0:
        read.events.append(SourceEvent(item, "watched", when, f"{video}|watched|{state.last_played}",
                                       value=float(state.play_count)))
    if state.resume:
        read.events.append(SourceEvent(item, "play", when, f"{video}|resume", position=state.resume,
                                       duration=state.total or None))
    if state.user_rating:
        read.events.append(SourceEvent(item, "rate", when, f"{video}|rate", value=state.user_rating))
