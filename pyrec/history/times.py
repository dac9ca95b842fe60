"""Timestamps as each source writes them, to unix seconds."""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone

# .NET writes seven fractional digits; Python's fromisoformat (3.11+) takes any
# number of them but not a bare "Z" before 3.11 — normalise both.
_FRACTION = re.compile(r"\.(\d+)")


def parse_local(text: object) -> float | None:
    """Kodi's 'YYYY-MM-DD HH:MM:SS', in the local time zone of the machine
    that wrote it (Kodi stores wall-clock time); None for empty or malformed."""
    return _parse(text, assume_utc=False)


def parse_utc(text: object) -> float | None:
    """An ISO 8601 or 'YYYY-MM-DD HH:MM:SS[.fffffff]' time in UTC unless it
    names its own offset (Jellyfin, Trakt), or unix seconds as a number (Plex)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
        return value if math.isfinite(value) and value > 0 else None
    return _parse(text, assume_utc=True)


def _parse(text: object, *, assume_utc: bool) -> float | None:
    if not isinstance(text, str) or not text.strip():
        return None
    clean = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    clean = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), clean, count=1)
    if clean.isdigit():
        return parse_utc(int(clean))
    try:
        moment = datetime.fromisoformat(clean)
    except ValueError:
        return None
    if moment.year < 1971:  # Kodi and .NET write 0001-01-01 / 1970 for "never"
        return None
    if moment.tzinfo is None and assume_utc:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()  # naive: local time, as the machine's zone says


def kodi_time(at: float) -> str:
    """The inverse of parse_local, as Kodi writes <lastplayed> and lastPlayed."""
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")
