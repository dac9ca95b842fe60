"""What a file sounds like, in a few numbers: the shares of its time that
are speech, music, other sound (noise, ambience) and silence, and its
loudness. Heard from a few sampled windows of a long file, so the fast scan
pays well under half a second per file.

Each 0.512 s segment (16 of the VAD's 32 ms frames) gets one class:

1. silence: quieter than -50 LUFS (room tone, fades, digital zero);
2. speech: Silero VAD's mean speech probability over the segment >= 0.5;
3. music: otherwise, when the sound is tonal: in a typical frame (the
   segment's median) at least ``MUSIC_PEAK_SHARE`` of the power between 60 Hz
   and 5 kHz sits in spectral peaks 10 dB over their neighbourhood's median
   (+-6 bins, ~190 Hz). Notes and chords put their energy in a few harmonic
   peaks; rain, traffic, wind and crowds spread theirs smoothly, whatever
   their slope (plain spectral flatness calls brown noise "tonal");
4. noise: the rest.

Measured on generated audio (tests/media/test_audio_character.py and
``benchmarks/bench_audio.py --accuracy``): see the accuracy table in the
closing note of that work. The rule is cheap and explainable, not a music
detector: a drum solo reads as noise, a held organ note as music.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pyrec.errors import MediaError
from pyrec.features import loudness
from pyrec.features.audio import SAMPLE_RATE, AudioClip, decode_audio, decode_windows
from pyrec.features.vad import speech_probs

if TYPE_CHECKING:
    import av.container

PathLike = str | os.PathLike[str]

FRAME = 512  # samples: the VAD's frame, so both look at the same 32 ms
SEGMENT_FRAMES = 16
SILENCE_LUFS = -50.0
SPEECH_PROB = 0.5
MUSIC_PEAK_SHARE = 0.15  # chosen on bench_audio --accuracy --seed 7; noise frames sit under 0.06
PEAK_OVER_MEDIAN = 10.0  # power ratio: 10 dB
_NEIGHBOURS = 6  # bins each side of the local median
_BAND = (2, 161)  # rfft bins of a 512-sample frame at 16 kHz: 62.5 Hz .. 5 kHz

# Sampling: files up to WHOLE_SECONDS are heard whole; longer ones in WINDOWS
# windows of WINDOW_SECONDS spread evenly over the file.
WHOLE_SECONDS = 45.0
WINDOWS = 8
WINDOW_SECONDS = 4.0

# Traits (also graph entities of kind "sound", so the recommender and its
# reasons use them: "music, like Night Chords").
TALKY_SHARE = 0.4
MUSIC_SHARE = 0.4
QUIET_SHARE = 0.5
QUIET_LUFS = -40.0

STAT_KEYS = ("speech_share", "music_share", "noise_share", "silence_share")


@dataclass(frozen=True)
class SoundShares:
    speech: float
    music: float
    noise: float
    silence: float
    loudness: float | None  # integrated LUFS-like; None: silent throughout
    seconds: float  # of audio heard

    def stats(self) -> dict[str, float]:
        """As the video's stats (the library's per-video feature dict)."""
        out = dict(zip(STAT_KEYS, (self.speech, self.music, self.noise, self.silence)))
        out = {k: round(v, 4) for k, v in out.items()}
        if self.loudness is not None:
            out["loudness_lufs"] = round(self.loudness, 2)
        out["audio_seconds_heard"] = round(self.seconds, 2)
        return out


_GOLDEN = 0.6180339887498949


def analysis_windows(duration: float) -> list[tuple[float, float]]:
    """(start, seconds) windows to hear: the whole of a short file, else one
    window in each of ``WINDOWS`` equal slots, at a different place in each
    (golden-ratio steps): evenly spaced windows would all land on the same
    beat of anything periodic (a show's segments, a song's verses)."""
    if duration <= WHOLE_SECONDS:
        return [(0.0, max(duration, 0.0) or WHOLE_SECONDS)]
    slot = duration / WINDOWS
    room = slot - WINDOW_SECONDS
    return [(round(i * slot + ((i + 1) * _GOLDEN % 1.0) * room, 3), WINDOW_SECONDS) for i in range(WINDOWS)]


def measure_container(container: av.container.InputContainer, path: PathLike, duration: float) -> SoundShares:
    """Shares and loudness of the open file's first audio stream, from
    sampled windows. Raises MediaError (naming the file) when there is no
    audio or none of it decodes."""
    windows = analysis_windows(duration)
    if len(windows) == 1:  # never more than WHOLE_SECONDS, whatever length the header claims
        clips: list[AudioClip] = [decode_audio(container, path, duration=WHOLE_SECONDS)]
    else:
        clips = list(decode_windows(container, path, windows))
    shares = measure_clips(clips)
    if shares.seconds == 0:
        raise MediaError("audio track gives no sound that decodes", os.fspath(path))
    return shares


def measure_clips(clips: Iterable[AudioClip]) -> SoundShares:
    counts = np.zeros(4)
    blocks: list[np.ndarray] = []
    heard = 0.0
    for clip in clips:
        if clip.rate != SAMPLE_RATE:
            raise ValueError(f"clips must be {SAMPLE_RATE} Hz, not {clip.rate}")
        if clip.samples.size < FRAME:
            continue
        heard += clip.duration
        classes, clip_blocks = _classify(clip.samples)
        counts += np.bincount(classes, minlength=4)
        blocks.append(clip_blocks)
    total = counts.sum()
    shares = counts / total if total else np.array([0.0, 0.0, 0.0, 1.0])
    level = loudness.integrated(np.concatenate(blocks)) if blocks else None
    speech, music, noise, silence = (float(s) for s in shares)
    return SoundShares(speech, music, noise, silence, loudness=level, seconds=heard)


SPEECH, MUSIC, NOISE, SILENCE = range(4)


def _classify(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One class per segment, and the clip's loudness blocks."""
    count = samples.size // FRAME
    frames = samples[: count * FRAME].reshape(count, FRAME).astype(np.float64)
    window = np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    frame_ms = loudness.frame_power(power, window, SAMPLE_RATE)
    peaks = peak_share(power)
    probs = speech_probs(samples)[:count]

    segments = max(1, count // SEGMENT_FRAMES)
    classes = np.empty(segments, np.int64)
    for i in range(segments):
        part = slice(i * SEGMENT_FRAMES, min(count, (i + 1) * SEGMENT_FRAMES) if i < segments - 1 else count)
        level = loudness.block_loudness(np.array([frame_ms[part].mean()]))[0]
        if level < SILENCE_LUFS:
            classes[i] = SILENCE
        elif probs[part].mean() >= SPEECH_PROB:
            classes[i] = SPEECH
        elif np.median(peaks[part]) >= MUSIC_PEAK_SHARE:
            classes[i] = MUSIC
        else:
            classes[i] = NOISE
    return classes, loudness.block_loudness(frame_ms)


def peak_share(power: np.ndarray) -> np.ndarray:
    """Per frame: the share of the band's power in bins 10 dB above the
    median of their neighbourhood (tonal peaks)."""
    band = power[:, _BAND[0]:_BAND[1]] + 1e-12
    padded = np.pad(band, ((0, 0), (_NEIGHBOURS, _NEIGHBOURS)), mode="edge")
    local = np.median(sliding_window_view(padded, 2 * _NEIGHBOURS + 1, axis=1), axis=2)
    return np.asarray((band * (band > PEAK_OVER_MEDIAN * local)).sum(axis=1) / band.sum(axis=1), np.float64)


def sound_traits(stats: dict[str, float]) -> list[str]:
    """"talky", "music", "quiet": what a person would say of the file's
    sound, from its stored shares (none when it was not heard)."""
    if "speech_share" not in stats:
        return []
    traits = []
    if stats["speech_share"] >= TALKY_SHARE:
        traits.append("talky")
    if stats.get("music_share", 0.0) >= MUSIC_SHARE:
        traits.append("music")
    level = stats.get("loudness_lufs")
    if stats.get("silence_share", 0.0) >= QUIET_SHARE or level is None or level < QUIET_LUFS:
        traits.append("quiet")
    return traits
