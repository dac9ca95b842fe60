"""A small real deep-pass reader for the driver's tests (the speech stage
needs the ``pyrec[speech]`` extra; this one runs everywhere): it decodes the
file's sound through PyAV and marks its loudest second as a moment. It can
take its time (so a test can kill a pass part-way) and log each file it
starts reading (so a test can see what was read twice)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from pyrec.features.audio import decode_audio
from pyrec.features.container import opened
from pyrec.records import Moment


class LoudestSecond:
    name = "loudest"
    version = 1

    def __init__(self, *, pause: float = 0.0, log: Path | None = None, missing: str | None = None) -> None:
        self.pause = pause
        self.log = log
        self.missing = missing  # why it "cannot run here", to test a stage whose extra is absent

    def unavailable(self) -> str | None:
        return self.missing

    def run(self, path: str | os.PathLike[str], *, duration: float, budget_seconds: float) -> list[Moment]:
        if self.log is not None:
            with self.log.open("a") as out:
                out.write(f"{os.fspath(path)}\n")
        with opened(path) as container:
            clip = decode_audio(container, path, duration=min(duration, budget_seconds) or None)
        time.sleep(self.pause)
        per_second = clip.samples[: len(clip.samples) // clip.rate * clip.rate].reshape(-1, clip.rate)
        if per_second.size == 0:
            return []
        loudest = int(np.argmax((per_second**2).mean(axis=1)))
        return [Moment(float(loudest), float(loudest + 1), "speech", "loudest second")]
