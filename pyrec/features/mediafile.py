"""One open per file: the PyAV container every fast-pass stage reads from.

Opening a file costs a header parse and FFmpeg's stream probe (tens of ms,
and a disk seek or a network round trip on a NAS); worse, each open starts
its decoder cold. So the scan opens a file once with PyAV and hands the
open file to each stage in turn (tags and subtitles, the playable end, the
sound windows, the keyframe windows, the shot-cut stretches, the frame
grids and the audio print); each stage seeks where it needs to. OpenCV
opens it once more for the probe (its frame count and rotation are what the
rest of pyrec was built on) and is the fallback when PyAV cannot open it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pyrec.errors import MediaError

if TYPE_CHECKING:
    import av.container

PathLike = str | os.PathLike[str]


class MediaFile:
    """An open PyAV container shared by the stages that read one file.

    Stages must not close it; each sets the video decoder's ``skip_frame``
    it wants (the decoder's threads are fixed at the first decode, so they
    are set here, once)."""

    def __init__(self, path: PathLike, *, threads: int = 1, rough: bool = False) -> None:
        """``rough``: skip the deblocking filter (~15 % faster H.264/HEVC
        decoding, blockier pictures): for readers that compare tiny
        thumbnails (shot cuts), never for keyframes people see."""
        from pyrec.features.container import open_container

        self.path = os.fspath(path)
        self.container: av.container.InputContainer = open_container(path)
        self.threads = max(1, threads)
        self.frames_decoded = 0  # video frames, by every stage (tests assert a film is never decoded whole)
        if self.container.streams.video:
            ctx = self.video.codec_context
            ctx.thread_count = self.threads  # PyAV's default thread type: slices (frame threads can deadlock on seeks)
            if rough:
                ctx.options = {**ctx.options, "skip_loop_filter": "all"}

    @property
    def video(self) -> Any:
        """The first video stream; MediaError when there is none."""
        if not self.container.streams.video:
            raise MediaError("no video stream", self.path)
        return self.container.streams.video[0]

    def decode_video(self) -> Iterator[Any]:
        """The video frames from where the container was sought to, counted."""
        for frame in self.container.decode(self.video):
            self.frames_decoded += 1
            yield frame

    def close(self) -> None:
        self.container.close()

    def __enter__(self) -> MediaFile:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_media(path: PathLike, *, threads: int = 1) -> MediaFile | None:
    """The shared open, or None when FFmpeg (through PyAV) cannot read the
    container: then each stage falls back to its own reader, as before."""
    try:
        return MediaFile(path, threads=threads)
    except MediaError:
        return None
