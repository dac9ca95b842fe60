"""Loudness in LUFS, the way ITU-R BS.1770-4 / EBU R128 measure it, from
short-time power spectra rather than a time-domain filter.

BS.1770 K-weights the signal (a +4 dB high shelf above ~1.7 kHz, a
high-pass at ~38 Hz), takes the mean square of 400 ms blocks (75 % overlap),
drops blocks under -70 LUFS, then blocks more than 10 LU under the mean of
the rest, and averages what remains. Here the K-weighting is applied as the
analog filters' magnitude response to each 32 ms frame's spectrum (Parseval:
weighted spectral power is the filtered signal's power), so one FFT per frame
serves loudness and the music/noise rule alike and no IIR filter (scipy) is
needed. Blocks are 12 frames (384 ms) with a 3-frame hop.

"LUFS-like", honestly: pyrec hears a mono downmix, so a stereo mix whose
channels carry the same signal reads about 3 LU under a stereo meter;
differences between files, which is what recommendations use, are kept.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

ABSOLUTE_GATE = -70.0  # LUFS
RELATIVE_GATE = 10.0  # LU under the ungated mean
BLOCK_FRAMES = 12
HOP_FRAMES = 3
_OFFSET = -0.691  # BS.1770's constant: a 997 Hz full-scale sine reads -3.01 LUFS

# BS.1770's two stages as analog prototypes (the standard gives 48 kHz biquads
# derived from these): high shelf f0 1681.97 Hz, Q 0.7072, +4 dB; RLB high-pass f0 38.135 Hz, Q 0.5003.
_SHELF_F0, _SHELF_Q, _SHELF_DB = 1681.974450955533, 0.7071752369554196, 3.999843853973347
_HP_F0, _HP_Q = 38.13547087602444, 0.5003270373238773


@lru_cache(maxsize=8)
def k_weights(n_fft: int, rate: int) -> np.ndarray:
    """|H_K(f)|^2 at the rfft bins of an ``n_fft``-sample frame."""
    f = np.fft.rfftfreq(n_fft, 1.0 / rate)
    s = 1j * f / _SHELF_F0
    a = 10 ** (_SHELF_DB / 40)
    shelf = a * (a * s**2 + (np.sqrt(a) / _SHELF_Q) * s + 1) / (s**2 + (np.sqrt(a) / _SHELF_Q) * s + a)
    s = 1j * f / _HP_F0
    highpass = s**2 / (s**2 + s / _HP_Q + 1)
    return np.asarray(np.abs(shelf * highpass) ** 2, np.float64)


def frame_power(power: np.ndarray, window: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of each K-weighted frame, from its one-sided power
    spectrum ``|rfft(x * window)|^2`` (frames x bins)."""
    n = len(window)
    weighted = power * k_weights(n, rate)
    two_sided = 2 * weighted.sum(axis=1) - weighted[:, 0] - (weighted[:, -1] if n % 2 == 0 else 0)
    return np.asarray(two_sided / (n * float(np.sum(window**2))), np.float64)


def block_loudness(frame_ms: np.ndarray) -> np.ndarray:
    """LUFS of every 400 ms-ish block (12 frames, hop 3) of K-weighted frame
    mean squares; a clip shorter than one block is one block."""
    if frame_ms.size == 0:
        return np.zeros(0)
    if frame_ms.size < BLOCK_FRAMES:
        means = np.array([frame_ms.mean()])
    else:
        csum = np.r_[0.0, np.cumsum(frame_ms)]
        starts = np.arange(0, frame_ms.size - BLOCK_FRAMES + 1, HOP_FRAMES)
        means = (csum[starts + BLOCK_FRAMES] - csum[starts]) / BLOCK_FRAMES
    return _lufs(means)


def integrated(blocks: np.ndarray) -> float | None:
    """Gated integrated loudness of block loudnesses (any clips' blocks
    pooled); None when everything is under the absolute gate (silence)."""
    kept = blocks[blocks > ABSOLUTE_GATE]
    if kept.size == 0:
        return None
    relative = _lufs(np.array([_power(kept).mean()]))[0] - RELATIVE_GATE
    kept = kept[kept > relative]
    return float(_lufs(np.array([_power(kept).mean()]))[0])


def _lufs(mean_square: np.ndarray) -> np.ndarray:
    return np.asarray(_OFFSET + 10 * np.log10(np.maximum(mean_square, 1e-20)), np.float64)


def _power(lufs: np.ndarray) -> np.ndarray:
    return np.asarray(10 ** ((lufs - _OFFSET) / 10), np.float64)
