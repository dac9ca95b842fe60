"""The copy to keep: the one a person would keep after looking closely.

In order: an intact copy beats a damaged one (it plays to the end); a
complete copy beats a trimmed one (complete: its content, less any intro or
outro added to another copy, covers the longest's; see completeness.py);
then the most real detail (pixels, but an upscale counts as the smaller
copy it was made from); then HDR over SDR and more bits per sample (10-bit
over 8-bit: what a grade keeps); then a copy that is not an upscale; then
one without added material (an intro, a title card); then bits per pixel
weighted by how efficient the codec is; then size.

Upscales: with a `FineDetail` (decoded frames of both copies compared at
the smaller one's size: pyrec.features.finedetail.detail_beyond, given by
the caller since decoding is not the recommender's to do) a larger copy is
an upscale unless it holds clearly more detail above the smaller's band
than an upscale of the smaller would. Without one (or when its frames
cannot be read), the stored per-video top-octave share decides, which
catches 2x upscales but not 1.5x ones."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from pyrec.recommend.dupes.align import align
from pyrec.recommend.dupes.completeness import added_seconds
from pyrec.recommend.dupes.items import DupeItem

COMPLETE_SLACK = 0.03  # a copy within 3% (and 1 s) of the longest is complete
UPSCALE_DETAIL = 0.5  # top-octave share below half a smaller copy's: an upscale (stored-detail fallback)
# detail_beyond at or above this: real detail. Measured on generated copies of
# real clips: 1.5x and 2x bicubic/lanczos upscales (crf 18-20) 1.10-1.32,
# honest larger copies 1.51 (a soft 432p street clip vs its 288p) to 2.0.
REAL_DETAIL = 1.42
MIN_SCALE = 1.15  # width ratio below which frames are not compared (no band between the sizes to measure)
DETAIL_AT = (0.2, 0.4, 0.6, 0.8)  # where in the overlap the frames are compared
# (larger, smaller, aligned (larger's second, smaller's second) pairs) -> detail beyond, or None
FineDetail = Callable[[DupeItem, DupeItem, list[tuple[float, float]]], float | None]
# Bits a codec needs for the same picture, relative to H.264 (rough, well known ratios).
_CODEC_EFFICIENCY = {"av1": 2.0, "av01": 2.0, "hevc": 1.6, "h265": 1.6, "hvc1": 1.6, "hev1": 1.6, "vp9": 1.5,
                     "vp09": 1.5, "h264": 1.0, "avc1": 1.0, "vp8": 0.8, "mpeg4": 0.6, "mp4v": 0.6, "xvid": 0.6,
                     "divx": 0.6, "mpeg2video": 0.4, "mjpeg": 0.25}


def codec_efficiency(codec: str) -> float:
    return _CODEC_EFFICIENCY.get(codec.lower().strip(), 1.0)


def aligned_times(larger: DupeItem, smaller: DupeItem) -> list[tuple[float, float]]:
    """A few (larger's second, smaller's second) pairs showing the same
    picture, spread over the overlap (the frame grids align them; copies
    without grids are taken as starting together)."""
    found = align(larger, smaller)  # smaller's time = larger's time + offset
    offset = found.offset if found is not None else 0.0
    start, end = max(0.0, -offset), min(larger.duration, smaller.duration - offset)
    if end <= start:
        return []
    return [(start + f * (end - start), start + f * (end - start) + offset) for f in DETAIL_AT]


def _stored_upscale(item: DupeItem, smaller: DupeItem) -> bool:
    return item.detail is not None and smaller.detail is not None and item.detail < UPSCALE_DETAIL * smaller.detail


def _upscale_of(item: DupeItem, smaller: DupeItem, fine: FineDetail | None) -> bool:
    """Is item (more pixels) no more detailed than smaller?"""
    if fine is not None and item.width >= MIN_SCALE * smaller.width and item.height > smaller.height:
        times = aligned_times(item, smaller)
        beyond = fine(item, smaller, times) if times else None
        if beyond is not None:
            return beyond < REAL_DETAIL
    return _stored_upscale(item, smaller)


def not_beaten(item: DupeItem, group: Sequence[DupeItem], fine: FineDetail | None = None) -> list[DupeItem]:
    """The smaller copies that item is an upscale of (none: it is not one)."""
    return [o for o in group if o.pixels < item.pixels and _upscale_of(item, o, fine)]


def is_upscale(item: DupeItem, group: Sequence[DupeItem], fine: FineDetail | None = None) -> bool:
    """More pixels than another copy, but not more detail."""
    return bool(not_beaten(item, group, fine))


def effective_pixels(item: DupeItem, group: Sequence[DupeItem], fine: FineDetail | None = None) -> int:
    """Pixels, or for an upscale those of the smallest copy it does not beat
    (a 2x upscale does not beat the 1.5x one either: it is worth the source)."""
    beaten_by = not_beaten(item, group, fine)
    return min(o.pixels for o in beaten_by) if beaten_by else item.pixels


def bits_per_pixel(item: DupeItem) -> float:
    rate = item.pixels * (item.fps or 25.0)
    return item.bitrate * codec_efficiency(item.codec) / rate if rate > 0 else 0.0


def best_copy(group: Sequence[DupeItem], fine: FineDetail | None = None) -> DupeItem:
    """The copy to keep (see :func:`choose_best`)."""
    return choose_best(group, fine)[0]


Key = tuple[bool, bool, float, bool, int, bool, bool, float, int]


def choose_best(group: Sequence[DupeItem], fine: FineDetail | None = None) -> tuple[DupeItem, str]:
    """The copy to keep and why, in words: what sets it apart from the copy
    closest to it ("the 1280x720 copy is an upscale (no finer detail)").
    `fine` compares decoded frames of two copies of different sizes (see
    the module doc); it is asked only about the copies that could still win
    (being an upscale only lowers a copy's rank, so copies are checked from
    the best rank down until the next could not beat the best found): a few
    pairs per group, not all."""
    slack = max(1.0, COMPLETE_SLACK * max(it.duration for it in group))
    added = {it.video_id: added_seconds(it, group, slack) for it in group}
    content = {it.video_id: it.duration - added[it.video_id] for it in group}
    longest = max(content.values())

    def key(it: DupeItem, beaten_by: list[DupeItem]) -> Key:
        pixels = min(o.pixels for o in beaten_by) if beaten_by else it.pixels
        return (not it.damaged, content[it.video_id] >= longest - slack,
                round(2 * math.log2(pixels)) if pixels > 0 else -1.0,  # half-octave steps: 1080 vs 1072 rows tie
                it.hdr, it.bit_depth, not beaten_by, added[it.video_id] <= 0.0, bits_per_pixel(it), it.size)

    # ranks as if no copy were an upscale (an upper bound); among equals the first (items come in id order)
    hopeful = sorted(((key(it, []), -n, it) for n, it in enumerate(group)), key=lambda t: t[:2], reverse=True)
    ranked: list[tuple[Key, int, DupeItem]] = []  # keys as judged (upscales found), or the bound when not asked
    best: tuple[Key, int, DupeItem] | None = None
    for bound, order, it in hopeful:
        if best is not None and (bound, order) < best[:2]:
            ranked.append((bound, order, it))
            continue
        found = (key(it, not_beaten(it, group, fine)), order, it)
        ranked.append(found)
        if best is None or found[:2] > best[:2]:
            best = found
    assert best is not None
    rivals = [r for r in ranked if r[2] is not best[2]]
    if not rivals:
        return best[2], ""
    runner_up = max(rivals, key=lambda r: r[:2])
    return best[2], _why(best[2], best[0], runner_up[2], runner_up[0], len(group))


# What each place of the key (choose_best) says when it is the first to differ.
_WHY = ("{others} {are} damaged (cut off before the end)", "{others} {are} trimmed",
        "the most picture detail ({width}x{height})", "HDR", "{bits}-bit colour",
        "the {size} copy is an upscale (no finer detail)", "the {size} copy has an added intro",
        "the best picture for its size (bitrate for its codec)", "the largest file")


def _why(best: DupeItem, best_key: Key, other: DupeItem, other_key: Key, copies: int) -> str:
    """What first sets the kept copy apart from its closest rival, as the key orders it."""
    differs = next((i for i, (a, b) in enumerate(zip(best_key, other_key, strict=True)) if a != b), None)
    if differs is None:
        return "the others are alike; the first one found" if copies > 2 else "the two are alike; the first one found"
    return _WHY[differs].format(others="the other copy" if copies == 2 else "the others",
                                are="is" if copies == 2 else "are", width=best.width, height=best.height,
                                bits=best.bit_depth, size=f"{other.width}x{other.height}")
