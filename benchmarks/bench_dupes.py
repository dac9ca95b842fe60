"""Duplicate detection: precision and recall per transform, before and after.

    python benchmarks/bench_dupes.py [--quick] [--no-before]

Built from the real shared clips (../shared/data/sample-videos, CC-BY) and
copies made with the ffmpeg CLI (cached under benchmarks/.cache/dupes):
re-encode, downscale, upscale, crop, letterbox, trim head, trim tail, added
intro, speed change, a tone added to a silent source. The sound set: three
sources given a spoken narration (ffmpeg's flite), its re-encode (sound
kept: copies) and the same pictures with another narration ("different
audio": the same footage in another edit, to be grouped as edits, never as
copies). Hard negatives: the 20 sign clips (one signer, one room), six clips
of one generated visual style (different seeds), and consecutive 20 s
"episodes" of one long clip.

Everything goes into one detection run, as in one library. A copy counts as
found when it lands in a group with its source. Per transform: recall =
copies found / copies made, precision = grouped pairs with a copy of that
transform that are true / all grouped pairs with one. Per negative set:
precision = true pairs / grouped pairs inside the set (1.00 when none is
grouped), and how many distinct clips would be suggested for the trash.

"before" is the detection at a01f40c (keyframe pHashes, union-find, most
pixels wins), "main" the one at e8ab37f (frame grids aligned offset by
offset in Python, no rate, crop or sound), both loaded from git into private
modules so all run on the very same items. A narrated copy and one with
another sound are never in one copies group; a narrated copy counts as
found when it is grouped with the copy that carries its sound.
"""

from __future__ import annotations

import argparse
import dataclasses
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

import cv2
import numpy as np

from pyrec.demo.clips import render_clip
from pyrec.features.extract import extract_video_features
from pyrec.features.finedetail import detail_beyond
from pyrec.features.framegrid import grids_for
from pyrec.features.phash import phash
from pyrec.recommend.dupes import DupeGroup, DupeItem, best_copy, dense_pairs, find_duplicates
from pyrec.recommend.dupes.align import differing, differing_numpy, normalised

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "data" / "sample-videos"
CACHE = HERE / ".cache" / "dupes"
BEFORE = "a01f40c"  # keyframe pHashes, union-find, most pixels wins
MAIN = "e8ab37f"  # frame grids aligned offset by offset in Python (the last session's detection)
REUSE = False
PATHS: list[Path] = []  # the videos of the last build, in item order

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
    "other audio": ["OTHER_AUDIO"],  # a tone added to a silent source: still a copy (no sound to compare)
}
TARGETS = {"re-encode", "downscale", "trim head", "trim tail", "intro"}
# The sound set: sources given a narration (flite speech), then re-encoded
# (sound kept: copies) or given another narration ("different audio": the
# same footage in another edit, to be grouped apart as edits, never copies).
NARRATIONS = ("The river rose all night and by morning the bridge was gone. We waited on the hill and counted the boats.",
              "Preheat the oven, then fold the butter into the flour until it looks like sand. Add cold water slowly.",
              "In the third quarter the home side pressed forward, but the keeper stopped every shot from the edge.",
              "Welcome back to the channel. Today we are fixing a squeaky door hinge with nothing but a pencil.")
SOUND_TRANSFORMS = ("narrated", "narrated re-encode", "different audio")


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


def narrate(src: Path, text: str, dst: Path) -> Path:
    """src's pictures with `text` spoken over them (looped to its length)."""
    if not dst.exists():
        ffmpeg("-i", str(src), "-f", "lavfi", "-i", f"flite=text='{text}':voice=slt,aloop=loop=-1:size=2000000000",
               "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-b:a", "96k", "-shortest", str(dst))
    return dst


def item(video_id: int, path: Path) -> DupeItem:
    f = extract_video_features(path, encoders=())
    p = f.probe
    fh = grids_for(path, p, f.stats, [])
    return DupeItem(video_id, np.array([k.phash for k in f.keyframes], np.int64), np.array([k.time for k in f.keyframes]),
                    duration=p.duration or 0.0, width=p.width or 0, height=p.height or 0, size=path.stat().st_size,
                    damaged=p.damaged, frames=None if fh is None else fh.grids, step=0.0 if fh is None else fh.step,
                    detail=f.stats.get("detail"), codec=p.codec or "", fps=p.fps or 0.0,
                    audio=None if fh is None else fh.audio, audio_step=0.0 if fh is None else fh.audio_step)


def old_detector(commit: str) -> Callable[[Sequence[DupeItem]], list[DupeGroup]] | None:
    """find_duplicates as it was at `commit`, as a private package."""
    name = f"dupes_{commit}"
    tmp = Path(tempfile.mkdtemp(prefix="pyrec-dupes-before-"))
    pkg = tmp / name
    pkg.mkdir()
    try:
        files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{commit}:pyrec/recommend/dupes/"],
                               check=True, capture_output=True, text=True).stdout.split()
        for file in (f for f in files if f.endswith(".py")):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:pyrec/recommend/dupes/{file}"],
                                  check=True, capture_output=True, text=True).stdout
            (pkg / file).write_text(text.replace("pyrec.recommend.dupes", name))
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    sys.path.insert(0, str(tmp))
    module: ModuleType = importlib.import_module(f"{name}.detect")
    old_item = importlib.import_module(f"{name}.items").DupeItem
    known = {f.name for f in dataclasses.fields(old_item)}

    def detect(items: Sequence[DupeItem]) -> list[DupeGroup]:
        converted = [old_item(**{k: getattr(it, k) for k in known}) for it in items]
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
    for k, src in enumerate(sources[:3]):  # the sound set
        narrated = narrate(src, NARRATIONS[k], CACHE / f"{src.stem}.narrated.mp4")
        copies[add(narrated, f"{src.stem} [narrated]")] = ("narrated", source_ids[src])
        again = CACHE / f"{src.stem}.narrated-re-encode.mp4"
        if not again.exists():
            ffmpeg("-i", str(narrated), "-c:v", "libx264", "-crf", "30", "-preset", "veryfast", "-c:a", "aac", "-b:a", "48k",
                   str(again))
        copies[add(again, f"{src.stem} [narrated re-encode]")] = ("narrated re-encode", source_ids[src])
        other = narrate(src, NARRATIONS[k + 1], CACHE / f"{src.stem}.different-audio.mp4")
        copies[add(other, f"{src.stem} [different audio]")] = ("different audio", source_ids[src])
    PATHS[:] = paths
    print(f"{len(paths)} videos; extracting features …", file=sys.stderr)
    key = CACHE / f"items-{len(paths)}.pkl"  # features of the cached files, for quick re-runs (--reuse)
    if REUSE and key.exists():
        items = pickle.loads(key.read_bytes())
    else:
        items = [item(i, p) for i, p in enumerate(paths, 1)]
        key.write_bytes(pickle.dumps(items))
    return items, copies, negatives, names


def grouped_pairs(groups: Sequence[DupeGroup], kind: str = "copies") -> set[tuple[int, int]]:
    return {(a, b) for g in groups if getattr(g, "kind", "copies") == kind
            for a, b in combinations(sorted(g.video_ids), 2)}


def truth(a: int, b: int, copies: dict[int, tuple[str, int]]) -> bool:
    """Same recording: a copy and its source, or two copies of one source,
    unless both have sound and it differs (a narrated copy and one with
    another narration: the same footage in another edit)."""
    ra = copies[a][1] if a in copies else a
    rb = copies[b][1] if b in copies else b
    return ra == rb and not edit_pair(a, b, copies)


# Which sound each copy carries (the sources have none): copies of one source
# that both carry sound, and not the same one, are the same footage in two edits.
SOUND = {"other audio": "tone", "narrated": "narration", "narrated re-encode": "narration",
         "different audio": "another narration"}


def edit_pair(a: int, b: int, copies: dict[int, tuple[str, int]]) -> bool:
    """Same footage with different sound (two copies of one source with different soundtracks)."""
    if a not in copies or b not in copies or copies[a][1] != copies[b][1]:
        return False
    sa, sb = SOUND.get(copies[a][0]), SOUND.get(copies[b][0])
    return sa is not None and sb is not None and sa != sb


def report(label: str, groups: list[DupeGroup], copies: dict[int, tuple[str, int]],
           negatives: dict[str, list[int]]) -> dict[str, tuple[float, float | None]]:
    pairs = grouped_pairs(groups)
    edits = grouped_pairs(groups, "edits")
    rows: dict[str, tuple[float, float | None]] = {}
    for t in [*TRANSFORMS, *SOUND_TRANSFORMS]:
        mine = [c for c, (tt, _) in copies.items() if tt == t]
        if t == "different audio":  # found = grouped as an edit of the narrated copy of its source
            found = sum(any((min(c, n), max(c, n)) in edits for n in copies
                            if edit_pair(c, n, copies) and copies[n][0] == "narrated") for c in mine)
        elif t in ("narrated", "narrated re-encode"):  # found = with the copy that carries its sound
            found = sum(any((min(c, n), max(c, n)) in pairs for n in copies
                            if n != c and copies[n][1] == copies[c][1] and copies[n][0] in ("narrated", "narrated re-encode"))
                        for c in mine)
        else:
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


WEAK_KEEPS = ("upscale", "trim head", "trim tail", "intro")  # never the copy to keep when its source is grouped


def best_copy_checks(groups: list[DupeGroup], copies: dict[int, tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """Per weak transform: (groups whose suggested keep is that copy, groups holding it with its source)."""
    out = {}
    for t in WEAK_KEEPS:
        bad = seen = 0
        for g in groups:
            weak = [v for v in g.video_ids if v in copies and copies[v][0] == t and copies[v][1] in g.video_ids]
            if weak:
                seen += 1
                bad += g.best in weak
        out[t] = (bad, seen)
    return out


def keep_line(checks: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{t} {bad}/{seen}" for t, (bad, seen) in checks.items())


def fine_detail(larger: DupeItem, smaller: DupeItem, times: list[tuple[float, float]]) -> float | None:
    """best.FineDetail over the bench's files (PATHS: ids are item order from 1)."""
    return detail_beyond(PATHS[larger.video_id - 1], PATHS[smaller.video_id - 1], times)


def stash_like(paths: Sequence[Path], items: Sequence[DupeItem], distance: int,
               duration_share: float | None) -> Callable[[Sequence[DupeItem]], list[DupeGroup]]:
    """Stash's video pHash, re-done from its documented algorithm: 25 frames
    at 5 %..95 % of the duration, each 160 px wide, tiled 5x5 into one
    sprite, one 64-bit DCT pHash of the sprite; videos within `distance`
    bits (Stash's duplicate checker: 0 exact, 4 high, 8 medium, 10 low)
    and, if given, durations within `duration_share` are one group
    (matches joined transitively)."""
    hashes = {it.video_id: stash_phash(p, it.duration) for it, p in zip(items, paths, strict=True)}

    def detect(its: Sequence[DupeItem]) -> list[DupeGroup]:
        parent = {it.video_id: it.video_id for it in its}

        def root(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        dur = {it.video_id: it.duration for it in its}
        ids = sorted(parent)
        for x, a in enumerate(ids):
            for b in ids[x + 1:]:
                if hashes[a] is None or hashes[b] is None:
                    continue
                if (hashes[a] ^ hashes[b]).bit_count() > distance:
                    continue
                if duration_share is not None and abs(dur[a] - dur[b]) > duration_share * max(dur[a], dur[b]):
                    continue
                parent[root(a)] = root(b)
        groups: dict[int, list[int]] = {}
        for v in ids:
            groups.setdefault(root(v), []).append(v)
        return [DupeGroup(g, g[0]) for g in groups.values() if len(g) > 1]

    return detect


def stash_phash(path: Path, duration: float) -> int | None:
    cap = cv2.VideoCapture(str(path))
    tiles = []
    try:
        for k in range(25):
            cap.set(cv2.CAP_PROP_POS_MSEC, 1000 * (0.05 * duration + k * 0.9 * duration / 25))
            ok, frame = cap.read()
            if not ok:
                return None
            h, w = frame.shape[:2]
            tiles.append(cv2.resize(frame, (160, max(1, round(160 * h / w))), interpolation=cv2.INTER_AREA))
    finally:
        cap.release()
    rows = [np.hstack(tiles[r * 5:(r + 1) * 5]) for r in range(5)]
    return phash(np.vstack(rows)) & ((1 << 64) - 1)


def kernel_ratio(items: Sequence[DupeItem], pairs: int = 300) -> None:
    """The hot loop side by side: differing cells of every frame pair, NumPy vs the core."""
    chosen = sorted(dense_pairs(items))[:pairs]
    z = {i: normalised(items[i].frames)[0] for p in chosen for i in p}  # type: ignore[arg-type]
    took = {}
    for label, fn in (("numpy", differing_numpy), ("core", differing)):
        start = time.perf_counter()
        for i, j in chosen:
            fn(z[i], z[j])
        took[label] = time.perf_counter() - start
    print(f"differing cells over {len(chosen)} candidate pairs: numpy {took['numpy']:.2f} s, core {took['core']:.2f} s "
          f"({took['numpy'] / max(took['core'], 1e-9):.1f}x)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer sources")
    ap.add_argument("--no-before", action="store_true", help=f"skip the detections at {BEFORE} and {MAIN}")
    ap.add_argument("--verbose", action="store_true", help="list the groups")
    ap.add_argument("--reuse", action="store_true", help="reuse the features extracted by the last run")
    ap.add_argument("--stash", action="store_true", help="add Stash's sprite pHash (medium distance; and with durations)")
    args = ap.parse_args()
    global REUSE
    REUSE = args.reuse
    if not (SHARED / "asl_gestures").is_dir():
        print(f"{SHARED} is not present", file=sys.stderr)
        return 2
    items, copies, negatives, names = build(args.quick)
    results = {}
    detectors: list[tuple[str, Callable[[Sequence[DupeItem]], list[DupeGroup]]]] = []
    for label, commit in (("before", BEFORE), ("main", MAIN)):
        old = None if args.no_before else old_detector(commit)
        if old is not None:
            detectors.append((label, old))
    if args.stash:
        detectors.append(("stash d8", stash_like(PATHS, items, 8, None)))
        detectors.append(("stash d8+dur", stash_like(PATHS, items, 8, 0.05)))
    detectors.append(("after", lambda its: find_duplicates(its, fine=fine_detail)))  # with decoded frames (best.py)
    for label, detect in detectors:
        start = time.perf_counter()
        groups = detect(items)
        seconds = time.perf_counter() - start
        results[label] = report(label, groups, copies, negatives)
        checks = best_copy_checks(groups, copies)
        if args.verbose:
            for g in groups:
                kind = getattr(g, "kind", "copies")
                print(f"  {label} {kind}: keep {names[g.best]!r} of", [names[v] for v in g.video_ids])
        print(f"{label}: {len(groups)} groups in {seconds:.2f} s; keep is the weak copy (of groups holding it with its "
              f"source): {keep_line(checks)}")
        if label == "after":  # the same groups, the keep picked without decoding (the stored detail only)
            by_id = {it.video_id: it for it in items}
            plain = [dataclasses.replace(g, best=best_copy([by_id[v] for v in g.video_ids]).video_id)
                     if g.kind == "copies" else g for g in groups]
            print(f"after, no frames decoded: keep is the weak copy: {keep_line(best_copy_checks(plain, copies))}")
    kernel_ratio(items)
    labels = [label for label, _ in detectors]
    print()
    print(f"{'set':<24}" + "".join(f"{lb + ' P':>14}{lb + ' R':>14}" for lb in labels) + "  target")
    for key in results["after"]:
        cells = ""
        for lb in labels:
            p, r = results[lb][key]
            if key.endswith("(to trash)"):
                cells += f"{int(p):>14}{'':>14}"
            else:
                cells += f"{p:>14.2f}{('' if r is None else f'{r:.2f}'):>14}"
        target = "R >= 0.95" if key in TARGETS else ("P = 1.00" if key in negatives else "")
        print(f"{key:<24}{cells}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
