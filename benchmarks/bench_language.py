"""What reading a subtitle track's language costs, beside demuxing the track,
and how often it is right.

    python benchmarks/bench_language.py                 # speed + accuracy
    python benchmarks/bench_language.py --others        # also lingua / langdetect / pycld2 if installed

Speed: a Matroska film (generated once with the ffmpeg tool, cached in
``$TMPDIR/pyrec-bench-language``) carries N subtitle tracks of 200 lines
each in ten languages. Per track: the demux of its text (read_tracks, one
pass over all tracks / N) beside judge() on its lines; ratio judge / demux.
The first judge() in a process also loads and sha256-checks the model: shown
apart (once per scan worker).

Accuracy: the lines of tests/media/subtitle_lines.py (real sentences, ten
languages), random tracks of 1..30 lines: share where an untagged track gets
the right language, share left unknown, and wrong answers (must be 0).
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "media"))

from subtitle_lines import LINES  # noqa: E402

from pyrec.features import language  # noqa: E402
from pyrec.features.container import opened, read_tracks  # noqa: E402

STORED = {"en": "eng", "fr": "fre", "de": "ger", "es": "spa", "it": "ita", "pt": "por", "nl": "dut", "sv": "swe",
          "ja": "jpn", "ru": "rus"}
LINES_PER_TRACK = 200


def _clock(t: float) -> str:
    return f"{int(t) // 3600:02d}:{int(t) // 60 % 60:02d}:{int(t) % 60:02d},{int(t * 1000) % 1000:03d}"


def make_film(folder: Path) -> Path:
    path = folder / "tracks.mkv"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    seconds = 3 * LINES_PER_TRACK + 5
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=160x90:rate=2:duration={seconds}"]
    for key, lines in LINES.items():
        sub = folder / f"{key}.srt"
        body = [lines[n % len(lines)] for n in range(LINES_PER_TRACK)]
        sub.write_text("\n".join(f"{n}\n{_clock(3 * n)} --> {_clock(3 * n + 2)}\n{line}\n"
                                 for n, line in enumerate(body, 1)), encoding="utf-8")
        args += ["-i", str(sub)]
    args += ["-map", "0:v", *[a for n in range(len(LINES)) for a in ("-map", f"{n + 1}:s")],
             "-c:v", "libx264", "-c:s", "srt", str(path)]
    subprocess.run(args, check=True)
    return path


def timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def speed(film: Path) -> None:
    with opened(film) as container:
        indices = [s.index for s in container.streams if s.type == "subtitle"]
    start = time.perf_counter()
    language.judge("", ["Loading the model once."] * 20)
    load = time.perf_counter() - start

    def demux() -> dict:
        with opened(film) as container:
            return read_tracks(container, indices)

    tracks = demux()
    demux_all = timed(demux, 5)
    per_track_demux = demux_all / len(indices)
    texts = {i: [c.text for c in tracks[i].cues] for i in indices}
    judge = statistics.mean(timed(lambda i=i: language.judge("eng", texts[i]), 20) for i in indices)
    print(f"model load + sha256 check (once per process): {load * 1000:.0f} ms")
    print(f"| per track ({LINES_PER_TRACK} lines, {len(indices)} tracks) | ms | ratio to demux |")
    print("|---|---|---|")
    print(f"| demux the track's text (read_tracks) | {per_track_demux * 1000:.2f} | 1.00 |")
    print(f"| judge() its language (py3langid, {language.SAMPLE_CHARS} chars sampled) | {judge * 1000:.2f} | "
          f"{judge / per_track_demux:.2f} |")


def accuracy(others: bool) -> None:
    rng = random.Random(1)
    detectors: dict[str, Callable[[list[str]], str]] = {"py3langid (pyrec rule)": lambda ls: language.judge("", ls).language}
    if others:
        detectors.update(_others())
    print("\n| detector | lines | right | unknown | wrong | ms/track |")
    print("|---|---|---|---|---|---|")
    for name, detect in detectors.items():
        for n in (1, 3, 5, 10, 30):
            right = unknown = wrong = 0
            spent = 0.0
            for key, lines in LINES.items():
                for _ in range(20):
                    sample = rng.sample(lines, n)
                    start = time.perf_counter()
                    got = detect(sample)
                    spent += time.perf_counter() - start
                    right += got == STORED[key]
                    unknown += got == ""
                    wrong += got not in ("", STORED[key])
            total = right + unknown + wrong
            print(f"| {name} | {n} | {right / total:.3f} | {unknown / total:.3f} | {wrong} | "
                  f"{spent / total * 1000:.2f} |")


def _others() -> dict[str, Callable[[list[str]], str]]:
    """The alternatives weighed, each taking its own top answer (no confidence rule)."""
    out: dict[str, Callable[[list[str]], str]] = {}
    if importlib.util.find_spec("langdetect"):
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0

        def by_langdetect(lines: list[str]) -> str:
            try:
                return language.normalise(detect("\n".join(lines)))
            except Exception:  # it raises on text with no features
                return ""
        out["langdetect"] = by_langdetect
    if importlib.util.find_spec("pycld2"):
        import pycld2

        def by_cld2(lines: list[str]) -> str:
            reliable, _, found = pycld2.detect("\n".join(lines))
            return language.normalise(found[0][1]) if reliable else ""
        out["pycld2"] = by_cld2
    if importlib.util.find_spec("lingua"):
        from lingua import LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_all_languages().build()

        def by_lingua(lines: list[str]) -> str:
            found = detector.detect_language_of("\n".join(lines))
            return language.normalise(found.iso_code_639_1.name.lower()) if found else ""
        out["lingua"] = by_lingua
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--others", action="store_true", help="also the alternatives, where installed")
    args = parser.parse_args()
    film = make_film(Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "pyrec-bench-language")
    speed(film)
    accuracy(args.others)


if __name__ == "__main__":
    main()
