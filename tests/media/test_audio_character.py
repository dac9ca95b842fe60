"""The fast pass hears each file: speech / music / noise / silence shares and
loudness, on real generated media (ffmpeg lavfi sound, espeak-ng speech)
decoded through PyAV and judged by the bundled Silero VAD; the traits
become graph entities the recommender explains with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pyrec.cli import main
from pyrec.features.audio import SAMPLE_RATE, AudioClip
from pyrec.features.extract import extract_media
from pyrec.features.soundscape import WINDOW_SECONDS, WINDOWS, analysis_windows, measure_clips, sound_traits
from pyrec.library import Library
from pyrec.scan.scanner import Scanner
from pyrec.service import PyrecService

from .sound_makers import (
    Run,
    make_junk_audio_video,
    make_long_video,
    make_music_video,
    make_noise_video,
    make_silent_video,
    make_sound_library,
    make_speech_video,
)


def shares(path: Path) -> dict[str, float]:
    features, _ = extract_media(path, encoders=())
    assert not [w for w in features.warnings if "sound" in w], features.warnings
    return features.stats


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory, ffmpeg: Run) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sound")
    return {
        "speech": make_speech_video(ffmpeg, base / "speech.mp4"),
        "music": make_music_video(ffmpeg, base / "music.mp4"),
        "noise": make_noise_video(ffmpeg, base / "noise.mp4"),
        "silence": make_silent_video(ffmpeg, base / "silence.mp4"),
    }


@pytest.mark.parametrize(("clip", "main_share", "at_least"), [
    ("speech", "speech_share", 0.7),  # 6.5 s of speech in 8 s
    ("music", "music_share", 0.95),
    ("noise", "noise_share", 0.95),
    ("silence", "silence_share", 0.99),
])
def test_each_kind_of_sound_is_heard_as_what_it_is(clips: dict[str, Path], clip: str, main_share: str,
                                                   at_least: float) -> None:
    stats = shares(clips[clip])
    assert stats[main_share] >= at_least, stats
    total = sum(stats[k] for k in ("speech_share", "music_share", "noise_share", "silence_share"))
    assert total == pytest.approx(1.0, abs=1e-3)
    assert stats["audio_seconds_heard"] == pytest.approx(8.0 if clip == "speech" else 10.0, abs=0.2)


def test_traits_follow_the_shares(clips: dict[str, Path]) -> None:
    assert sound_traits(shares(clips["speech"])) == ["talky"]
    assert sound_traits(shares(clips["music"])) == ["music"]
    assert sound_traits(shares(clips["silence"])) == ["quiet"]
    assert sound_traits(shares(clips["noise"])) == []
    assert sound_traits({"motion": 1.0}) == []  # never heard: no trait


def sine(freq: float, amplitude: float, seconds: float = 5.0) -> AudioClip:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return AudioClip((amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32), 0.0)


def test_loudness_reads_like_a_bs1770_meter() -> None:
    # BS.1770's calibration point: a 997 Hz sine at full scale is -3.01 LUFS.
    assert measure_clips([sine(997, 1.0)]).loudness == pytest.approx(-3.01, abs=0.4)
    # 20 dB quieter reads 20 LU lower; K-weighting lifts the treble by ~4 dB.
    assert measure_clips([sine(997, 0.1)]).loudness == pytest.approx(-23.01, abs=0.4)
    treble = measure_clips([sine(6000, 0.1)]).loudness
    assert treble is not None and 3.0 < treble - (-23.01) < 5.5
    assert measure_clips([AudioClip(np.zeros(SAMPLE_RATE * 3, np.float32), 0.0)]).loudness is None


def test_a_long_file_is_heard_in_sampled_windows(tmp_path: Path, ffmpeg: Run) -> None:
    """Speech (6.5 s of each 20 s), music (20 s) and silence take turns for 4
    minutes; eight 4-second windows tell the mix apart about right."""
    assert len(analysis_windows(240.0)) == WINDOWS
    stats = shares(make_long_video(ffmpeg, tmp_path / "long.mp4", 4))
    assert stats["audio_seconds_heard"] == pytest.approx(WINDOWS * WINDOW_SECONDS, abs=0.5)
    assert stats["music_share"] == pytest.approx(1 / 3, abs=0.15)
    assert stats["speech_share"] == pytest.approx(6.5 / 60, abs=0.1)
    assert stats["silence_share"] == pytest.approx(1 - 1 / 3 - 6.5 / 60, abs=0.15)


def test_a_junk_audio_track_costs_one_line_and_the_video_still_indexes(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    junk = make_junk_audio_video(folder / "junk.mkv")
    with Library.open(tmp_path / "lib.sqlite") as lib:
        summary = Scanner(lib, jobs=1).scan([folder])
        stored = lib.video_by_path(junk)
    assert (summary.added, summary.failed) == (1, 0)
    lines = [w for w in summary.warnings if "sound" in w]
    assert lines == [f"{junk}: sound not measured (audio cannot be decoded (Invalid data found when processing input))"]
    assert stored is not None and "speech_share" not in stored.stats


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_show_and_the_recommender_use_the_sound(tmp_path: Path, ffmpeg: Run, capsys: pytest.CaptureFixture[str]) -> None:
    """Two music videos among talks and quiet clips: liking "Night Chords"
    recommends the other music video "music, like Night Chords". (Music must
    be a minority for the reason to count: a trait of most of the library is
    no reason, recommend/graph.informativeness.)"""
    folder = make_sound_library(ffmpeg, tmp_path / "media")
    db = tmp_path / "lib.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        service.scan([folder], jobs=1)
        ids = {v["title"]: v["id"] for v in service.videos()}
        service.like(ids["Night Chords"])
        cards = service.recommend(n=5)
    song = next(c for c in cards if c["id"] == ids["Harbour Song"])
    assert "music, like Night Chords" in song["reasons"]

    shown = cli_json(capsys, "show", str(ids["Keeper Talks"]), "--db", str(db))
    assert shown["sound"]["traits"] == ["talky"] and shown["sound"]["speech"] >= 0.7
    assert shown["sound"]["loudness_lufs"] < -10
    assert {"kind": "sound", "name": "talky"}.items() <= next(
        e for e in shown["entities"] if e["kind"] == "sound").items()
    assert main(["show", str(ids["Harbour Song"]), "--db", str(db)]) == 0
    assert "music 100%" in capsys.readouterr().out
