"""A file's sound as plain numbers: decode the first audio stream through
PyAV and resample it to mono float32 at one rate (16 kHz: what speech models
and spectral fingerprints want), for all of it or only chosen windows.

The one place pyrec turns audio into samples, so voice activity, loudness,
transcripts and audio fingerprints all read the same signal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pyrec.errors import MediaError

if TYPE_CHECKING:
    import av.container

PathLike = str | os.PathLike[str]

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class AudioClip:
    """Mono float32 samples in [-1, 1] at ``rate`` Hz, starting ``start``
    seconds into the file."""

    samples: np.ndarray
    start: float
    rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def has_audio(container: av.container.InputContainer) -> bool:
    return bool(container.streams.audio)


def decode_audio(container: av.container.InputContainer, path: PathLike, *, start: float = 0.0,
                 duration: float | None = None, rate: int = SAMPLE_RATE) -> AudioClip:
    """Samples from ``start`` for ``duration`` seconds (to the end when None).

    Raises MediaError (naming the file) when there is no audio stream or it
    cannot be decoded at all; a stream that breaks part-way returns what
    decoded before the break."""
    if not container.streams.audio:
        raise MediaError("no audio stream", os.fspath(path))
    stream = container.streams.audio[0]
    _seek(container, stream, start)  # also to 0: the file may have been read before (its end found, a window heard)
    end = None if duration is None else start + duration
    chunks = list(_resampled(container, stream, rate, start, end, path))
    if not chunks:
        return AudioClip(np.zeros(0, np.float32), start, rate)
    samples = np.concatenate(chunks)
    if end is not None:
        samples = samples[: int(round((end - start) * rate))]
    return AudioClip(samples, start, rate)


def decode_windows(container: av.container.InputContainer, path: PathLike, windows: Iterable[tuple[float, float]],
                   *, rate: int = SAMPLE_RATE) -> Iterator[AudioClip]:
    """One clip per (start, seconds) window, in the order given (keep them in
    time order: each is a seek on the same open file)."""
    for start, seconds in windows:
        yield decode_audio(container, path, start=start, duration=seconds, rate=rate)


def _seek(container: av.container.InputContainer, stream: Any, seconds: float) -> None:
    import av

    if stream.time_base is None:
        return
    try:
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True, any_frame=False)
    except av.FFmpegError:
        pass  # not seekable (a pipe, a broken index): decoding goes on from where it is


def _resampled(container: av.container.InputContainer, stream: Any, rate: int, start: float,
               end: float | None, path: PathLike) -> Iterator[np.ndarray]:
    import av

    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    decoded_any = False
    try:
        for frame in container.decode(stream):
            decoded_any = True
            t = float(frame.time) if frame.time is not None else start
            if end is not None and t >= end:
                break
            frame_end = t + frame.samples / max(frame.sample_rate, 1)
            if frame_end <= start:
                continue  # before the window: the seek lands on an earlier packet
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                if t < start:  # trim the part before the window
                    chunk = chunk[int((start - t) * rate):]
                yield chunk
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
    except (av.error.FFmpegError, ValueError) as exc:
        if not decoded_any:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise MediaError(f"audio cannot be decoded ({reason})", os.fspath(path)) from exc
        # A stream that breaks part-way: keep what decoded before the break.
