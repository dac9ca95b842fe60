"""Voice activity: the chance of speech in every 32 ms of 16 kHz mono audio,
from the bundled Silero VAD v6 (MIT), and the speech regions it implies.

The bundled export scores a block of frames in one ONNX call (the LSTM state
carried from block to block), so a minute of audio costs a handful of calls,
not 1,875 of them. Each frame is fed with the 64 samples before it, as the
streaming model does internally.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pyrec.models import get_session, get_spec

VAD_MODEL = "silero-vad"
SPEECH_THRESHOLD = 0.5  # Silero's own default
_BLOCK_FRAMES = 512  # frames per ONNX call (16 s of audio)


@lru_cache(maxsize=1)
def _framing() -> tuple[int, int, int]:
    pre = get_spec(VAD_MODEL).audio
    return pre.get("rate", 16_000), pre.get("frame", 512), pre.get("context", 64)


def frame_seconds() -> float:
    rate, frame, _ = _framing()
    return frame / rate


def speech_probs(samples: np.ndarray) -> np.ndarray:
    """One speech probability per frame (the last frame zero-padded);
    ``samples`` are mono float32 at the model's rate (16 kHz)."""
    _, frame, context = _framing()
    samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    count = -(-samples.size // frame)
    if count == 0:
        return np.zeros(0, np.float32)
    frames = np.zeros((count, frame), np.float32)
    frames.reshape(-1)[: samples.size] = samples
    fed = np.empty((count, context + frame), np.float32)
    fed[:, context:] = frames
    fed[0, :context] = 0.0
    fed[1:, :context] = frames[:-1, -context:]
    session = get_session(get_spec(VAD_MODEL))
    h = np.zeros((1, 1, 128), np.float32)
    c = np.zeros((1, 1, 128), np.float32)
    out = []
    for first in range(0, count, _BLOCK_FRAMES):
        probs, h, c = session.run(["speech_probs", "hn", "cn"], {"input": fed[first:first + _BLOCK_FRAMES], "h": h, "c": c})
        out.append(np.asarray(probs, np.float32).reshape(-1))
    return np.concatenate(out)


def speech_regions(probs: np.ndarray, *, threshold: float = SPEECH_THRESHOLD, min_speech: float = 0.25,
                   min_gap: float = 0.5, pad: float = 0.2) -> list[tuple[float, float]]:
    """(start, end) seconds of speech: frames over ``threshold``, gaps shorter
    than ``min_gap`` bridged, blips shorter than ``min_speech`` dropped, each
    region widened by ``pad`` (a transcriber needs the word's onset)."""
    step = frame_seconds()
    on = probs >= threshold
    if not on.any():
        return []
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8), 0]))
    regions: list[list[float]] = []
    for start, end in zip(edges[::2], edges[1::2]):
        s, e = start * step, end * step
        if regions and s - regions[-1][1] < min_gap:
            regions[-1][1] = e
        else:
            regions.append([s, e])
    total = len(probs) * step
    return [(max(0.0, s - pad), min(total, e + pad)) for s, e in regions if e - s >= min_speech]
