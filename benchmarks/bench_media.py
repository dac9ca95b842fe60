"""Media layer speed per stage, on generated long files, side by side with
decoding every frame, and opens per file: one shared open vs each stage
opening the file itself.

    python benchmarks/bench_media.py                  # 10-minute files, 720p/1080p, H.264/HEVC
    python benchmarks/bench_media.py --long           # also the 2-hour 720p H.264 film
    python benchmarks/bench_media.py --only h264-720p-10min
    python benchmarks/bench_media.py --cuts           # the deep "shots" stage vs the sampled estimate
    python benchmarks/bench_media.py --cpu …          # CPU seconds instead of wall (a busy machine)

Files are generated once with the ffmpeg tool and cached in
``$TMPDIR/pyrec-bench-media``: a 60 s segment (testsrc2: moving pattern,
clock digits; long GOP of 250 frames, B-frames) is looped by stream copy,
so a 2-hour file costs seconds, not an encode. The cut film (``--cuts``) is
testsrc2 cropped at a new place with a new hue every 7 s: 85 known cuts in
10 minutes, H.264 with 10 s GOPs (x264's scene-cut key frames off, so no
stage can read the cuts off the key frames).

Stages (seconds per file):
  opens-sep   files opened (PyAV+OpenCV) when each stage opens the file itself (scan_media before #13's one-open)
  opens-now   files opened by scan_media() now: one PyAV open shared by every stage, plus OpenCV's probe
  open+text   container open, tags, chapters, subtitle text, sound shares (check_container)
  kf-before   keyframe windows with OpenCV's exact seeks (what pyrec did before)
  kf-now      keyframe windows read from the key frame before each (PyAV), as now
  kf-nonkey   every intra frame of the file (PyAV skip_frame=NONKEY), for scale
  embed       the visual model on 16 keyframes (embeddings + picture labels)
  cuts-fast   shot cuts as the fast pass measures them (4 sampled stretches of a long file)
  cuts-full   shot cuts on the whole low-res stream (every reference frame decoded)
  fast-sep    scan_media() work with each stage opening the file itself (check, probe+keyframes, cuts, grids)
  fast-before extract_media() with OpenCV's exact seeks
  fast-pass   scan_media(), what a scan runs per file (target: < 2 s for 10-min 720p)
  ocr         the deep pass's screen_text stage (detector on 1 fps, OCR per text segment)
  decode-all  OpenCV decoding every frame: the obvious alternative (10-min files only)
Ratios: decode-all / fast-pass, fast-sep / fast-pass, fast-before / fast-pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import av
import cv2

CACHE = Path(tempfile.gettempdir()) / "pyrec-bench-media"
SEGMENT_SECONDS = 60

# name -> (codec, width, height, minutes)
FILES = {
    "h264-720p-10min": ("h264", 1280, 720, 10),
    "hevc-720p-10min": ("hevc", 1280, 720, 10),
    "h264-1080p-10min": ("h264", 1920, 1080, 10),
    "hevc-1080p-10min": ("hevc", 1920, 1080, 10),
}
LONG = {"h264-720p-2h": ("h264", 1280, 720, 120)}


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def media(name: str, codec: str, width: int, height: int, minutes: int) -> Path:
    """The cached file, made on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.mkv"
    if path.exists():
        return path
    segment = CACHE / f"segment-{codec}-{width}x{height}.mkv"
    if not segment.exists():
        print(f"encoding a {SEGMENT_SECONDS} s {codec} {width}x{height} segment once …", file=sys.stderr)
        enc = (["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "250"] if codec == "h264" else
               ["-c:v", "libx265", "-preset", "ultrafast", "-crf", "28", "-x265-params", "keyint=250:log-level=error"])
        tmp = segment.with_suffix(".part.mkv")
        _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={width}x{height}:r=25:d={SEGMENT_SECONDS}",
                *enc, "-pix_fmt", "yuv420p", str(tmp))
        tmp.rename(segment)
    tmp = path.with_suffix(".part.mkv")
    _ffmpeg("-stream_loop", str(minutes * 60 // SEGMENT_SECONDS - 1), "-i", str(segment), "-c", "copy", str(tmp))
    tmp.rename(path)
    return path


CLOCK = time.perf_counter  # --cpu: time.process_time (this process's CPU seconds: steadier on a busy machine)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = CLOCK()
    out = fn()
    return CLOCK() - start, out


def nonkey_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        return sum(1 for _ in container.decode(stream))


def decode_all(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    frames = 0
    while cap.grab():
        frames += 1
    cap.release()
    return frames


def keyframes(path: Path, *, keyframe_seeks: bool) -> int:
    from pyrec.features.keyframes import pick_from
    from pyrec.features.probe import probe_open
    from pyrec.features.video import VideoReader

    with VideoReader(path) as video:
        return len(pick_from(video, probe_open(video), 16, keyframe_seeks=keyframe_seeks).frames)


def counting_opens(fn: Callable[[], object]) -> tuple[int, int]:
    """(PyAV opens, OpenCV opens) while ``fn`` runs."""
    counts = [0, 0]
    real_open, real_capture = av.open, cv2.VideoCapture

    def av_open(*args: object, **kwargs: object) -> object:
        counts[0] += 1
        return real_open(*args, **kwargs)  # type: ignore[call-overload]

    def capture(*args: object, **kwargs: object) -> object:
        counts[1] += 1
        return real_capture(*args, **kwargs)  # type: ignore[call-arg]

    av.open, cv2.VideoCapture = av_open, capture  # type: ignore[assignment,misc]
    try:
        fn()
    finally:
        av.open, cv2.VideoCapture = real_open, real_capture  # type: ignore[assignment,misc]
    return counts[0], counts[1]


def fast_separate(path: Path) -> None:
    """What scan_media() reads, each stage opening the file itself (as before the shared open)."""
    from dataclasses import replace

    from pyrec.features.cuts import fast_shots
    from pyrec.features.extract import check_container, default_encoders, picture_labels
    from pyrec.features.framegrid import grids_for
    from pyrec.features.keyframes import pick_from
    from pyrec.features.probe import probe_open
    from pyrec.features.video import VideoReader

    playable, media, _ = check_container(path, [])
    with VideoReader(path) as video:
        info = probe_open(video)
        plays = replace(info, duration=playable) if playable else info
        picked = pick_from(video, plays, 16)
    encoder = default_encoders()[0][0]
    picture_labels(encoder, encoder.embed(picked.images)[1], 5)  # type: ignore[arg-type]
    fast_shots(path, duration=plays.duration, fps=info.fps, width=info.width, height=info.height)
    grids_for(path, info, {}, [], media)


def bench_file(name: str, path: Path, *, decode_everything: bool, ocr: bool, full_cuts: bool) -> dict[str, float]:
    from pyrec.features.cuts import fast_shots, shots_of
    from pyrec.features.extract import (
        check_container,
        default_encoders,
        extract_media,
        picture_labels,
        scan_media,
    )
    from pyrec.features.keyframes import pick_keyframes

    row: dict[str, float] = {}
    scan_media(path)  # models load outside the timing
    row["opens-sep"] = sum(counting_opens(lambda: fast_separate(path)))
    row["opens-now"] = sum(counting_opens(lambda: scan_media(path)))
    row["open+text"], _ = timed(lambda: check_container(path, []))
    row["kf-before"], _ = timed(lambda: keyframes(path, keyframe_seeks=False))
    row["kf-now"], _ = timed(lambda: keyframes(path, keyframe_seeks=True))
    row["kf-nonkey"], _ = timed(lambda: nonkey_frames(path))
    images = pick_keyframes(path, 16).images
    encoder = default_encoders()[0][0]
    encoder.embed(images[:1])  # session made outside the timing
    row["embed"], _ = timed(lambda: picture_labels(encoder, encoder.embed(images)[1], 5))  # type: ignore[arg-type]
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        duration = float(container.duration or 0) / 1e6
        fps, width, height = float(stream.average_rate or 25), stream.codec_context.width, stream.codec_context.height
    row["cuts-fast"], shots = timed(lambda: fast_shots(path, duration=duration, fps=fps, width=width, height=height))
    if full_cuts:
        row["cuts-full"], _ = timed(lambda: shots_of(path))
    row["fast-sep"], _ = timed(lambda: fast_separate(path))
    row["fast-before"], _ = timed(lambda: extract_media(path, keyframe_seeks=False))
    row["fast-pass"], _ = timed(lambda: scan_media(path))
    if ocr:
        from pyrec.features.onscreen import ScreenTextStage

        stage = ScreenTextStage()
        row["ocr"], moments = timed(lambda: stage.run(path, duration=duration, budget_seconds=120.0))
        row["ocr-frames-seen"], row["ocr-frames-read"] = stage.frames_seen, stage.frames_read
    if decode_everything:
        row["decode-all"], _ = timed(lambda: decode_all(path))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="also the 2-hour film")
    parser.add_argument("--only", help="one file name")
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--no-decode-all", action="store_true")
    parser.add_argument("--cuts", action="store_true", help="the deep shots stage vs the sampled estimate")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of this process instead of wall seconds")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    if shutil.which("ffmpeg") is None:
        raise SystemExit("the ffmpeg tool is needed to make the files")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    files = {**FILES, **(LONG if args.long else {})}
    if args.only:
        files = {args.only: files[args.only]}
    if args.cuts:
        bench_cuts(args.long)
        return
    cols = ["opens-sep", "opens-now", "open+text", "kf-before", "kf-now", "kf-nonkey", "embed", "cuts-fast",
            "cuts-full", "fast-sep", "fast-before", "fast-pass", "ocr", "decode-all"]
    print("| file | " + " | ".join(cols) + " | decode-all/fast | fast-sep/fast | fast-before/fast "
          "| OCR frames seen/read |")
    print("|---" * (len(cols) + 5) + "|")
    for name, spec in files.items():
        path = media(name, *spec)
        long_film = spec[3] > 10
        row = bench_file(name, path, decode_everything=not (args.no_decode_all or long_film), ocr=not args.no_ocr,
                         full_cuts=not long_film)
        cells = [(f"{row[c]:.0f}" if c.startswith("opens") else f"{row[c]:.2f}") if c in row else "–" for c in cols]
        ratio = f"{row['decode-all'] / row['fast-pass']:.1f}x" if "decode-all" in row else "–"
        sep = f"{row['fast-sep'] / row['fast-pass']:.2f}x"
        kf = f"{row['fast-before'] / row['fast-pass']:.1f}x"
        seen = f"{row['ocr-frames-seen']:.0f}/{row['ocr-frames-read']:.0f}" if "ocr" in row else "–"
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {sep} | {kf} | {seen} |", flush=True)


CUT_EVERY = 7  # seconds between the cut film's cuts


def cut_film(minutes: int = 10) -> tuple[Path, int]:
    """(the cached cut film, its number of cuts)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"cuts-h264-720p-{minutes}min.mkv"
    seconds = minutes * 60
    if not path.exists():
        print(f"encoding the {minutes}-minute cut film once …", file=sys.stderr)
        shot = f"floor(t/{CUT_EVERY})"
        graph = (f"testsrc2=s=1920x1080:r=25:d={seconds},"
                 f"crop=1280:720:x='mod({shot}*397,640)':y='mod({shot}*211,360)',"
                 f"hue=h='mod({shot}*137,360)':s='1+0.5*sin({shot})'")
        tmp = path.with_suffix(".part.mkv")
        _ffmpeg("-f", "lavfi", "-i", graph, "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "250",
                "-sc_threshold", "0", "-pix_fmt", "yuv420p", str(tmp))
        tmp.rename(path)
    return path, (seconds - 1) // CUT_EVERY


def bench_cuts(long: bool) -> None:
    """The deep "shots" stage (whole film) vs the fast pass's sampled estimate."""
    from pyrec.features.cuts import fast_shots
    from pyrec.features.shots import ShotStage

    films = [("cuts-h264-720p-10min", *cut_film())]
    if long:
        films += [("h264-720p-2h (no cuts)", media("h264-720p-2h", *LONG["h264-720p-2h"]), 0)]
    print("| file | truth cuts | sampled s | sampled cuts/min | sampled scenes | deep s | deep cuts/min "
          "| deep scenes | deep seen | deep s, budget 120 | seen, budget 120 |")
    print("|---" * 11 + "|")
    for name, path, truth in films:
        with av.open(str(path)) as container:
            duration = float(container.duration or 0) / 1e6
            stream = container.streams.video[0]
            fps, width, height = float(stream.average_rate or 25), stream.codec_context.width, stream.codec_context.height
        start = CLOCK()
        shots = fast_shots(path, duration=duration, fps=fps, width=width, height=height)
        fast_s = CLOCK() - start
        start = CLOCK()
        d = ShotStage().run(path, duration=duration, budget_seconds=3600.0).stats
        deep_s = CLOCK() - start
        start = CLOCK()
        c = ShotStage().run(path, duration=duration, budget_seconds=120.0).stats
        capped_s = CLOCK() - start
        print(f"| {name} | {truth} ({truth * 60 / duration:.2f}/min) | {fast_s:.2f} | {shots.cuts_per_minute:.2f} "
              f"| {shots.scenes} | {deep_s:.1f} | {d['cuts_per_minute']:.2f} | {d['scenes']:.0f} "
              f"| {d['shots_seen']:.2f} | {capped_s:.1f} | {c['shots_seen']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
