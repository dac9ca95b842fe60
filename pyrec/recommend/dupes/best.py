"""The copy to keep: the one a person would keep after looking closely.

In order: an intact copy beats a damaged one (it plays to the end); a
complete copy beats a trimmed one; then the most real detail (pixels, but
an upscale counts as the smaller copy it was made from: its top octave
holds next to nothing); then HDR over SDR and more bits per sample (10-bit
over 8-bit: what a grade keeps); then a copy that is not an upscale; then
bits per pixel weighted by how efficient the codec is; then size."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pyrec.recommend.dupes.items import DupeItem

COMPLETE_SLACK = 0.03  # a copy within 3% (and 1 s) of the longest is complete
UPSCALE_DETAIL = 0.5  # top-octave share below half a smaller copy's: an upscale
# Bits a codec needs for the same picture, relative to H.264 (rough, well known ratios).
_CODEC_EFFICIENCY = {"av1": 2.0, "av01": 2.0, "hevc": 1.6, "h265": 1.6, "hvc1": 1.6, "hev1": 1.6, "vp9": 1.5,
                     "vp09": 1.5, "h264": 1.0, "avc1": 1.0, "vp8": 0.8, "mpeg4": 0.6, "mp4v": 0.6, "xvid": 0.6,
                     "divx": 0.6, "mpeg2video": 0.4, "mjpeg": 0.25}


def codec_efficiency(codec: str) -> float:
    return _CODEC_EFFICIENCY.get(codec.lower().strip(), 1.0)


def is_upscale(item: DupeItem, group: Sequence[DupeItem]) -> bool:
    """More pixels than another copy, but not more detail: its top octave is
    near empty where the smaller copy's is not."""
    if item.detail is None:
        return False
    return any(o.pixels < item.pixels and o.detail is not None and item.detail < UPSCALE_DETAIL * o.detail
               for o in group)


def effective_pixels(item: DupeItem, group: Sequence[DupeItem]) -> int:
    """Pixels, or for an upscale those of the largest smaller copy it does not beat."""
    if not is_upscale(item, group):
        return item.pixels
    return max(o.pixels for o in group if o.pixels < item.pixels)


def bits_per_pixel(item: DupeItem) -> float:
    rate = item.pixels * (item.fps or 25.0)
    return item.bitrate * codec_efficiency(item.codec) / rate if rate > 0 else 0.0


def best_copy(group: Sequence[DupeItem]) -> DupeItem:
    longest = max(it.duration for it in group)
    slack = max(1.0, COMPLETE_SLACK * longest)

    def key(it: DupeItem) -> tuple[bool, bool, float, bool, int, bool, float, int]:
        pixels = effective_pixels(it, group)
        return (not it.damaged, it.duration >= longest - slack,
                round(2 * math.log2(pixels)) if pixels > 0 else -1.0,  # half-octave steps: 1080 vs 1072 rows tie
                it.hdr, it.bit_depth, not is_upscale(it, group), bits_per_pixel(it), it.size)

    return max(group, key=key)  # max keeps the first of equals (items come in id order)
