"""Duplicate detection: precision and recall per transform, before and after.

    python benchmarks/bench_dupes.py [--quick] [--no-before]

Built from the real shared clips (../shared/data/sample-videos, CC-BY) and
copies made with the ffmpeg CLI (cached under benchmarks/.cache/dupes):
re-encode, downscale, upscale, crop, letterbox, trim head, trim tail, added
intro, speed change, different audio. Hard negatives: the 20 sign clips (one
signer, one room), six clips of one generated visual style (different
seeds), and consecutive 20 s "episodes" of one long clip.

Everything goes into one detection run, as in one library. A copy counts as
found when it lands in a group with its source. Per transform: recall =
copies found / copies made, precision = grouped pairs with a copy of that
transform that are true / all grouped pairs with one. Per negative set:
precision = true pairs / grouped pairs inside the set (1.00 when none is
grouped), and how many distinct clips would be suggested for the trash.

"before" is the detection at a01f40c (keyframe pHashes, union-find, most
pixels wins), loaded from git into a private module so both run on the very
same items.
"""

from __future__ import annotations

import argparse
import importlib
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from types import ModuleType

import numpy as np

from pyrec.demo.clips import render_clip
from pyrec.features.extract import extract_video_features
from pyrec.features.framegrid import grids_for
from pyrec.recommend.dupes import DupeGroup, DupeItem, find_duplicates

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data" / "sample-videos"
CACHE = HERE / ".cache" / "dupes"
BEFORE = "a01f40c"
REUSE = False

# name -> ffmpeg arguments between input and output (video filters, trims, ...)
TRANSFORMS: dict[str, list[str]] = {
    "re-encode": ["-c:v", "libx264", "-crf", "32", "-preset", "veryfast"],
    "downscale": ["-vf", "scale=trunc(iw/4)*2:trunc(ih/4)*2", "-c:v", "libx264", "-crf", "26", "-preset", "veryfast"],
    "upscale": ["-vf", "scale=trunc(iw*1.5/2)*2:trunc(ih*1.5/2)*2:flags=bicubic", "-c:v", "libx264", "-crf", "20",
                "-preset", "veryfast"],
    "crop": ["-vf", "crop=trunc(iw*0.9/2)*2:trunc(ih*0.9/2)*2", "-c:v", "libx264", "-preset", "veryfast"],
    "letterbox": ["-vf", "scale=trunc(iw*0.75/2)*2:trunc(ih*0.75/2)*2,pad=iw/0.75:ih*1.0/0.75:(ow-iw)/2:(oh-ih)/2",
                  "-c:v", "libx264", "-preset", "veryfast"],
    "trim head": ["TRIM_HEAD"],
    "trim tail": ["TRIM_TAIL"],
    "intro": ["INTRO"],
    "speed 1.1x": ["-vf", "setpts=PTS/1.1", "-an", "-c:v", "libx264", "-preset", "veryfast"],
    "other audio": ["OTHER_AUDIO"],
}
TARGETS = {"re-encode", "downscale", "trim head", "trim tail", "intro"}


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def duration_of(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return float(out.strip())


def make_copy(src: Path, name: str, dst: Path) -> Path:
    if dst.exists():
        return dst
    enc = ["-c:v", "libx264", "-preset", "veryfast"]
    args = TRANSFORMS[name]
    d = duration_of(src)
    cut = min(2.0, d * 0.2)  # 2 s, or a fifth of a short clip
    if args == ["TRIM_HEAD"]:
        ffmpeg("-ss", f"{cut:.3f}", "-i", str(src), *enc, str(dst))
    elif args == ["TRIM_TAIL"]:
        ffmpeg("-i", str(src), "-t", f"{d - cut:.3f}", *enc, str(dst))
    elif args == ["INTRO"]:  # a 3 s title card (test pattern) before the clip, at the clip's size and rate
        ffmpeg("-i", str(src), "-f", "lavfi", "-i", "testsrc2=d=3:s=320x240:r=25",
               "-filter_complex", "[1:v][0:v]scale2ref[i][v];[i]setsar=1,fps=25[i2];[v]setsar=1,fps=25[v2];"
               "[i2][v2]concat=n=2:v=1:a=0[out]", "-map", "[out]", *enc, str(dst))
    elif args == ["OTHER_AUDIO"]:
        ffmpeg("-i", str(src), "-f", "lavfi", "-i", f"sine=frequency=440:duration={d:.3f}", "-map", "0:v", "-map", "1:a",
               "-c:v", "copy", "-c:a", "aac", "-shortest", str(dst))
    else:
        ffmpeg("-i", str(src), *args, str(dst))
    return dst


def item(video_id: int, path: Path) -> DupeItem:
    f = extract_video_features(path, encoders=())
    p = f.probe
    fh = grids_for(path, p, f.stats, [])
    return DupeItem(video_id, np.array([k.phash for k in f.keyframes], np.int64), np.array([k.time for k in f.keyframes]),
                    duration=p.duration or 0.0, width=p.width or 0, height=p.height or 0, size=path.stat().st_size,
                    damaged=p.damaged, frames=None if fh is None else fh.grids, step=0.0 if fh is None else fh.step,
                    detail=f.stats.get("detail"), codec=p.codec or "", fps=p.fps or 0.0)


def old_detector() -> Callable[[Sequence[DupeItem]], list[DupeGroup]] | None:
    """find_duplicates as it was at BEFORE, as a private package."""
    files = ["__init__", "candidates", "copies", "detect", "hashes", "in_library", "items", "store", "verify"]
    tmp = Path(tempfile.mkdtemp(prefix="pyrec-dupes-before-"))
    pkg = tmp / "dupes_before"
    pkg.mkdir()
    try:
        for name in files:
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:pyrec/recommend/dupes/{name}.py"],
                                  check=True, capture_output=True, text=True).stdout
            (pkg / f"{name}.py").write_text(text.replace("pyrec.recommend.dupes", "dupes_before"))
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    sys.path.insert(0, str(tmp))
    module: ModuleType = importlib.import_module("dupes_before.detect")
    old_item = importlib.import_module("dupes_before.items").DupeItem

    def detect(items: Sequence[DupeItem]) -> list[DupeGroup]:
        converted = [old_item(it.video_id, it.hashes, it.times, it.duration, it.width, it.height, it.size,
                              damaged=it.damaged) for it in items]
        return list(module.find_duplicates(converted))

    return detect


def build(quick: bool) -> tuple[list[DupeItem], dict[int, tuple[str, int]], dict[str, list[int]], dict[int, str]]:
    """(items, copies: id -> (transform, source id), negative sets: name -> ids, names)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    signs = sorted((SHARED / "asl_gestures").glob("*.mkv"))
    style = [render_clip(CACHE / f"style-forest-{s}.mp4", "forest", seconds=6.0, seed=s) for s in range(6)]
    long_clip = SHARED / "one-by-one-person-detection.mp4"
    episodes = []
    for k in range(4):
        ep = CACHE / f"episode-{k}.mp4"
        if not ep.exists():
            ffmpeg("-ss", str(20 * k), "-i", str(long_clip), "-t", "20", "-an", "-c:v", "libx264", "-preset", "veryfast",
                   str(ep))
        episodes.append(ep)
    sources = [SHARED / "bottle-detection.mp4", SHARED / "car-detection.mp4", long_clip, signs[0], signs[7], style[0]]
    if not quick:
        sources += [signs[3], signs[12], signs[18], style[3]]
    paths: list[Path] = []
    names: dict[int, str] = {}
    copies: dict[int, tuple[str, int]] = {}
    negatives: dict[str, list[int]] = {"sign clips": [], "one style": [], "episodes": []}

    def add(path: Path, label: str) -> int:
        paths.append(path)
        names[len(paths)] = label
        return len(paths)

    for group, members in (("sign clips", signs), ("one style", style), ("episodes", episodes)):
        for p in members:
            negatives[group].append(add(p, f"{group}: {p.stem}"))
    source_ids = {}
    for src in sources:
        source_ids[src] = next((i for i, p in enumerate(paths, 1) if p == src), None) or add(src, src.stem)
    for src in sources:
        for t in TRANSFORMS:
            dst = CACHE / f"{src.stem}.{t.replace(' ', '-')}.mp4"
            make_copy(src, t, dst)
            copies[add(dst, f"{src.stem} [{t}]")] = (t, source_ids[src])
    print(f"{len(paths)} videos; extracting features …", file=sys.stderr)
    key = CACHE / f"items-{len(paths)}.pkl"  # features of the cached files, for quick re-runs (--reuse)
    if REUSE and key.exists():
        items = pickle.loads(key.read_bytes())
    else:
        items = [item(i, p) for i, p in enumerate(paths, 1)]
        key.write_bytes(pickle.dumps(items))
    return items, copies, negatives, names


def grouped_pairs(groups: Sequence[DupeGroup]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a, b in combinations(sorted(g.video_ids), 2)}


def truth(a: int, b: int, copies: dict[int, tuple[str, int]]) -> bool:
    """Same recording: a copy and its source, or two copies of one source."""
    ra = copies[a][1] if a in copies else a
    rb = copies[b][1] if b in copies else b
    return ra == rb


def report(label: str, groups: list[DupeGroup], copies: dict[int, tuple[str, int]],
           negatives: dict[str, list[int]]) -> dict[str, tuple[float, float | None]]:
    pairs = grouped_pairs(groups)
    rows: dict[str, tuple[float, float | None]] = {}
    for t in TRANSFORMS:
        mine = [c for c, (tt, _) in copies.items() if tt == t]
        found = sum((min(c, s), max(c, s)) in pairs for c in mine for s in [copies[c][1]])
        claimed = [p for p in pairs if p[0] in mine or p[1] in mine]
        right = sum(truth(a, b, copies) for a, b in claimed)
        rows[t] = (right / len(claimed) if claimed else 1.0, found / len(mine) if mine else None)
    for name, ids in negatives.items():
        inside = [p for p in pairs if p[0] in ids and p[1] in ids]
        rows[name] = (sum(truth(a, b, copies) for a, b in inside) / len(inside) if inside else 1.0, None)
        trashed = sum(len([v for v in g.video_ids if v in ids and v != g.best]) for g in groups
                      if sum(v in ids for v in g.video_ids) > 1)
        rows[name + " (to trash)"] = (float(trashed), None)
    return rows


def best_copy_checks(groups: list[DupeGroup], copies: dict[int, tuple[str, int]]) -> tuple[int, int]:
    """(groups whose suggested keep is an upscale or a trimmed copy, groups with such a copy)."""
    bad = seen = 0
    for g in groups:
        weak = [v for v in g.video_ids if v in copies and copies[v][0] in ("upscale", "trim head", "trim tail")]
        if weak:
            seen += 1
            bad += g.best in weak
    return bad, seen


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer sources")
    ap.add_argument("--no-before", action="store_true", help="skip the detection at " + BEFORE)
    ap.add_argument("--verbose", action="store_true", help="list the groups")
    ap.add_argument("--reuse", action="store_true", help="reuse the features extracted by the last run")
    args = ap.parse_args()
    global REUSE
    REUSE = args.reuse
    if not (SHARED / "asl_gestures").is_dir():
        print(f"{SHARED} is not present", file=sys.stderr)
        return 2
    items, copies, negatives, names = build(args.quick)
    results = {}
    detectors: list[tuple[str, Callable[[Sequence[DupeItem]], list[DupeGroup]]]] = []
    old = None if args.no_before else old_detector()
    if old is not None:
        detectors.append(("before", old))
    detectors.append(("after", find_duplicates))
    for label, detect in detectors:
        start = time.perf_counter()
        groups = detect(items)
        seconds = time.perf_counter() - start
        results[label] = report(label, groups, copies, negatives)
        bad, seen = best_copy_checks(groups, copies)
        if args.verbose:
            for g in groups:
                print(f"  {label}: keep {names[g.best]!r} of", [names[v] for v in g.video_ids])
        print(f"{label}: {len(groups)} groups in {seconds:.2f} s; keep is an upscale or trimmed copy in {bad} of {seen} "
              f"groups holding one")
    labels = [label for label, _ in detectors]
    print()
    print(f"{'set':<24}" + "".join(f"{lb + ' P':>10}{lb + ' R':>10}" for lb in labels) + "  target")
    for key in results["after"]:
        cells = ""
        for lb in labels:
            p, r = results[lb][key]
            if key.endswith("(to trash)"):
                cells += f"{int(p):>10}{'':>10}"
            else:
                cells += f"{p:>10.2f}{('' if r is None else f'{r:.2f}'):>10}"
        target = "R >= 0.95" if key in TARGETS else ("P = 1.00" if key in negatives else "")
        print(f"{key:<24}{cells}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
