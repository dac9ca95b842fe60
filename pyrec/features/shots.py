"""Whole-film shot cuts: the deep-pass stage "shots".

The fast pass can afford the low-res stream of a long film only in a few
sampled stretches (~16 s of it), so its cut rate and scene count are rough
estimates. This stage reads the whole low-res stream once, in the deep
pass: only reference frames are decoded (most B-frames skipped), without
the deblocking filter (the comparison is of 128 px thumbnails), scaled down
by swscale in the same step, one frame every half second compared as the
fast pass compares them (:mod:`pyrec.features.cuts`). About a minute of one
core per hour of 720p H.264 (benchmarks/bench_media.py).

Its figures replace the fast pass's estimate in the video's stored stats
(``cuts_per_minute``, ``scenes``; ``shots_seen``: the share of the film
compared). A film that would take longer than the stage's budget is read
from the start until a quick measure of the decoding speed says it cannot
finish, then in evenly spread stretches the rest of the budget pays for,
and the scene count is extrapolated from the cut rate.
"""

from __future__ import annotations

import os
import time

from pyrec.features.cuts import STEP, TINY, CutFinder, Shots, shots_in
from pyrec.features.deep import DeepResult
from pyrec.features.mediafile import MediaFile
from pyrec.features.stream import frames_from

PathLike = str | os.PathLike[str]

CHECK_SECONDS = 60.0  # seconds of film read before the speed is judged
WINDOW_SECONDS = 60.0  # a stretch, when the budget cannot pay for the whole film


class ShotStage:
    """The deep-pass stage "shots" (see :class:`pyrec.features.deep.DeepStage`)."""

    name = "shots"
    version = 1

    def __init__(self, *, threads: int = 1) -> None:
        # One decoder thread: FFmpeg's frame threads (2 made it ~1.7x faster on
        # an idle machine) deadlocked PyAV once when a read stopped early and
        # the file was sought again (the budget's stretches). Slice threads only.
        self.threads = threads

    def unavailable(self) -> str | None:
        return None  # PyAV and OpenCV are base dependencies

    def run(self, path: PathLike, *, duration: float, budget_seconds: float) -> DeepResult:
        with MediaFile(path, threads=self.threads, rough=True) as media:
            shots = whole_film_shots(media, duration=duration, budget_seconds=budget_seconds)
        stats = shots.stats()
        seen = shots.seconds / duration if duration > 0 else 1.0
        stats["shots_seen"] = round(min(1.0, seen), 3)
        return DeepResult([], stats)


def whole_film_shots(media: MediaFile, *, duration: float, budget_seconds: float, step: float = STEP) -> Shots:
    """Cuts over the whole low-res stream, or, when the budget cannot pay for
    that, over its start and evenly spread stretches (see the module doc)."""
    started = time.monotonic()
    head = CutFinder()
    stopped_at: float | None = None
    for t, small in frames_from(media, step=step, width=TINY[0] * 2):
        head.add(t, small)
        spent = time.monotonic() - started
        if t >= CHECK_SECONDS and duration > 0 and spent / t * duration > budget_seconds or spent > budget_seconds:
            stopped_at = t
            break
    first = head.shots()
    if stopped_at is None:
        return first
    # Not affordable whole: the rest of the budget buys stretches spread over what is left.
    spent = time.monotonic() - started
    cost = spent / max(stopped_at, step)  # compute seconds per second of film
    count = int((budget_seconds - spent) / max(cost * WINDOW_SECONDS, 1e-9))
    cuts, seconds, frames = list(first.cuts), first.seconds, first.frames
    rest = max(0.0, duration - stopped_at)
    for k in range(max(0, count)):
        if time.monotonic() - started > budget_seconds:
            break
        start = stopped_at + rest * (k + 0.5) / count - WINDOW_SECONDS / 2
        part = shots_in(media, step=step, start=max(stopped_at, start), span=WINDOW_SECONDS)
        cuts += part.cuts
        seconds += part.seconds
        frames += part.frames
    return Shots(cuts, seconds, frames, duration)
