"""``probe(path) -> MediaProbe``: what a video is, from its header and one frame."""

from __future__ import annotations

from pyrec.errors import MediaError
from pyrec.features.video import PathLike, VideoReader
from pyrec.records import MediaProbe

# When the container does not say how many frames it holds, count at most
# this many rather than decode a whole film.
MAX_COUNTED_FRAMES = 3000


def probe(path: PathLike) -> MediaProbe:
    """Duration, fps, displayed size, codec, rotation and frame count.

    Decodes the first frame, so a file whose header parses but whose video
    data is missing or garbage is rejected here, not later.
    """
    with VideoReader(path) as video:
        return probe_open(video)


def probe_open(video: VideoReader) -> MediaProbe:
    """As :func:`probe`, on a reader already open (leaves it after the first frame)."""
    fps = video.fps
    count = video.frame_count
    codec = video.fourcc
    rotation = video.rotation
    video.seek(0)
    first = video.read()
    if first is None:
        raise MediaError("no video frame could be decoded (truncated, corrupt or audio-only)", video.path)
    if fps <= 0:
        raise MediaError("the video stream reports no frame rate", video.path)
    if count <= 0:
        count = 1
        while count < MAX_COUNTED_FRAMES and video.grab():
            count += 1
    # OpenCV applies the rotation while decoding, so the decoded frame has
    # the displayed size.
    height, width = first.shape[:2]
    return MediaProbe(
        duration=count / fps,
        fps=fps,
        width=int(width),
        height=int(height),
        codec=codec,
        rotation=rotation,
        frame_count=count,
    )
