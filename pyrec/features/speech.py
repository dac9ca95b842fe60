"""Speech transcripts, offline: the deep-pass stage "speech".

Voice activity first (the bundled Silero VAD): only the speech in the file
is transcribed, with faster-whisper and Whisper base (the ``pyrec[speech]``
extra, see :mod:`pyrec.models.whisper`). The speech regions of a window are
joined (a short pause between them) into one signal, so Whisper reads 30 s
of speech per pass instead of 30 s of mostly silence per short line, and
each line's time is mapped back to the file's clock.

A file longer than its budget allows is heard in evenly spread windows (a
feature film: a sample of its dialogue); work stops when the budget is spent.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from pyrec.features.audio import AudioClip, decode_audio, has_audio
from pyrec.features.container import opened
from pyrec.features.language import normalise
from pyrec.features.vad import speech_probs, speech_regions
from pyrec.records import Moment

PathLike = str | os.PathLike[str]

# Seconds of compute per second of audio heard, when planning windows: VAD
# and decoding (~0.01) plus Whisper on the share that is speech (RTF ~0.15-0.3
# on 2 cores). A plan, not a promise: the clock check below enforces the budget.
PLAN_COST = 0.3
WINDOW_SECONDS = 60.0
PAUSE = 0.3  # seconds of silence put between joined speech regions
# Whisper's ISO 639-1 codes -> ISO 639-2/B as muxers write them (others stay 2-letter).
# Whisper's own probability for the language it detected; below it the
# speech lines are stored with no language (30 s of clear speech scores > 0.9).
SURE_LANGUAGE = 0.8


def plan_windows(duration: float, budget_seconds: float) -> list[tuple[float, float]]:
    """The whole file when the budget covers it, else evenly spread windows
    of ``WINDOW_SECONDS`` adding up to what the budget covers."""
    affordable = max(WINDOW_SECONDS / 4, budget_seconds / PLAN_COST)
    if duration <= 0 or duration <= affordable:
        return [(0.0, duration if duration > 0 else affordable)]
    count = max(1, int(affordable // WINDOW_SECONDS))
    length = min(WINDOW_SECONDS, affordable / count)
    slot = duration / count
    return [(round(i * slot + (slot - length) / 2, 3), length) for i in range(count)]


@dataclass
class _Joined:
    samples: np.ndarray
    pieces: list[tuple[float, float, float]]  # (offset in joined, start in file, seconds)

    def to_file_time(self, t: float) -> float:
        for offset, start, seconds in reversed(self.pieces):
            if t >= offset:
                return start + min(t - offset, seconds)
        return self.pieces[0][1] if self.pieces else t


def join_speech(clip: AudioClip, regions: list[tuple[float, float]]) -> _Joined:
    """The clip's speech regions back to back, with a short pause between."""
    gap = np.zeros(int(PAUSE * clip.rate), np.float32)
    chunks: list[np.ndarray] = []
    pieces: list[tuple[float, float, float]] = []
    offset = 0.0
    for start, end in regions:
        part = clip.samples[int(start * clip.rate):int(end * clip.rate)]
        if part.size == 0:
            continue
        pieces.append((offset, clip.start + start, part.size / clip.rate))
        chunks += [part, gap]
        offset += (part.size + gap.size) / clip.rate
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return _Joined(samples, pieces)


class SpeechStage:
    """The deep-pass stage "speech" (see :class:`pyrec.features.deep.DeepStage`)."""

    name = "speech"
    version = 1

    def __init__(self, *, threads: int | None = None, beam_size: int = 1) -> None:
        self.threads = threads or min(2, os.cpu_count() or 1)
        self.beam_size = beam_size
        self._model: Any = None

    def unavailable(self) -> str | None:
        from pyrec.models import whisper

        return whisper.unavailable()

    def model(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            from pyrec.models import whisper

            self._model = WhisperModel(str(whisper.model_dir()), device="cpu", compute_type="int8",
                                       cpu_threads=self.threads, num_workers=1)
        return self._model

    def run(self, path: PathLike, *, duration: float, budget_seconds: float) -> list[Moment]:
        started = time.monotonic()
        moments: list[Moment] = []
        with opened(path) as container:
            if not has_audio(container):
                return moments  # nothing is said in a silent film: read, with no lines (not a failure)
            model = self.model()
            for start, seconds in plan_windows(duration, budget_seconds):
                if time.monotonic() - started > budget_seconds:
                    break
                clip = decode_audio(container, path, start=start, duration=seconds)
                if clip.samples.size == 0:
                    continue
                regions = speech_regions(speech_probs(clip.samples))
                joined = join_speech(clip, regions)
                if joined.samples.size:
                    moments += self._transcribe(model, joined, started, budget_seconds)
        return moments

    def _transcribe(self, model: Any, joined: _Joined, started: float, budget: float) -> list[Moment]:
        # One retry at a higher temperature at most (Whisper's default tries six): a
        # line that reads like a loop costs a bounded amount, and the budget stays honest.
        segments, info = model.transcribe(joined.samples, beam_size=self.beam_size, vad_filter=False,
                                          condition_on_previous_text=False, temperature=(0.0, 0.4))
        # The language Whisper heard, kept only when it was sure (else unknown, never a guess):
        # ``show`` holds it against the audio track's tag.
        sure = float(getattr(info, "language_probability", 0.0) or 0.0) >= SURE_LANGUAGE
        language = normalise(info.language or "") if sure else ""
        out = []
        for seg in segments:  # lazy: each step decodes the next 30 s
            text = " ".join(str(seg.text).split())
            if text:
                out.append(Moment(joined.to_file_time(float(seg.start)), joined.to_file_time(float(seg.end)),
                                  "speech", text, language))
            if time.monotonic() - started > budget:
                break
        return out

