"""On-screen text (headlines, captions, signs, credits) as moments: a deep-pass
stage (:class:`pyrec.features.deep.DeepStage`) named "screen_text".

OCR costs ~0.5-1 s per frame on one core, so it never sees most frames:

1. frames every ``step`` seconds at 640 px wide (PyAV; intra frames only
   for long or large films, see ``FULL_DECODE_PIXELS``);
2. a cheap detector (:func:`text_boxes`, ~1 ms: morphological gradient,
   horizontal closing, line-shaped boxes dense in strokes) says which
   frames show text at all;
3. consecutive frames whose text area looks the same are one segment; only
   one frame per segment is read (RapidOCR, PP-OCR ONNX models shipped in
   its wheel), longest segments first while the time budget lasts;
4. segments that read the same are merged: one moment with start and end.

RapidOCR is the ``pyrec[ocr]`` extra (see ``unavailable``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from pyrec.errors import ModelError
from pyrec.features.stream import low_res_frames
from pyrec.models.registry import extra_entry, verify_file
from pyrec.records import Moment

PathLike = str | os.PathLike[str]
Box = tuple[int, int, int, int]  # x, y, w, h in detector pixels

STEP = 1.0  # seconds between looked-at frames
WIDTH = 640  # px: what OCR reads (PP-OCR reads 20 px text at this size)
DETECT_WIDTH = 320  # px: what the detector looks at
# Films with more pixels to decode than ~10 minutes of 720p25 are read at their
# intra frames only (10-min 720p: 23 s at 1 fps; 10-min 1080p took 99 s;
# a 2-hour film's intra frames: 9 s; benchmarks/bench_media.py).
FULL_DECODE_PIXELS = 10 * 60 * 25 * 1280 * 720
SAME_TEXT = 0.06  # mean abs change (0..1) of the text area below which the text has not changed
MIN_SCORE = 0.6  # OCR confidence a line needs
MAX_SEGMENTS = 400  # frames kept in memory for reading, at most

OcrFn = Callable[[np.ndarray], list[tuple[str, float]]]


# --------------------------------------------------------------------------- detector

def text_boxes(bgr: np.ndarray) -> list[Box]:
    """Line-shaped, stroke-dense regions of ``bgr`` (coordinates at DETECT_WIDTH)."""
    h, w = bgr.shape[:2]
    scale = DETECT_WIDTH / w
    small = cv2.resize(bgr, (DETECT_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    grad = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    strokes = (grad >= 60).astype(np.uint8)  # letters on their background: a sharp, strong edge
    lines = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    boxes: list[Box] = []
    for x, y, bw, bh, _area in stats[1:count]:
        if not (5 <= bh <= 40 and bw >= 40 and bw >= 2.5 * bh):  # a word or more
            continue
        patch = strokes[y:y + bh, x:x + bw]
        fill = float(patch.mean())
        # letters: many ink/no-ink changes along each row (an arc or a bar edge has two)
        transitions = float(np.abs(np.diff(patch.astype(np.int8), axis=1)).sum()) / bh / bw
        if not (0.3 <= fill <= 0.9 and transitions >= 0.08):  # speckled texture fills ~0.2
            continue
        # Screen text sits on a calmer ground (a bar, a sky, a plain wall);
        # a patch of busy texture is as busy around it as inside.
        y0, y1 = max(0, y - bh), min(strokes.shape[0], y + 2 * bh)
        x0, x1 = max(0, x - bh), min(strokes.shape[1], x + bw + bh)
        ring_area = (y1 - y0) * (x1 - x0) - bw * bh
        ring = (float(strokes[y0:y1, x0:x1].sum()) - float(patch.sum())) / max(1, ring_area)
        if fill >= 2.0 * ring:
            boxes.append((int(x), int(y), int(bw), int(bh)))
    return boxes


@dataclass
class _Segment:
    start: float
    end: float
    frame: np.ndarray  # the first frame, WIDTH px wide, to be read
    area: np.ndarray  # tiny grey of the text area, to tell whether the text changed
    boxes: list[Box]
    lines: list[str] = field(default_factory=list)


def _text_area(bgr: np.ndarray, boxes: Sequence[Box]) -> np.ndarray:
    """A 96×48 grey image of what is inside the boxes (black elsewhere)."""
    scale = bgr.shape[1] / DETECT_WIDTH
    mask = np.zeros(bgr.shape[:2], np.uint8)
    for x, y, w, h in boxes:
        cv2.rectangle(mask, (int(x * scale), int(y * scale)), (int((x + w) * scale), int((y + h) * scale)), 255, -1)
    grey = cv2.bitwise_and(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), mask)
    return cv2.resize(grey, (96, 48), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


# --------------------------------------------------------------------------- OCR

OCR_MODELS = "rapidocr-pp-ocrv6"  # the model manifest's "extras" entry


def ocr_model_files() -> dict[str, Path]:
    """The det/rec ONNX files inside the installed rapidocr wheel, each checked
    against the sha256 in pyrec's model manifest (a different wheel, a
    swapped or truncated file: ModelError, never a silent download)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("rapidocr is not installed: pip install 'pyrec[ocr]'")
    site = Path(next(iter(spec.submodule_search_locations))).parent
    entry = extra_entry(OCR_MODELS)
    out: dict[str, Path] = {}
    for name, info in entry["files"].items():
        path = site / name
        verify_file(path, info["sha256"])
        out["det" if "_det_" in name else "rec"] = path
    return out


def rapidocr_reader(threads: int = 1) -> OcrFn:
    """RapidOCR with the PP-OCR models of its wheel (verified, passed by path
    so it has nothing to fetch), set up for video frames: detector input at
    most 640 px (its default scales *up* to 736 px on the short side, 4x the
    work), no angle classifier (screen text is upright)."""
    from rapidocr import RapidOCR  # the pyrec[ocr] extra

    models = ocr_model_files()
    engine = RapidOCR(params={
        "Det.model_path": str(models["det"]), "Rec.model_path": str(models["rec"]),
        "Global.log_level": "critical", "Global.use_cls": False,
        "Det.limit_type": "max", "Det.limit_side_len": WIDTH,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })

    def read(bgr: np.ndarray) -> list[tuple[str, float]]:
        result: Any = engine(bgr)
        texts = result.txts or ()
        scores = result.scores or ()
        return [(str(t), float(s)) for t, s in zip(texts, scores, strict=False)]

    return read


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _key(lines: Sequence[str]) -> str:
    return " ".join(sorted(re.sub(r"[^0-9a-z]+", "", line.lower()) for line in lines))


# --------------------------------------------------------------------------- the stage

class ScreenTextStage:
    """Deep-pass stage "screen_text": what is written on screen, and when."""

    name = "screen_text"
    version = 1

    def __init__(self, *, step: float = STEP, reader: OcrFn | None = None, threads: int = 1) -> None:
        self.step = step
        self._reader = reader
        self._threads = threads
        self.frames_seen = 0  # frames the detector looked at (last run)
        self.frames_read = 0  # frames OCR read (last run)

    def unavailable(self) -> str | None:
        if self._reader is None and importlib.util.find_spec("rapidocr") is None:
            return "on-screen text needs the OCR extra: pip install 'pyrec[ocr]'"
        return None

    def _read(self, bgr: np.ndarray) -> list[tuple[str, float]]:
        if self._reader is None:
            self._reader = rapidocr_reader(self._threads)
        return self._reader(bgr)

    def segments(self, path: PathLike, duration: float) -> list[_Segment]:
        """Stretches of time that show the same text (not yet read)."""
        long_film = duration * _pixel_rate(path) > FULL_DECODE_PIXELS
        out: list[_Segment] = []
        current: _Segment | None = None
        self.frames_seen = 0
        for t, frame in low_res_frames(path, step=self.step, width=WIDTH, keyframes_only=long_film):
            self.frames_seen += 1
            boxes = text_boxes(frame)
            if not boxes:
                current = None
                continue
            area = _text_area(frame, boxes)
            if current is not None and float(np.abs(area - current.area).mean()) < SAME_TEXT:
                current.end = t + self.step
                continue
            current = _Segment(t, t + self.step, frame, area, boxes)
            out.append(current)
            if len(out) > MAX_SEGMENTS:  # a very busy film: keep the longest
                out.sort(key=lambda s: s.end - s.start, reverse=True)
                out = sorted(out[:MAX_SEGMENTS // 2], key=lambda s: s.start)
        return out

    def run(self, path: PathLike, *, duration: float, budget_seconds: float) -> list[Moment]:
        began = time.perf_counter()
        found = self.segments(path, duration)
        self.frames_read = 0
        # Longest first: a headline shown for a minute matters more than a flash.
        for seg in sorted(found, key=lambda s: s.end - s.start, reverse=True):
            if self.frames_read and time.perf_counter() - began > budget_seconds:
                break
            self.frames_read += 1
            seg.lines = [_clean(text) for text, score in self._read(seg.frame)
                         if score >= MIN_SCORE and len(_clean(text)) >= 2]
        return merge_moments([s for s in found if s.lines])


def _pixel_rate(path: PathLike) -> float:
    """Decoded pixels per second of video (0 when unknown: then read it all)."""
    import av

    try:
        with av.open(os.fspath(path)) as container:
            stream = container.streams.video[0]
            ctx = stream.codec_context
            return float(stream.average_rate or 0) * (ctx.width or 0) * (ctx.height or 0)
    except (av.FFmpegError, OSError, IndexError):
        return 0.0  # low_res_frames then says what is wrong, naming the file


def merge_moments(segments: Sequence[_Segment], gap: float = 2 * STEP) -> list[Moment]:
    """One moment per stretch that reads the same (neighbours within ``gap``)."""
    moments: list[Moment] = []
    last_key = ""
    for seg in sorted(segments, key=lambda s: s.start):
        key = _key(seg.lines)
        text = " · ".join(seg.lines)
        if moments and key == last_key and seg.start - moments[-1].end <= gap:
            prev = moments[-1]
            moments[-1] = Moment(prev.start, max(prev.end, seg.end), prev.kind, prev.text)
            continue
        moments.append(Moment(round(seg.start, 3), round(seg.end, 3), "screen_text", text))
        last_key = key
    return moments
