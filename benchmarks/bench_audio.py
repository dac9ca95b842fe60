"""Sound in the fast pass and speech in the deep pass, side by side with the
obvious alternatives, on generated long files.

    python benchmarks/bench_audio.py [--quick] [--no-speech]
    python benchmarks/bench_audio.py --accuracy      # the rule on labelled generated audio
    python benchmarks/bench_audio.py --real [--no-speech]   # on real recordings (tools/build_real_audio_set.py)

Files (made once with the ffmpeg tool, cached under benchmarks/.cache):
  * 10 minutes, 1280x720 H.264 (long GOP), AAC: speech / music / silence
    taking turns every 20 s (the speech is espeak-ng, tests/media/data);
  * 2 hours, the same sound, a small picture (the audio path does not decode
    pictures, and a 2-hour 720p file would cost 6 GB of disk here).

Rows:
  * sound, sampled windows (what the fast pass does) vs decoding and
    classifying all of the audio: seconds per file, ratio, and the shares
    each way (sampling error);
  * the whole fast pass of the 10-minute 720p file, and the sound's part of it;
  * speech (needs pyrec[speech]): VAD-first transcription vs Whisper on every
    second of a 2-minute excerpt (real-time factors), and the speech stage on
    the 10-minute and 2-hour files within its default budget.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pyrec.features.audio import SAMPLE_RATE, AudioClip, decode_audio
from pyrec.features.container import opened
from pyrec.features.extract import extract_media
from pyrec.features.soundscape import SoundShares, measure_clips, measure_container
from pyrec.features.wer import word_error_rate

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SPEECH = HERE.parent / "tests" / "media" / "data" / "lighthouse-speech.opus"
MELODY = ("0.25*sin(2*PI*t*if(lt(mod(t,2),1),262,330))*exp(-2*mod(t,0.5))+0.15*sin(2*PI*t*196)"
          "+0.1*sin(2*PI*t*392)")


def long_file(minutes: float, size: str, fps: int) -> Path:
    """Speech (6.5 s of each 20), music (20 s), silence (20 s), over and over."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"sound-{minutes:g}min-{size}.mp4"
    if path.exists():
        return path
    if shutil.which("ffmpeg") is None:
        raise SystemExit("needs the ffmpeg tool to make the files")
    print(f"making {path.name} once (cached) …", file=sys.stderr)
    seconds = minutes * 60
    graph = (f"[1:a]apad=whole_dur=20,atrim=0:20,aresample=48000[sp];[2:a]atrim=0:20[mu];[3:a]atrim=0:20[si];"
             f"[sp][mu][si]concat=n=3:v=0:a=1,aloop=loop=-1:size={60 * 48000},atrim=0:{seconds}[a]")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}",
                    "-i", str(SPEECH), "-f", "lavfi", "-i", f"aevalsrc='{MELODY}':s=48000:d=20",
                    "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono:d=20", "-filter_complex", graph,
                    "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-g", str(fps * 10),
                    "-c:a", "aac", "-b:a", "96k", "-t", str(seconds), str(path)], check=True)
    return path


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def duration_of(path: Path) -> float:
    with opened(path) as container:
        return container.duration / 1_000_000


def sampled(path: Path) -> SoundShares:
    with opened(path) as container:
        return measure_container(container, path, duration_of(path))


def everything(path: Path) -> SoundShares:
    with opened(path) as container:
        return measure_clips([decode_audio(container, path)])


def shares(s: SoundShares) -> str:
    return f"sp {s.speech:.2f} mu {s.music:.2f} si {s.silence:.2f} {s.loudness or 0:.1f} LUFS"


def sound_rows(files: dict[str, Path], repeats: int) -> None:
    sampled(next(iter(files.values())))  # the VAD session loads once
    print(f"\n{'file':10} {'sampled s':>10} {'all audio s':>12} {'ratio':>7}  shares sampled | all")
    for name, path in files.items():
        t_sampled = min(timed(sampled, path)[0] for _ in range(repeats))
        s = sampled(path)
        t_all, a = timed(everything, path)
        print(f"{name:10} {t_sampled:10.3f} {t_all:12.2f} {t_all / t_sampled:6.0f}x  {shares(s)} | {shares(a)}")


def fast_pass_row(path: Path, repeats: int) -> None:
    extract_media(path)  # models load once
    total = min(timed(extract_media, path)[0] for _ in range(repeats))
    sound = min(timed(sampled, path)[0] for _ in range(repeats))
    print(f"\nfast pass of the 10-minute 720p file: {total:.2f} s, of which sound {sound:.2f} s "
          f"({sound / total:.0%}; target for the whole pass < 2 s on an idle machine)")


def speech_rows(files: dict[str, Path]) -> None:
    from pyrec.features.speech import SpeechStage, join_speech
    from pyrec.features.vad import speech_probs, speech_regions
    from pyrec.models import whisper

    reason = whisper.unavailable()
    if reason is not None:
        print(f"\nspeech: skipped ({reason})")
        return
    stage = SpeechStage()
    load, model = timed(stage.model)
    print(f"\nspeech model load (join + sha256 on first use, then CTranslate2): {load:.1f} s")
    path = files["10 min"]
    with opened(path) as container:
        clip = decode_audio(container, path, start=0.0, duration=120.0)
    t_plain, _ = timed(lambda: list(model.transcribe(clip.samples, beam_size=1, vad_filter=False)[0]))
    t_vad, joined = timed(lambda: join_speech(clip, speech_regions(speech_probs(clip.samples))))
    t_asr, _ = timed(lambda: list(model.transcribe(joined.samples, beam_size=1, vad_filter=False)[0]))
    heard = joined.samples.size / clip.rate
    print(f"2-minute excerpt ({heard:.0f} s of it speech): Whisper on everything {t_plain:.1f} s "
          f"(RTF {t_plain / clip.duration:.3f}); VAD first {t_vad + t_asr:.1f} s "
          f"(RTF {(t_vad + t_asr) / clip.duration:.3f} of the excerpt, {t_asr / max(heard, 1e-9):.2f} per speech second)"
          f": {t_plain / (t_vad + t_asr):.1f}x faster")
    print(f"\n{'file':10} {'deep speech s':>14} {'lines':>6} {'RTF (file)':>11}")
    for name, path in files.items():
        length = duration_of(path)
        t, moments = timed(stage.run, path, duration=length, budget_seconds=120.0)
        print(f"{name:10} {t:14.1f} {len(moments):6d} {t / length:11.4f}")


# -- accuracy of the music / noise / silence rule (and the VAD) on labelled generated audio --------
def _signals(rng: np.random.Generator, seconds: float = 4.0) -> list[tuple[str, str, np.ndarray]]:
    """(true class, description, 16 kHz samples): varied music-like, noise and silence signals."""
    rate = SAMPLE_RATE
    t = np.arange(int(seconds * rate)) / rate
    out: list[tuple[str, str, np.ndarray]] = []
    for i in range(12):  # chords and melodies: random roots, 1-8 harmonics, decays, tempos
        root = 110 * 2 ** rng.uniform(0, 3)
        harmonics = int(rng.integers(1, 9))
        beat = rng.uniform(0.2, 1.0)
        notes = root * 2 ** (rng.integers(0, 12, size=int(seconds / beat) + 1) / 12)
        f = notes[(t // beat).astype(int)]
        env = np.exp(-rng.uniform(0.5, 6) * (t % beat))
        phase = 2 * np.pi * np.cumsum(f) / rate
        x = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1)) * env
        if i % 3 == 0:  # a chord held under it
            x = x + sum(0.3 * np.sin(2 * np.pi * root * r * t) for r in (1.0, 1.26, 1.5))
        if i % 4 == 1:  # a drum: noise bursts on the beat
            x = x + 0.5 * rng.standard_normal(t.size) * np.exp(-30 * (t % beat))
        out.append(("music", f"melody {root:.0f} Hz x{harmonics}", x))
    for colour, exponent in (("white", 0.0), ("pink", 1.0), ("brown", 2.0), ("blue", -1.0)):
        for _ in range(2):
            spectrum = np.fft.rfft(rng.standard_normal(t.size))
            spectrum /= np.maximum(np.arange(spectrum.size), 1) ** (exponent / 2)
            out.append(("noise", f"{colour} noise", np.fft.irfft(spectrum, t.size)))
    for _ in range(2):  # rain-like: band-passed noise; applause-like: dense random claps
        spectrum = np.fft.rfft(rng.standard_normal(t.size))
        freqs = np.fft.rfftfreq(t.size, 1 / rate)
        spectrum[(freqs < 800) | (freqs > 6000)] = 0
        out.append(("noise", "rain (band noise)", np.fft.irfft(spectrum, t.size)))
        claps = np.zeros(t.size)
        claps[rng.integers(0, t.size, 200)] = 1.0
        out.append(("noise", "applause", np.convolve(claps, rng.standard_normal(400) * np.exp(-np.arange(400) / 60), "same")))
    for level in (0.0, 1e-4, 5e-4):
        out.append(("silence", f"hiss at {20 * np.log10(level) if level else -np.inf:.0f} dBFS",
                    level * rng.standard_normal(t.size)))
    return [(c, d, (0.2 * x / (np.abs(x).max() or 1) if c != "silence" else x).astype(np.float32))
            for c, d, x in out]


def _speech_signals() -> list[tuple[str, str, np.ndarray]]:
    if shutil.which("espeak-ng") is None:
        return []
    sentences = ("The ferry leaves the harbour at dawn.", "Nobody knew where the old map had gone.",
                 "Rain fell on the roofs all through the night.", "She counted the boats and wrote them down.")
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in ("en", "en-us", "de", "fr"):
            for text in sentences[:2]:
                wav = Path(tmp) / "s.wav"
                subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), text], check=True)
                with opened(wav) as container:
                    out.append(("speech", f"espeak-ng {voice}", decode_audio(container, wav).samples))
    return out


def accuracy_rows(seed: int) -> None:
    from pyrec.features.soundscape import MUSIC, NOISE, SILENCE, SPEECH, _classify

    names = {SPEECH: "speech", MUSIC: "music", NOISE: "noise", SILENCE: "silence"}
    rng = np.random.default_rng(seed)
    confusion: dict[str, dict[str, int]] = {}
    for true, _, samples in _signals(rng) + _speech_signals():
        classes, _, _ = _classify(samples)
        row = confusion.setdefault(true, {n: 0 for n in names.values()})
        for c in classes.tolist():
            row[names[c]] += 1
    print(f"\naccuracy on labelled generated audio (0.512 s segments)\n{'true':8} " +
          " ".join(f"{n:>8}" for n in names.values()) + f" {'accuracy':>9}")
    hits = total = 0
    for true, row in confusion.items():
        n = sum(row.values())
        hits += row[true]
        total += n
        print(f"{true:8} " + " ".join(f"{row[c]:8d}" for c in names.values()) + f" {row[true] / n:9.1%}")
    print(f"{'overall':8} {hits / total:.1%} of {total} segments")


# -- real recordings (tools/build_real_audio_set.py): shares vs truth, speech per segment, WER ----------
REAL = CACHE / "real-audio"
def segment_truth(spans: list[list[float]], count: int, seconds: float) -> np.ndarray:
    """Per segment: 1 speech (words cover >= half of it), 0 none said, -1 in between (not scored)."""
    out = np.full(count, -1, np.int64)
    for i in range(count):
        s, e = i * seconds, (i + 1) * seconds
        covered = sum(max(0.0, min(e, b) - max(s, a)) for a, b in spans)
        out[i] = 1 if covered >= seconds / 2 else 0 if covered == 0 else -1
    return out


def real_rows(transcribe: bool) -> None:
    import json

    from pyrec.features.soundscape import FRAME, SEGMENT_FRAMES, SPEECH, _classify

    index = REAL / "clips.json"
    if not index.exists():
        raise SystemExit(f"no real-audio set: run python tools/build_real_audio_set.py (makes {REAL})")
    clips = json.loads(index.read_text())
    stage = None
    if transcribe:
        from pyrec.features.speech import SpeechStage
        from pyrec.models import whisper

        reason = whisper.unavailable()
        stage = SpeechStage() if reason is None else None
        if stage is None:
            print(f"WER: skipped ({reason})")
    seg_seconds = FRAME * SEGMENT_FRAMES / SAMPLE_RATE
    print(f"\nreal recordings (fast-pass rule on the whole clip; truth labelled by ear / by construction)\n"
          f"{'clip':28} {'kind':7} {'speech':>6} {'music':>6} {'noise':>6} {'silent':>6} {'bed':>5}  {'truth':24} ok "
          f"{'seg acc':>7} {'WER':>5}")
    tally: dict[str, list[int]] = {}
    seg_hits = seg_total = 0
    for clip in clips:
        path = REAL / f"{clip['name']}.wav"
        with opened(path) as container:
            samples = decode_audio(container, path).samples
        s = measure_clips([AudioClip(samples, 0.0)])
        # music is present when heard alone or under the speech (the "music" trait's reading)
        got = {"speech": s.speech, "music": s.music + s.music_bed, "noise": s.noise, "silence": s.silence}
        ok = (sum(got[c] for c in clip["dominant"]) >= 0.5 and all(got[c] >= 0.2 for c in clip["present"])
              and all(got[c] < 0.2 for c in clip["absent"]))
        tally.setdefault(clip["kind"], [0, 0])[0] += ok
        tally[clip["kind"]][1] += 1
        seg = ""
        if clip["speech_spans"]:
            classes, _, _ = _classify(samples)
            truth = segment_truth(clip["speech_spans"], classes.size, seg_seconds)
            scored = truth >= 0
            hits = int(((classes[scored] == SPEECH) == (truth[scored] == 1)).sum())
            seg_hits += hits
            seg_total += int(scored.sum())
            seg = f"{hits / max(int(scored.sum()), 1):7.1%}"
        error = ""
        if stage is not None and clip["text"]:
            said = " ".join(m.text for m in stage.run(path, duration=len(samples) / SAMPLE_RATE, budget_seconds=120))
            error = f"{word_error_rate(clip['text'], said):5.2f}"
        truth_text = "+".join(clip["dominant"]) + ("; has " + ",".join(clip["present"]) if clip["present"] else "")
        print(f"{clip['name']:28} {clip['kind']:7} {s.speech:6.2f} {s.music:6.2f} {s.noise:6.2f} {s.silence:6.2f} {s.music_bed:5.2f}  "
              f"{truth_text:24} {'y' if ok else 'N':2} {seg:>7} {error:>5}")
    print("clips right, by kind: " + ", ".join(f"{k} {a}/{n}" for k, (a, n) in tally.items()) +
          f"; speech per 0.512 s segment (LibriVox word alignments): {seg_hits / max(seg_total, 1):.1%} of {seg_total}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat, no 2-hour file")
    parser.add_argument("--no-speech", action="store_true")
    parser.add_argument("--accuracy", action="store_true", help="only the music / noise / silence rule's accuracy")
    parser.add_argument("--real", action="store_true",
                        help="only the real recordings (tools/build_real_audio_set.py), with Whisper's WER")
    parser.add_argument("--seed", type=int, default=11,
                        help="of the generated signals (the threshold was chosen on seed 7; 11 is held out)")
    args = parser.parse_args(argv)
    if args.real:
        real_rows(transcribe=not args.no_speech)
        return 0
    accuracy_rows(args.seed)
    if args.accuracy:
        return 0
    repeats = 1 if args.quick else 3
    files = {"10 min": long_file(10, "1280x720", 24)}
    if not args.quick:
        files["2 hours"] = long_file(120, "320x180", 10)
    sound_rows(files, repeats)
    fast_pass_row(files["10 min"], repeats)
    if not args.no_speech:
        speech_rows(files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
