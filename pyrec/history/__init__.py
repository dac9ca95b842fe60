"""Bring your history: what Kodi, Jellyfin, Plex and Trakt already know.

Readers, one module per source, open foreign databases read-only and files
as untrusted input, and return plain records (``records``); ``match`` finds
the library video each item is about and ``plan`` turns a read into events
to store and a report. Nothing here writes to the library (the service
hands the plan to ``pyrec.library``); ``nfo_write`` is the one writer, and
only of the .nfo sidecars a person asked it to update."""

from __future__ import annotations

import os
from collections.abc import Callable

from pyrec.history.jellyfin import read_jellyfin
from pyrec.history.kodi import read_kodi
from pyrec.history.kodi_nfo import read_nfo_folder
from pyrec.history.plex import read_plex
from pyrec.history.records import HistorySourceError, SourceEvent, SourceItem, SourceRead
from pyrec.history.trakt import read_trakt

Reader = Callable[[str | os.PathLike[str], str | None], SourceRead]

SOURCES: dict[str, Reader] = {
    "kodi": lambda path, account: read_kodi(path),
    "nfo": lambda path, account: read_nfo_folder(path),
    "jellyfin": read_jellyfin,
    "plex": read_plex,
    "trakt": lambda path, account: read_trakt(path),
}


def read_source(source: str, path: str | os.PathLike[str], account: str | None = None) -> SourceRead:
    """Everything ``source`` knows at ``path`` (for ``account`` where it has several)."""
    reader = SOURCES.get(source.casefold())
    if reader is None:
        raise ValueError(f"unknown history source {source!r}; use one of {', '.join(SOURCES)}")
    return reader(path, account)


__all__ = ["SOURCES", "HistorySourceError", "SourceEvent", "SourceItem", "SourceRead", "read_source"]
