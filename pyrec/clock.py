"""Times as people read them: 0:07, 12:30, 1:05:00. One formatter for the
CLI, reasons, scan warnings and the desktop app."""

from __future__ import annotations


def format_clock(seconds: float) -> str:
    """Whole seconds (truncated: "from 0:59" never promises a minute not reached)."""
    s = int(max(seconds, 0))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
