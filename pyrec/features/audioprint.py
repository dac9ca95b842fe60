"""An audio fingerprint for duplicate detection: 32 bits every 32 ms that
say how the spectrum's shape changes over time (Haitsma & Kalker's
sub-fingerprints, the family chromaprint belongs to).

Each frame's energy in 33 log-spaced bands (300-2000 Hz, where lossy codecs
keep the sound) gives one bit per adjacent band pair: does the difference
between the two bands grow or shrink from the previous frame? A re-encode,
a new bitrate or a volume change keeps nearly every bit; different sound
(music instead of speech, a new soundtrack) agrees on about half, as chance
would. Silent frames carry no bits (code 0) and are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyrec.features.audio import SAMPLE_RATE

FRAME = 2048  # samples (128 ms at 16 kHz)
HOP = 512  # samples (32 ms)
BANDS = 33  # band edges give 32 bits
LOW_HZ, HIGH_HZ = 300.0, 2000.0
SILENT = 1e-4  # rms below this (-80 dBFS) is silence
MAX_SECONDS = 600.0  # longer sound is cut: duplicates of long videos are found on keyframes


@dataclass(frozen=True)
class AudioPrint:
    step: float  # seconds between codes
    codes: np.ndarray  # uint32 [n]; 0 = silent frame (no evidence)


def _band_matrix(rate: int) -> np.ndarray:
    """[BANDS, FRAME // 2 + 1]: which FFT bins sum into each band."""
    edges = np.geomspace(LOW_HZ, HIGH_HZ, BANDS + 1)
    freqs = np.fft.rfftfreq(FRAME, 1.0 / rate)
    band = np.searchsorted(edges, freqs, side="right") - 1
    m = np.zeros((BANDS, freqs.size), np.float32)
    inside = (band >= 0) & (band < BANDS)
    m[band[inside], np.flatnonzero(inside)] = 1.0
    return m


def audio_print(samples: np.ndarray, rate: int = SAMPLE_RATE) -> AudioPrint:
    """The fingerprint of mono float samples at `rate` Hz (16 kHz expected)."""
    x = np.asarray(samples, np.float32)[: int(MAX_SECONDS * rate)]
    step = HOP / rate
    if x.size < FRAME:
        return AudioPrint(step, np.zeros(0, np.uint32))
    n = 1 + (x.size - FRAME) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(x, FRAME)[::HOP][:n] * np.hanning(FRAME).astype(np.float32)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    energy = np.log(power @ _band_matrix(rate).T + 1e-10)  # [n, BANDS]
    slope = energy[:, :-1] - energy[:, 1:]  # [n, 32]
    bits = np.zeros((n, BANDS - 1), bool)
    bits[1:] = (slope[1:] - slope[:-1]) > 0
    codes = (bits.astype(np.uint32) << np.arange(BANDS - 1, dtype=np.uint32)).sum(axis=1, dtype=np.uint64)
    codes = codes.astype(np.uint32)
    loud = np.sqrt((frames ** 2).mean(axis=1)) >= SILENT
    loud[0] = False  # the first frame has no previous one
    codes[~loud] = 0
    return AudioPrint(step, codes)


def bit_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of differing bits between aligned uint32 codes."""
    x = np.bitwise_xor(np.asarray(a, np.uint32), np.asarray(b, np.uint32))
    return np.unpackbits(x.view(np.uint8).reshape(-1, 4), axis=1).sum(axis=1) / 32.0
