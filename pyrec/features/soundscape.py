"""What a file sounds like, in a few numbers: the shares of its time that
are speech, music, other sound (noise, ambience) and silence, and its
loudness. Heard from a few sampled windows of a long file, so the fast scan
pays well under half a second per file.

Each 0.512 s segment (16 of the VAD's 32 ms frames) gets one class, so the
four shares add up to 1:

1. silence: quieter than -50 LUFS (room tone, fades, digital zero);
2. speech: Silero VAD's mean speech probability over the segment >= 0.5,
   unless the voice is *sung*: a singer holds notes, so a typical 32 ms frame
   (the segment's median) has at least ``SUNG_PEAK_SHARE`` of its power in
   tonal peaks, where speech stays under 0.2 (then: music);
3. music: otherwise, when the sound is tonal *and steady*: the segment's
   "floor spectrum" (per 3.9 Hz bin, the 20th percentile over the 256 ms
   frames within a segment either side, 1.5 s) has at least
   ``MUSIC_FLOOR_SHARE`` of its power between 60 Hz and 2 kHz in peaks 10 dB
   over their neighbourhood's median. Held notes and chords survive the
   percentile; speech glides, and drums, crowds, rain and traffic are
   smooth. Or when a typical 32 ms frame has ``MUSIC_PEAK_CLEAR`` of its
   power in peaks, or ``MUSIC_PEAK_SHARE`` and the floor is at least a
   little tonal (a fast melody whose notes change too often for the floor);
4. noise: the rest.

Besides the four shares: ``music_bed``, the share of the time that is speech
*with music under it* (a documentary's score, a film scene): a speech
segment whose floor spectrum is tonal (``BED_FLOOR_SHARE``), smoothed over
five segments (a score runs on; a held vowel does not), counted only when
music also fills most of the time between the speech (``BED_GAP_MUSIC``).

Calibrated on real recordings (``tools/build_real_audio_set.py``,
``benchmarks/bench_audio.py --real``): LibriVox and CMU speech, sung vocals
(vocadito), LMMS instruments, drum loops and crowds, three produced game
tracks, and the LibriVox reading over two of them at -20/-10/0 dB; and kept
on generated audio (``bench_audio.py --accuracy``). Numbers beside each
threshold. The rule is cheap and explainable, not a music detector: a drum
loop alone reads as noise.
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
# Sung, not said: real speech (LibriVox, CMU) has a frame peak share under 0.20 in 90 % of its
# segments; sung vocals (vocadito) over 0.40 in 90 % (one singer 0.23); speech over music <= 0.37.
SUNG_PEAK_SHARE = 0.4
# ... over most of BED_SMOOTH segments: a held vowel in speech (LibriVox, 3 of 43 segments) is alone.
VOICE_HINT = 0.3  # VAD under SPEECH_PROB but over this (a word's onset): the floor rule does not apply
# The floor spectrum (see above). Real music: >= 0.3 in 91-100 % of segments (orchestral and
# electronic tracks, piano, flute, organ, guitars); crowds, applause, drum loops: < 0.1 in 73-100 %
# (one break with pitched toms 47 %).
LONG_FRAME = 4096  # 256 ms: 3.9 Hz bins resolve the notes of a chord
LONG_HOP = 2048
FLOOR_PERCENTILE = 20.0
_LONG_NEIGHBOURS = 24  # bins each side of the local median (~94 Hz)
_LONG_BAND = (15, 512)  # rfft bins of a 4096-sample frame: 60 Hz .. 2 kHz
MUSIC_FLOOR_SHARE = 0.3
MUSIC_FLOOR_HINT = 0.1  # with MUSIC_PEAK_SHARE: applause has frame peaks (old rule: 27 % music), no tonal floor
MUSIC_PEAK_CLEAR = 0.3  # frame peaks alone: applause's segments stay <= 0.17; fast generated melodies ~1.0
# Music under speech: the floor of speech segments is tonal (>= 0.2) in 26 % of LibriVox segments alone,
# 30-34 % with music 20 dB under the voice, 60-61 % at -10 dB, 78-85 % at 0 dB; smoothed over
# BED_SMOOTH segments.
BED_FLOOR_SHARE = 0.2
BED_SMOOTH = 5
# ... and only when the score goes on between the sentences: at least this share of the heard time that
# is not speech is music. A flat-pitched voice (espeak-ng) has a tonal floor too, but silent pauses;
# LibriVox alone (bed 0.20) pauses in silence and room noise; the -10/0 dB mixes' pauses are 56-100 % music.
BED_GAP_MUSIC = 0.5

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
BED_KEY = "music_bed_share"  # speech with music under it (inside speech_share, not a fifth slice)


@dataclass(frozen=True)
class SoundShares:
    speech: float
    music: float
    noise: float
    silence: float
    loudness: float | None  # integrated LUFS-like; None: silent throughout
    seconds: float  # of audio heard
    music_bed: float = 0.0  # of the time: speech with music under it (part of ``speech``)

    def stats(self) -> dict[str, float]:
        """As the video's stats (the library's per-video feature dict)."""
        out = dict(zip(STAT_KEYS, (self.speech, self.music, self.noise, self.silence)))
        out[BED_KEY] = float(self.music_bed)
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
    bed = 0
    blocks: list[np.ndarray] = []
    heard = 0.0
    for clip in clips:
        if clip.rate != SAMPLE_RATE:
            raise ValueError(f"clips must be {SAMPLE_RATE} Hz, not {clip.rate}")
        if clip.samples.size < FRAME:
            continue
        heard += clip.duration
        classes, under, clip_blocks = _classify(clip.samples)
        counts += np.bincount(classes, minlength=4)
        bed += int(under.sum())
        blocks.append(clip_blocks)
    total = counts.sum()
    shares = counts / total if total else np.array([0.0, 0.0, 0.0, 1.0])
    level = loudness.integrated(np.concatenate(blocks)) if blocks else None
    speech, music, noise, silence = (float(s) for s in shares)
    gaps = 1.0 - speech
    if total == 0 or (gaps > 0 and music / gaps < BED_GAP_MUSIC):
        bed = 0  # the pauses are silent or noise: what sounded like a score was the voice itself
    return SoundShares(speech, music, noise, silence, loudness=level, seconds=heard,
                       music_bed=bed / total if total else 0.0)


SPEECH, MUSIC, NOISE, SILENCE = range(4)


def _classify(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One class per segment, which speech segments have music under them,
    and the clip's loudness blocks."""
    count = samples.size // FRAME
    frames = samples[: count * FRAME].reshape(count, FRAME).astype(np.float64)
    window = np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    frame_ms = loudness.frame_power(power, window, SAMPLE_RATE)
    peaks = peak_share(power)
    probs = speech_probs(samples)[:count]

    segments = max(1, count // SEGMENT_FRAMES)
    floor = floor_tonal_share(samples, segments)
    level = np.empty(segments)
    voice = np.empty(segments)
    peak = np.empty(segments)
    for i in range(segments):
        part = slice(i * SEGMENT_FRAMES, min(count, (i + 1) * SEGMENT_FRAMES) if i < segments - 1 else count)
        level[i] = loudness.block_loudness(np.array([frame_ms[part].mean()]))[0]
        voice[i] = probs[part].mean()
        peak[i] = np.median(peaks[part])
    sung = _most_around(peak >= SUNG_PEAK_SHARE)
    classes = np.full(segments, NOISE, np.int64)
    floor_music = (floor >= MUSIC_FLOOR_SHARE) & (voice < VOICE_HINT)
    peaky = (peak >= MUSIC_PEAK_CLEAR) | ((peak >= MUSIC_PEAK_SHARE) & (floor >= MUSIC_FLOOR_HINT))
    classes[floor_music | peaky] = MUSIC
    classes[voice >= SPEECH_PROB] = SPEECH
    classes[(voice >= SPEECH_PROB) & sung] = MUSIC
    classes[level < SILENCE_LUFS] = SILENCE
    under = (classes == SPEECH) & _most_around(floor >= BED_FLOOR_SHARE)
    return classes, under, loudness.block_loudness(frame_ms)


def _most_around(flags: np.ndarray) -> np.ndarray:
    """True where most of the ``BED_SMOOTH`` segments centred there are
    (beyond the clip counts as False): what lasts, not a moment."""
    padded = np.pad(flags.astype(np.int64), BED_SMOOTH // 2)
    return np.asarray(sliding_window_view(padded, BED_SMOOTH).sum(axis=1) > BED_SMOOTH / 2)


def floor_tonal_share(samples: np.ndarray, segments: int) -> np.ndarray:
    """Per segment: the share of the floor spectrum's power (the 20th
    percentile per 3.9 Hz bin over the 256 ms frames within a segment either
    side) that sits in peaks 10 dB over their neighbourhood's median.
    Notes held for a second or more stay in the floor; a voice's gliding
    harmonics, drum hits and crowd noise do not."""
    x = np.asarray(samples, np.float64).reshape(-1)
    if x.size < LONG_FRAME:
        x = np.pad(x, (0, LONG_FRAME - x.size))
    starts = np.arange(0, x.size - LONG_FRAME + 1, LONG_HOP)
    frames = sliding_window_view(x, LONG_FRAME)[starts] * np.hanning(LONG_FRAME)
    band = np.abs(np.fft.rfft(frames, axis=1))[:, _LONG_BAND[0]:_LONG_BAND[1]] ** 2 + 1e-12
    seg = (starts + LONG_FRAME // 2) // (FRAME * SEGMENT_FRAMES)
    floors = np.full((segments, band.shape[1]), 1e-12)
    for i in range(segments):
        near = band[(seg >= i - 1) & (seg <= i + 1)]
        if near.shape[0]:
            floors[i] = np.percentile(near, FLOOR_PERCENTILE, axis=0)
    padded = np.pad(floors, ((0, 0), (_LONG_NEIGHBOURS, _LONG_NEIGHBOURS)), mode="edge")
    local = np.median(sliding_window_view(padded, 2 * _LONG_NEIGHBOURS + 1, axis=1), axis=2)
    out = (floors * (floors > PEAK_OVER_MEDIAN * local)).sum(axis=1) / floors.sum(axis=1)
    return np.asarray(out, np.float64)


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
    if stats.get("music_share", 0.0) + stats.get(BED_KEY, 0.0) >= MUSIC_SHARE:  # alone or under the talk
        traits.append("music")
    level = stats.get("loudness_lufs")
    if stats.get("silence_share", 0.0) >= QUIET_SHARE or level is None or level < QUIET_LUFS:
        traits.append("quiet")
    return traits
