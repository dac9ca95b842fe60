"""On-screen text as deep-pass moments, with the real RapidOCR models: a
generated news clip whose "FLOOD WARNING" headline appears at 10 s, a clip
without text that OCRs no frame at all, and no network use while reading."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from pyrec.errors import MediaError
from pyrec.features.deep import DeepStage
from pyrec.features.onscreen import STEP, ScreenTextStage, rapidocr_reader, text_boxes

pytest.importorskip("rapidocr", reason="the pyrec[ocr] extra is not installed")

FPS = 25
SIZE = (640, 360)


def studio(i: int) -> np.ndarray:
    """A news studio without writing: a gradient wall, a desk, a presenter-ish blob that sways."""
    w, h = SIZE
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = (np.array([120, 60, 30], np.float32) * (0.6 + 0.4 * y)).repeat(w, axis=1).astype(np.uint8)
    cv2.rectangle(img, (0, 250), (w, h), (60, 60, 70), -1)
    x = 320 + int(20 * np.sin(i / 15))
    cv2.ellipse(img, (x, 200), (60, 90), 0, 0, 360, (90, 120, 170), -1)
    cv2.circle(img, (x, 95), 35, (120, 150, 200), -1)
    return img


def write_news(path: Path, seconds: int = 20, headline_from: float = 10.0) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    assert writer.isOpened()
    for i in range(seconds * FPS):
        frame = studio(i)
        if i / FPS >= headline_from:
            cv2.rectangle(frame, (0, 285), (SIZE[0], 335), (0, 0, 190), -1)
            cv2.putText(frame, "FLOOD WARNING", (20, 322), cv2.FONT_HERSHEY_DUPLEX, 1.2, (255, 255, 255), 2)
            cv2.putText(frame, "River levels rising", (330, 320), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        writer.write(frame)
    writer.release()
    return path


class Counted:
    """The real reader, counting its calls (how many frames were OCRed)."""

    def __init__(self) -> None:
        self.read = rapidocr_reader()
        self.calls = 0

    def __call__(self, bgr: np.ndarray) -> list[tuple[str, float]]:
        self.calls += 1
        return self.read(bgr)


def test_headline_from_ten_seconds_is_one_moment_at_ten_seconds(tmp_path: Path) -> None:
    clip = write_news(tmp_path / "news.mp4")
    reader = Counted()
    stage = ScreenTextStage(reader=reader)
    stage_as_protocol: DeepStage = stage  # the deep-pass driver takes it as is
    assert stage_as_protocol.name == "screen_text" and stage.unavailable() is None
    began = time.perf_counter()
    moments = stage.run(clip, duration=20.0, budget_seconds=60.0)
    took = time.perf_counter() - began
    print(f"\n{stage.frames_seen} frames looked at, {reader.calls} OCRed, {took:.2f} s: {moments}")
    flood = [m for m in moments if "FLOOD WARNING" in m.text.upper()]
    assert len(flood) == 1, moments
    assert flood[0].kind == "screen_text"
    assert abs(flood[0].start - 10.0) <= STEP + 0.1
    assert flood[0].end >= 19.0
    assert "river levels rising" in flood[0].text.lower()
    assert not any(m.start < 9.0 for m in moments)  # nothing is read into the text-free half
    assert reader.calls <= 2  # ten seconds of one headline: read once
    assert stage.frames_read == reader.calls and stage.frames_seen == 20


def test_clip_without_text_ocrs_no_frame(tmp_path: Path) -> None:
    from tests.features.conftest import write_video

    clip = write_video(tmp_path / "shapes.mp4", seconds=12.0, fps=25.0, size=(640, 360), scene_seconds=4.0)
    reader = Counted()
    stage = ScreenTextStage(reader=reader)
    assert stage.run(clip, duration=12.0, budget_seconds=60.0) == []
    assert stage.frames_seen == 12  # the detector looked at every sampled frame
    assert reader.calls == 0 and stage.frames_read == 0


def test_detector_finds_lines_of_text_and_not_shapes() -> None:
    frame = studio(0)
    assert text_boxes(frame) == []
    cv2.putText(frame, "Evening News Channel 4", (20, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (255, 255, 255), 2)
    assert text_boxes(frame)


def test_budget_caps_the_reading_but_keeps_the_longest_text(tmp_path: Path) -> None:
    clip = write_news(tmp_path / "news.mp4", seconds=14, headline_from=4.0)
    reader = Counted()
    moments = ScreenTextStage(reader=reader).run(clip, duration=14.0, budget_seconds=0.0)
    assert reader.calls == 1  # a spent budget still reads the longest segment
    assert moments and "FLOOD" in moments[0].text.upper()


def test_unreadable_file_is_a_media_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 4096)
    with pytest.raises(MediaError, match="broken.mp4"):
        ScreenTextStage(reader=lambda _: []).run(bad, duration=10.0, budget_seconds=5.0)


def test_ocr_opens_no_network_socket(tmp_path: Path) -> None:
    """RapidOCR ships a model downloader; with the models in its wheel it must
    never use it. Under pyrec's guard (the entry points install it) even
    urllib3's import-time IPv6 probe, a socket(AF_INET6) that RapidOCR's
    `requests` import makes, is refused before it reaches the kernel."""
    from tests.reliability.test_no_network_syscalls import fresh_home_env, network_calls, traced

    clip = write_news(tmp_path / "news.mp4", seconds=6, headline_from=1.0)
    script = tmp_path / "read.py"
    script.write_text(
        "import sys\n"
        "from pyrec import netguard\n"
        "netguard.install()  # as every pyrec entry point does\n"
        "from pyrec.features.onscreen import ScreenTextStage\n"
        "m = ScreenTextStage().run(sys.argv[1], duration=6.0, budget_seconds=30.0)\n"
        "assert any('FLOOD' in x.text.upper() for x in m), m\n"
        "print('read', m)\n")
    log = tmp_path / "ocr.strace"
    code, err = traced([str(script), str(clip)], fresh_home_env(tmp_path / "home"), log)
    assert code == 0, err[-2000:]
    assert network_calls(log) == []


def test_ocr_models_are_the_ones_in_the_manifest() -> None:
    from pyrec.features.onscreen import ocr_model_files
    from pyrec.models.registry import sha256_file

    files = ocr_model_files()
    assert set(files) == {"det", "rec"}
    assert all(p.is_file() and p.parent.name == "models" for p in files.values())
    assert sha256_file(files["det"]).startswith("090f04ab")


def test_deep_pass_reads_the_headline_and_search_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole path a user takes: scan, `pyrec deep` with pyrec's own list of
    readers, then `pyrec search "flood warning"` names the news clip and the time."""
    import json

    from pyrec.cli import main

    folder = tmp_path / "media"
    folder.mkdir()
    write_news(folder / "Evening News.mp4")
    db = str(tmp_path / "lib.sqlite")
    assert main(["scan", str(folder), "--db", db]) == 0
    capsys.readouterr()
    assert main(["deep", "--stage", "screen_text", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["done"] == 1
    assert main(["search", "flood warning", "--db", db, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["title"] == "Evening News"
    assert hits[0]["moments"][0]["where"] == "on screen at 0:10", hits[0]["moments"]


def test_what_is_read_on_screen_reaches_the_text_embedding(tmp_path: Path) -> None:
    """Meaning search and the content scorer read the video's text vector: after
    the deep pass it carries the headline, so it moves towards what the
    headline is about."""
    from pyrec.features.text import default_text_encoder
    from pyrec.library import Library
    from pyrec.scan.deep import DeepPass
    from pyrec.scan.scanner import Scanner

    folder = tmp_path / "media"
    folder.mkdir()
    write_news(folder / "Evening News.mp4")
    encoder = default_text_encoder()
    about = encoder.encode(["flood warning: river levels rising"])[0]

    def closeness(lib: Library) -> float:
        ids, vectors = lib.embeddings(encoder.model_id)
        assert len(ids) == 1
        v = vectors[0]
        return float(v @ about / (np.linalg.norm(v) * np.linalg.norm(about)))

    with Library.open(tmp_path / "lib.sqlite") as lib:
        Scanner(lib, thumbnail_dir=tmp_path / "thumbs", jobs=1).scan([folder])
        before = closeness(lib)
        assert DeepPass(lib, [ScreenTextStage()], in_process=True).run().done == 1
        after = closeness(lib)
    assert after > before + 0.2, (before, after)
