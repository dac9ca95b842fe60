"""What every source reader returns: plain records of what another media
centre knew, before anything is matched to this library or stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyrec.errors import PyrecError


class HistorySourceError(PyrecError):
    """A history source (database, export, sidecar) is unreadable: locked,
    corrupt, of an unknown or newer schema, or hostile."""


@dataclass(frozen=True)
class SourceItem:
    """One video as the source knows it: whatever helps find it here."""

    key: str  # the source's own stable id for it (its path, item id or guid)
    path: str = ""  # the file path as the source stored it ("" when it has none, e.g. Trakt)
    title: str = ""
    year: int | None = None
    season: int | None = None
    episode: int | None = None
    series: str = ""  # the show's title, for an episode
    ids: tuple[tuple[str, str], ...] = ()  # external ids: ("imdb", "tt0099810"), ("tmdb", "1669"), ("tvdb", …)
    size: int | None = None  # bytes, when the source records it

    @property
    def label(self) -> str:
        """How the item is named in a report line: its path, else its name."""
        return self.path or self.name

    @property
    def name(self) -> str:
        """Title (year), or show SxxEyy."""
        name = self.series or self.title or self.key
        if self.season is not None and self.episode is not None:
            name += f" S{self.season:02d}E{self.episode:02d}"
        return name + (f" ({self.year})" if self.year else "")


@dataclass(frozen=True)
class SourceEvent:
    """One thing a person did, as the source recorded it."""

    item: SourceItem
    kind: str  # an interaction kind: 'watched', 'play' (a resume point), 'rate', 'like'
    at: float | None  # unix seconds when it happened; None when the source does not say
    key: str  # stable within the source: importing twice gives the same key
    value: float | None = None  # a rating (0..10) or a play count
    position: float | None = None  # seconds: a resume point
    duration: float | None = None  # seconds, when the source knows the length


@dataclass
class SourceRead:
    """Everything read from one source for one account."""

    source: str  # "kodi", "jellyfin", "plex", "trakt"
    path: str
    account: str = ""  # the source's user whose history this is ("" when it has one user)
    events: list[SourceEvent] = field(default_factory=list)
    # What was read but cannot become history here, one line each (e.g. a watchlist: pyrec has none).
    skipped: list[str] = field(default_factory=list)
