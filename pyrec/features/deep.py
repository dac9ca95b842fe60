"""The deep pass's contract: slow readers of a video (speech transcripts,
on-screen text) that run after the fast scan has stored everything cheap,
each within a time budget per file, and each recorded per video by name and
version so a killed pass resumes where it stopped and a newer reader redoes
its work.

A stage is a pure function from a media file to moments; it never writes
to the library (the scan's deep-pass driver stores what it returns).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol

from pyrec.records import Moment

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class DeepResult:
    """What a stage that measures, not only reads, returns: its moments (if
    any) and figures that replace the fast pass's estimates in the video's
    stored stats (e.g. whole-film shot cuts for the sampled ones)."""

    moments: list[Moment] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


class DeepStage(Protocol):
    name: str  # "speech", "screen_text": stored per video with ``version``
    version: int  # bump to run the stage again on every file

    def unavailable(self) -> str | None:
        """None when the stage can run here, else why not, as one line a user
        can act on (e.g. "speech model not installed: pip install 'pyrec[speech]'")."""
        ...

    def run(self, path: PathLike, *, duration: float, budget_seconds: float) -> list[Moment] | DeepResult:
        """The moments found (or a DeepResult), reading at most about ``budget_seconds`` of
        compute (sample the file when it is longer than that allows). Raises
        MediaError naming the file for input it cannot read."""
        ...
