"""Open a video with OpenCV, with clear errors and a count of decoded frames.

Everything in ``pyrec.features`` that touches pixels reads through
:class:`VideoReader`, so the number of frames decoded for one file is known
(tests assert it; a long film must never be decoded end to end). Frames the
demuxer decodes internally on a seek (from the previous key frame up to the
target) are not visible to OpenCV callers and so are not counted.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from pyrec.errors import MediaError

PathLike = str | os.PathLike[str]


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


class VideoReader:
    """A ``cv2.VideoCapture`` that raises MediaError and counts what it decodes."""

    def __init__(self, path: PathLike, *, decode_threads: int = 1) -> None:
        self.path = Path(path)
        check_readable_file(self.path)
        # One decoder thread per file: scan workers run in parallel already.
        params = [cv2.CAP_PROP_N_THREADS, max(1, decode_threads)]
        self._cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG, params)
        if not self._cap.isOpened():
            self._cap.release()
            raise MediaError("not a video OpenCV can open (unknown format or damaged header)", self.path)
        self.frames_decoded = 0
        self.seeks = 0
        self.position = 0  # index of the frame the next read returns

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
        """Degrees clockwise from the container's display matrix (0 if unknown)."""
        prop = getattr(cv2, "CAP_PROP_ORIENTATION_META", None)
        if prop is None:
            return 0
        value = float(self._cap.get(prop))
        return round(value) % 360 if np.isfinite(value) else 0

    # -- decoding
    def seek(self, index: int) -> None:
        if index == self.position:
            return
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
