"""Open a video with OpenCV, with clear errors and a count of decoded frames.

Everything in ``pyrec.features`` that touches pixels reads through
:class:`VideoReader`, so the number of frames decoded for one file is known
(tests assert it; a long film must never be decoded end to end). Frames the
demuxer decodes internally on a seek (from the previous key frame up to the
target) are not visible to OpenCV callers and so are not counted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from pyrec.errors import MediaError

if TYPE_CHECKING:
    from pyrec.features.mediafile import MediaFile

PathLike = str | os.PathLike[str]

# A hostile or broken header can claim any frame size, and the decoder
# allocates what it claims (16000x16000 is ~1.9 GB per worker once converted
# to BGR). 8K DCI is 8192x4320; nothing a person films is larger than this.
MAX_FRAME_PIXELS = 8192 * 8192
MAX_FRAME_SIDE = 16384


def check_readable_file(path: Path) -> None:
    """Reject what is plainly not a video before OpenCV guesses at it."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MediaError("file does not exist", path) from None
    except OSError as exc:
        raise MediaError(f"cannot stat file: {exc.strerror}", path) from None
    if not path.is_file():
        raise MediaError("not a regular file", path)
    if st.st_size == 0:
        raise MediaError("empty file (0 bytes)", path)
    if not os.access(path, os.R_OK):
        raise MediaError("file is not readable (permission denied)", path)


def _open_capture(path: Path, params: list[int]) -> cv2.VideoCapture:
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        # An undecodable file name (bytes that are not UTF-8) reaches Python
        # as lone surrogates, and OpenCV crashes (NULL dereference) converting
        # them to UTF-8. Open it through a private ASCII-named symlink; FFmpeg
        # holds the file open after this, so the link can go at once.
        alias_dir = tempfile.mkdtemp(prefix="pyrec-open-")
        try:
            alias = os.path.join(alias_dir, "video" + "".join(c for c in path.suffix if c.isascii() and c.isalnum() or c == "."))
            os.symlink(os.fsencode(os.path.abspath(path)), alias)
            return cv2.VideoCapture(alias, cv2.CAP_FFMPEG, params)
        finally:
            shutil.rmtree(alias_dir, ignore_errors=True)
    return cv2.VideoCapture(name, cv2.CAP_FFMPEG, params)


class VideoReader:
    """A ``cv2.VideoCapture`` that raises MediaError and counts what it decodes."""

    def __init__(self, path: PathLike, *, decode_threads: int = 1) -> None:
        self.path = Path(path)
        check_readable_file(self.path)
        # One decoder thread per file: scan workers run in parallel already.
        params = [cv2.CAP_PROP_N_THREADS, max(1, decode_threads)]
        self._params = params
        self._cap = _open_capture(self.path, params)
        if not self._cap.isOpened():
            self._cap.release()
            raise MediaError("not a video OpenCV can open (unknown format or damaged header)", self.path)
        self._check_frame_size()
        self.frames_decoded = 0
        self.seeks = 0
        self.position = 0  # index of the frame the next read returns

    def _check_frame_size(self) -> None:
        """Refuse absurd frame sizes before the first frame is decoded."""
        width = float(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = float(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if not (np.isfinite(width) and np.isfinite(height)):
            return  # unknown: the decoder's own limits apply
        if width > MAX_FRAME_SIDE or height > MAX_FRAME_SIDE or width * height > MAX_FRAME_PIXELS:
            self._cap.release()
            raise MediaError(
                f"frame size {int(width)}x{int(height)} is too large to decode safely "
                f"(limit {MAX_FRAME_PIXELS} pixels, {MAX_FRAME_SIDE} per side)",
                self.path,
            )

    # -- properties the container reports (may be 0 when unknown)
    @property
    def fps(self) -> float:
        value = float(self._cap.get(cv2.CAP_PROP_FPS))
        return value if np.isfinite(value) and value > 0 else 0.0

    @property
    def frame_count(self) -> int:
        value = float(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        return int(value) if np.isfinite(value) and value > 0 else 0

    @property
    def fourcc(self) -> str:
        code = int(self._cap.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF
        text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
        return text.strip("\x00 ") if text.isprintable() else f"0x{code:08x}"

    @property
    def rotation(self) -> int:
        """Degrees clockwise a player must turn the picture (0 if unknown).

        OpenCV reports the display matrix's angle counter-clockwise (FFmpeg's
        convention); a file tagged ``rotate=90`` must read 90 here."""
        prop = getattr(cv2, "CAP_PROP_ORIENTATION_META", None)
        if prop is None:
            return 0
        value = float(self._cap.get(prop))
        return (-round(value)) % 360 if np.isfinite(value) else 0

    # -- decoding
    def seek(self, index: int, *, earliest: int | None = None) -> None:
        """To exactly frame ``index`` (``earliest`` is for KeyframeSeeker's sake)."""
        if index == self.position:
            return
        if index == 0:
            # Back to the start by reopening: OpenCV's seek to frame 0 after the
            # last frame was read decodes nothing on very short files (a
            # one-frame clip would look unreadable).
            self._cap.release()
            self._cap = _open_capture(self.path, self._params)
        else:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, float(index))
        self.seeks += 1
        self.position = index

    def grab(self) -> bool:
        """Decode one frame without converting it (cheaper than read)."""
        ok = bool(self._cap.grab())
        if ok:
            self.frames_decoded += 1
            self.position += 1
        return ok

    def retrieve(self) -> np.ndarray | None:
        ok, frame = self._cap.retrieve()
        return frame if ok and frame is not None and frame.size else None

    def read(self) -> np.ndarray | None:
        return self.retrieve() if self.grab() else None

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


SHORT_SIDE = 256  # what the 224 px vision models crop from; still a decent thumbnail
MAX_SIDE = 512


def downscale_size(height: int, width: int, short_side: int = SHORT_SIDE, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """(height, width) after :func:`downscale`."""
    scale = min(short_side / min(height, width), max_side / max(height, width), 1.0)
    if scale >= 1.0:
        return height, width
    return max(1, round(height * scale)), max(1, round(width * scale))


def downscale(frame: np.ndarray, short_side: int = SHORT_SIDE, max_side: int = MAX_SIDE) -> np.ndarray:
    """Shrink so the short side is ``short_side`` (long side at most ``max_side``); never enlarge."""
    h, w = downscale_size(frame.shape[0], frame.shape[1], short_side, max_side)
    if (h, w) == frame.shape[:2]:
        return frame
    size = (w, h)
    # INTER_AREA at a fractional ratio costs ~10x more than this: halve with a
    # Gaussian pyramid (anti-aliased) while more than 2x too big, then bilinear.
    while frame.shape[1] >= 2 * size[0] and frame.shape[0] >= 2 * size[1]:
        frame = cv2.pyrDown(frame)
    return cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR)


# As OpenCV turns a frame tagged "rotate=90" (checked in test_keyframes.py against OpenCV's own frames).
ROTATE = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}


def small_bgr(frame: Any, rotate: int | None = None) -> np.ndarray:
    """A PyAV frame as the BGR picture the keyframe picker keeps (see
    :func:`downscale`), turned by the cv2 ``rotate`` code. swscale shrinks and
    converts in one step, so a 1080p frame is never made BGR at full size."""
    h, w = downscale_size(frame.height, frame.width)
    if (h, w) != (frame.height, frame.width):
        frame = frame.reformat(width=w, height=h, format="bgr24", interpolation="AREA")
    image: np.ndarray = frame.to_ndarray(format="bgr24")
    return cv2.rotate(image, rotate) if rotate is not None else image


class KeyframeSeeker:
    """Reads frames with PyAV and seeks *to key frames*: ``seek(i)`` lands on
    the key frame at or before frame ``i`` (or, with ``earliest``, decodes on
    from there to that frame), so a seek costs one decoded frame instead of
    the whole GOP OpenCV decodes to reach an exact frame (~0.7 s per seek in
    a 720p H.264 file with 10 s GOPs). The keyframe picker only needs frames
    *near* its sample points. Same reading interface as VideoReader;
    frames come out BGR, turned by ``rotation`` as OpenCV turns them."""

    def __init__(self, path: PathLike, fps: float, *, rotation: int = 0, decode_threads: int = 1,
                 media: MediaFile | None = None) -> None:
        import av  # the media layer; only this reader needs it here

        from pyrec.features.mediafile import MediaFile

        self.path = Path(path)
        # On the scan's shared open (``media``) the seeker only seeks in it; else it opens its own.
        self._own = media is None
        self._media = media if media is not None else MediaFile(path, threads=decode_threads)
        self._container = self._media.container
        try:
            self._stream = self._media.video
        except MediaError:
            self.close()
            raise
        self._stream.codec_context.skip_frame = "DEFAULT"  # every frame: a window's frames are 0.1 s apart
        self._error = av.FFmpegError
        self._fps = fps
        self._rotate = ROTATE.get(rotation % 360)
        if not self._own:  # other stages have read the shared open: start from the start
            try:
                self._container.seek(0, stream=self._stream, backward=True)
            except self._error:
                pass
        self._frames = self._media.decode_video()
        self._pending: np.ndarray | None = None  # decoded by seek, handed out by the next read
        self.frames_decoded = 0
        self.seeks = 0
        self.position = 0

    def _next(self) -> tuple[int, Any] | None:
        try:
            frame = next(self._frames)
        except (StopIteration, self._error):
            return None
        self.frames_decoded += 1
        index = round(frame.time * self._fps) if frame.time is not None else self.position
        return index, frame

    def _image(self, frame: Any) -> np.ndarray:
        return small_bgr(frame, self._rotate)

    def seek(self, index: int, *, earliest: int | None = None) -> None:
        self.seeks += 1
        self._pending = None
        base = self._stream.time_base
        try:
            self._container.seek(int(index / self._fps / base) if base else 0, stream=self._stream, backward=True)
        except self._error:
            self.position = index
            return
        self._frames = self._media.decode_video()
        got = self._next()
        while got is not None and earliest is not None and got[0] < earliest:
            got = self._next()
        if got is None:
            self.position = index
            return
        self.position = got[0]
        self._pending = self._image(got[1])

    def grab(self) -> bool:
        if self._pending is not None:
            self._pending = None
            self.position += 1
            return True
        got = self._next()
        if got is None:
            return False
        self.position = got[0] + 1
        return True

    def read(self) -> np.ndarray | None:
        if self._pending is not None:
            image, self._pending = self._pending, None
            self.position += 1
            return image
        got = self._next()
        if got is None:
            return None
        self.position = got[0] + 1
        return self._image(got[1])

    def close(self) -> None:
        if self._own:
            self._media.close()

    def __enter__(self) -> KeyframeSeeker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
