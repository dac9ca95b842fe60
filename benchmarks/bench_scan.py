"""Scan speed, side by side with a decode-every-frame baseline.

    python benchmarks/bench_scan.py [--quick]

Rows:
  * the real sample clips (../shared/data/sample-videos): files/s and
    video-seconds indexed per wall-second, pyrec's full per-file indexing vs
    merely decoding every frame of the same files;
  * a generated 10-minute 1280x720 file (cached under benchmarks/.cache):
    same two columns (target: pyrec under 3 s);
  * an unchanged rescan of 1000 known files (target: under 1 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from pyrec.demo.clips import render_clip
from pyrec.features.extract import extract_video_features
from pyrec.library import Library
from pyrec.records import FileStat, MediaProbe, VideoRecord
from pyrec.scan.scanner import Scanner

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data" / "sample-videos"
CACHE = HERE / ".cache"


def decode_every_frame(path: Path) -> tuple[int, float]:
    """The obvious alternative: read every frame (then pick keyframes)."""
    cap = cv2.VideoCapture(str(path))
    frames = 0
    while cap.grab():
        frames += 1
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    cap.release()
    return frames, frames / fps


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def long_video(minutes: float) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"long-{minutes:g}min-1280x720.mp4"
    if not path.exists():
        print(f"rendering {path.name} once (cached) …", file=sys.stderr)
        render_clip(path, "ocean", seconds=minutes * 60, size=(1280, 720), fps=24, seed=1)
    return path


def bench_files(label: str, files: list[Path], thumbs: str) -> list[str]:
    durations = []
    t_pyrec = 0.0
    for f in files:
        dt, feats = timed(extract_video_features, str(f), thumbnail_dir=thumbs)
        t_pyrec += dt
        durations.append(feats.probe.duration)
    t_base = 0.0
    for f in files:
        dt, _ = timed(decode_every_frame, f)
        t_base += dt
    video_s = sum(durations)
    return [
        label,
        f"{len(files)}",
        f"{video_s:.0f}",
        f"{t_pyrec:.2f}",
        f"{len(files) / t_pyrec:.1f}",
        f"{video_s / t_pyrec:.0f}",
        f"{t_base:.2f}",
        f"{video_s / t_base:.0f}",
        f"{t_base / t_pyrec:.1f}x",
    ]


def bench_rescan(n: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lib"
        for i in range(n):
            p = root / f"folder{i // 100:02d}" / f"clip{i:04d}.mp4"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(b"\x00\x00\x00\x18ftypmp42" + i.to_bytes(4, "little") * 8)
        with Library.open(Path(tmp) / "lib.sqlite") as lib:
            # Register the files as already indexed (the path under test is the
            # unchanged-file check, not feature extraction).
            for p in sorted(root.rglob("*.mp4")):
                st = p.stat()
                lib.upsert_video(VideoRecord(FileStat(str(p), st.st_size, st.st_mtime_ns, "x"),
                                             MediaProbe(1.0, 24.0, 64, 64, "mp4v")))
            dt, summary = timed(Scanner(lib, jobs=1).scan, [root])
            assert summary.unchanged == n and summary.indexed == 0, summary
    return [f"unchanged rescan of {n} files", f"{n}", "-", f"{dt:.3f}", f"{n / dt:.0f}", "-", "-", "-", "-"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a 1-minute long file instead of 10")
    parser.add_argument("--rescan-files", type=int, default=1000)
    args = parser.parse_args()
    cv2.setNumThreads(1)  # like a scan worker process
    rows = []
    with tempfile.TemporaryDirectory() as thumbs:
        if SHARED.is_dir():
            clips = sorted(p for p in SHARED.rglob("*") if p.suffix in (".mp4", ".mkv"))
            rows.append(bench_files("sample clips (real)", clips, thumbs))
        minutes = 1.0 if args.quick else 10.0
        rows.append(bench_files(f"{minutes:g}-min 1280x720 (generated)", [long_video(minutes)], thumbs))
    rows.append(bench_rescan(args.rescan_files))
    header = ["input", "files", "video s", "pyrec s", "files/s", "video s per s",
              "decode-all s", "decode-all video s per s", "pyrec speed-up"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"\nmachine: {os.cpu_count()} cores; numpy {np.__version__}; opencv {cv2.__version__}")


if __name__ == "__main__":
    main()
