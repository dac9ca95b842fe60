"""One open per file: a scan's per-file work (tags and subtitles, playable
end, sound windows, keyframes, shot cuts, frame grids, audio print) runs
from one PyAV open plus OpenCV's probe, and a long film is still never
decoded end to end in the fast pass (its frames are counted on the shared open)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import av
import cv2
import pytest

from pyrec.features import extract
from pyrec.features.mediafile import MediaFile
from pyrec.records import FileStat, VideoRecord
from pyrec.scan.indexer import IndexOptions, index_file

from .conftest import write_video

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool")


OPENCV_DECODED = Counter[str]()


class CountingCapture:
    """The real cv2.VideoCapture, counting the frames decoded through it."""

    real = cv2.VideoCapture

    def __init__(self, *args: Any) -> None:
        self._cap = CountingCapture.real(*args)

    def grab(self) -> bool:
        ok = bool(self._cap.grab())
        OPENCV_DECODED["frames"] += ok
        return ok

    def read(self) -> tuple[bool, Any]:
        ok, frame = self._cap.read()
        OPENCV_DECODED["frames"] += bool(ok)
        return ok, frame

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cap, name)


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every PyAV and OpenCV open of a file (the real ones are called),
    and (under "opencv frames") the frames OpenCV decodes."""
    counts: Counter[str] = Counter()
    real_open = av.open

    def av_open(*args: Any, **kwargs: Any) -> Any:
        counts["pyav"] += 1
        return real_open(*args, **kwargs)

    def capture(*args: Any) -> CountingCapture:
        counts["opencv"] += 1
        return CountingCapture(*args)

    OPENCV_DECODED.clear()
    monkeypatch.setattr(av, "open", av_open)
    monkeypatch.setattr(cv2, "VideoCapture", capture)
    return counts


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[MediaFile]:
    """The scan's shared opens (real ones), kept to read their decoded-frame counts."""
    kept: list[MediaFile] = []
    real = extract.open_media

    def keep(path: Any, **kwargs: Any) -> MediaFile | None:
        media = real(path, **kwargs)
        if media is not None:
            kept.append(media)
        return media

    monkeypatch.setattr(extract, "open_media", keep)
    return kept


def _index(path: Path) -> VideoRecord:
    st = path.stat()
    record = index_file(FileStat(str(path), st.st_size, st.st_mtime_ns),
                        IndexOptions(roots=(str(path.parent),), thumbnail_dir=None, embed_text=False))
    assert isinstance(record, VideoRecord), record
    return record


@needs_ffmpeg
def test_a_short_file_with_sound_is_opened_and_decoded_once(tmp_path: Path, opens: Counter[str],
                                                            shared: list[MediaFile]) -> None:
    """Grids, audio print, sound shares, cuts and keyframes: all from one PyAV
    open, and its frames decoded once (OpenCV decodes the probe's first frame only)."""
    silent = write_video(tmp_path / "silent.mp4", seconds=12.0, scene_seconds=4.0)
    path = tmp_path / "clip.mkv"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(silent), "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=12", "-c:v", "copy", "-c:a", "aac", "-shortest", str(path)],
                   check=True)
    opens.clear()
    record = _index(path)
    assert record.frame_grids is not None and record.frame_grids.audio is not None  # grids + audio print
    assert "cuts_per_minute" in record.stats and "scenes" in record.stats
    assert record.stats["scenes"] >= 3  # a new scene every 4 s
    assert dict(opens) == {"pyav": 1, "opencv": 1}, dict(opens)
    frames = 12 * 25
    print(f"\nframes decoded: {shared[0].frames_decoded} by PyAV, {OPENCV_DECODED['frames']} by OpenCV, of {frames}")
    assert OPENCV_DECODED["frames"] == 1
    assert len(shared) == 1 and frames <= shared[0].frames_decoded <= frames + 2


@needs_ffmpeg
def test_a_long_film_is_opened_once_and_never_decoded_whole(tmp_path: Path, opens: Counter[str],
                                                            shared: list[MediaFile]) -> None:
    """A 5-minute 720p film with 10 s GOPs: keyframe windows and sampled cut
    stretches by seeking in the one open; no grids (too long to decode whole)."""
    path = tmp_path / "film.mkv"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=300",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-pix_fmt", "yuv420p", str(path)],
                   check=True)
    opens.clear()
    record = _index(path)
    assert dict(opens) == {"pyav": 1, "opencv": 1}, dict(opens)
    assert record.frame_grids is None and len(record.keyframes) >= 1
    total = 300 * 25
    assert len(shared) == 1
    print(f"\nframes decoded on the shared open: {shared[0].frames_decoded} of {total}")
    assert shared[0].frames_decoded < total * 0.2


def test_without_the_shared_open_each_stage_opens_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When PyAV cannot open a file for the scan (None), the stages fall back
    to their own readers, as before: the file still indexes."""
    path = write_video(tmp_path / "clip.mp4", seconds=4.0)
    monkeypatch.setattr(extract, "open_media", lambda path, **kwargs: None)
    features, media, grids = extract.scan_media(path, encoders=())
    assert features.keyframes and grids is not None and media is None
    assert "scenes" in features.stats
