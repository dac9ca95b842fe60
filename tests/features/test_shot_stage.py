"""The deep-pass stage "shots": whole-film cut rate and scene count on a
generated film whose cuts are known, against the fast pass's sampled
estimate; a budget too small for the whole film still gives a figure; the
deep pass stores the figure over the estimate in the library."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pyrec.features.cuts import fast_shots
from pyrec.features.deep import DeepResult
from pyrec.features.shots import ShotStage

from .test_cuts import FPS, SHOTS, write_shots

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg tool")


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float], float]:
    """150 s, 29 known cuts, H.264 with 10 s GOPs (as films are encoded: few key frames)."""
    folder = tmp_path_factory.mktemp("shots")
    source = folder / "source.mp4"
    truth = write_shots(source, SHOTS * 3)
    path = folder / "film.mkv"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "250", "-pix_fmt", "yuv420p", str(path)], check=True)
    source.unlink()
    return path, truth, sum(s for s, _, _ in SHOTS) * 3


def test_whole_film_cuts_match_the_truth_and_beat_the_sampled_estimate(film: tuple[Path, list[float], float]) -> None:
    path, truth, duration = film
    result = ShotStage().run(path, duration=duration, budget_seconds=60.0)
    assert isinstance(result, DeepResult) and result.moments == []
    true_rate = len(truth) * 60 / duration
    sampled = fast_shots(path, duration=duration, fps=FPS, width=1920, height=1080)  # as a large film is sampled
    print(f"\ntruth {len(truth) + 1} scenes, {true_rate:.2f}/min; deep {result.stats}; "
          f"sampled {sampled.stats()} from {sampled.seconds:.0f} s")
    assert result.stats["shots_seen"] > 0.95
    assert abs(result.stats["scenes"] - (len(truth) + 1)) <= 2
    assert result.stats["cuts_per_minute"] == pytest.approx(true_rate, rel=0.1)
    deep_error = abs(result.stats["cuts_per_minute"] - true_rate)
    assert deep_error < abs(sampled.cuts_per_minute - true_rate)


def test_a_budget_too_small_for_the_whole_film_still_measures(film: tuple[Path, list[float], float],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import pyrec.features.shots as shots

    path, truth, duration = film
    monkeypatch.setattr(shots, "CHECK_SECONDS", 20.0)
    monkeypatch.setattr(shots, "WINDOW_SECONDS", 10.0)
    result = ShotStage().run(path, duration=duration, budget_seconds=0.3)
    print(f"\n{result.stats}")
    assert 0 < result.stats["shots_seen"] < 0.9
    assert result.stats["scenes"] >= 10  # extrapolated over the whole film


def test_the_deep_pass_stores_the_whole_film_figure_over_the_estimate(film: tuple[Path, list[float], float],
                                                                      tmp_path: Path) -> None:
    from pyrec.library import Library
    from pyrec.scan.deep import DeepPass
    from pyrec.service import PyrecService

    path, truth, duration = film
    folder = tmp_path / "media"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    db = tmp_path / "lib.sqlite"
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        assert service.scan([folder], jobs=1).added == 1
    with Library.open(db) as lib:
        (video,) = lib.videos()
        assert "scenes" in video.stats
        summary = DeepPass(lib, [ShotStage()], in_process=True).run()
        assert summary.done == 1, summary
        after = lib.video(video.id).stats
    assert after["scenes"] == pytest.approx(len(truth) + 1, abs=2)
    assert after["shots_seen"] > 0.95
    # the other stats are kept as the scan stored them
    assert {k: v for k, v in after.items() if k not in ("scenes", "cuts_per_minute", "shots_seen")} == \
        {k: v for k, v in video.stats.items() if k not in ("scenes", "cuts_per_minute")}
