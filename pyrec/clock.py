"""Times as people read them: 0:07, 12:30, 1:05:00. One formatter for the
CLI, reasons, scan warnings and the desktop app."""

from __future__ import annotations


def format_clock(seconds: float) -> str:
    """Whole seconds (truncated: "from 0:59" never promises a minute not reached)."""
    s = int(max(seconds, 0))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def parse_clock(text: str) -> float:
    """"0:06", "12:30", "1:05:00" or plain seconds ("6", "6.5") -> seconds."""
    parts = text.strip().split(":")
    try:
        if len(parts) > 3 or any(p.strip() == "" for p in parts):
            raise ValueError
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"not a time: {text!r} (use 0:06, 12:30, 1:05:00 or seconds)") from None
    if any(v < 0 for v in values) or any(v >= 60 for v in values[1:]):
        raise ValueError(f"not a time: {text!r} (minutes and seconds go up to 59)")
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds
