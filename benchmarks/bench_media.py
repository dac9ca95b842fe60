"""Media layer speed per stage, on generated long files, side by side with
decoding every frame.

    python benchmarks/bench_media.py                  # 10-minute files, 720p/1080p, H.264/HEVC
    python benchmarks/bench_media.py --long           # also the 2-hour 720p H.264 film
    python benchmarks/bench_media.py --only h264-720p-10min

Files are generated once with the ffmpeg tool and cached in
``$TMPDIR/pyrec-bench-media``: a 60 s segment (testsrc2: moving pattern,
clock digits; long GOP of 250 frames, B-frames) is looped by stream copy,
so a 2-hour file costs seconds, not an encode.

Stages (seconds per file):
  open+text   container open, tags, chapters, subtitle text, sound shares (check_container)
  kf-before   keyframe windows with OpenCV's exact seeks (what pyrec did before)
  kf-now      keyframe windows read from the key frame before each (PyAV), as now
  kf-nonkey   every intra frame of the file (PyAV skip_frame=NONKEY), for scale
  embed       the visual model on 16 keyframes (embeddings + picture labels)
  cuts-fast   shot cuts as the fast pass measures them (4 sampled stretches of a long file)
  cuts-full   shot cuts on the whole low-res stream (every reference frame decoded)
  fast-before extract_media() with OpenCV's exact seeks
  fast-pass   extract_media(), what a scan runs per file (target: < 2 s for 10-min 720p)
  ocr         the deep pass's screen_text stage (detector on 1 fps, OCR per text segment)
  decode-all  OpenCV decoding every frame: the obvious alternative (10-min files only)
Ratios: decode-all / fast-pass, fast-before / fast-pass.
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


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


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


def bench_file(name: str, path: Path, *, decode_everything: bool, ocr: bool, full_cuts: bool) -> dict[str, float]:
    from pyrec.features.cuts import fast_shots, shots_of
    from pyrec.features.extract import check_container, default_encoders, extract_media, picture_labels
    from pyrec.features.keyframes import pick_keyframes

    row: dict[str, float] = {}
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
    row["fast-before"], _ = timed(lambda: extract_media(path, keyframe_seeks=False))
    row["fast-pass"], _ = timed(lambda: extract_media(path))
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
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("the ffmpeg tool is needed to make the files")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    files = {**FILES, **(LONG if args.long else {})}
    if args.only:
        files = {args.only: files[args.only]}
    cols = ["open+text", "kf-before", "kf-now", "kf-nonkey", "embed", "cuts-fast", "cuts-full", "fast-before",
            "fast-pass", "ocr", "decode-all"]
    print("| file | " + " | ".join(cols) + " | decode-all/fast | fast-before/fast | OCR frames seen/read |")
    print("|---" * (len(cols) + 4) + "|")
    for name, spec in files.items():
        path = media(name, *spec)
        long_film = spec[3] > 10
        row = bench_file(name, path, decode_everything=not (args.no_decode_all or long_film), ocr=not args.no_ocr,
                         full_cuts=not long_film)
        cells = [f"{row[c]:.2f}" if c in row else "–" for c in cols]
        ratio = f"{row['decode-all'] / row['fast-pass']:.1f}x" if "decode-all" in row else "–"
        kf = f"{row['fast-before'] / row['fast-pass']:.1f}x"
        seen = f"{row['ocr-frames-seen']:.0f}/{row['ocr-frames-read']:.0f}" if "ocr" in row else "–"
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {kf} | {seen} |", flush=True)


if __name__ == "__main__":
    main()
