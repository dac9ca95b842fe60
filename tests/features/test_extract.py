"""extract_video_features: the per-file call of scan workers."""

from __future__ import annotations

import functools
import json
import multiprocessing
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import pyrec.features.extract as extract_module
from pyrec.features import extract_video_features
from pyrec.models import VISUAL_MODEL, user_config_path


@pytest.fixture(autouse=True)
def _fresh_default_encoders(monkeypatch: pytest.MonkeyPatch) -> None:
    # default encoders are cached per process; each test may have its own config
    monkeypatch.setattr(extract_module, "_encoders", None)


def test_everything_for_one_file(make_video: Callable[..., Path], tmp_path: Path) -> None:
    path = make_video(seconds=30.0, fps=15.0, size=(480, 270), scene_seconds=5.0)
    result = extract_video_features(path, max_keyframes=8, thumbnail_dir=tmp_path / "thumbs")
    probe, keyframes, embeddings, labels, stats, warnings = result  # a plain tuple too
    assert probe.frame_count == 450 and (probe.width, probe.height) == (480, 270)
    assert 4 <= len(keyframes) <= 8
    for keyframe in keyframes:
        assert keyframe.thumbnail is not None and Path(keyframe.thumbnail).is_file()
        assert Path(keyframe.thumbnail).is_relative_to(tmp_path / "thumbs")
        assert 0.0 <= keyframe.time <= probe.duration
    assert [e.model_id for e in embeddings] == [f"{VISUAL_MODEL}/pool"]
    vector = embeddings[0].vector
    assert vector.shape == (1280,) and vector.dtype == np.float32
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert all(0.0 < label.score <= 1.0 and label.source == VISUAL_MODEL for label in labels)
    for key in ("brightness", "contrast", "colourfulness", "motion", "hue_000", "dominant_hue"):
        assert key in stats
    assert stats["motion"] > 0.0  # the square moves
    assert warnings == []
    restored = pickle.loads(pickle.dumps(result))  # workers send results back pickled
    np.testing.assert_array_equal(restored.embeddings[0].vector, vector)
    assert restored.keyframes == keyframes


def test_without_encoders_no_models_run(make_video: Callable[..., Path]) -> None:
    result = extract_video_features(make_video(seconds=4.0, fps=10.0), encoders=())
    assert result.embeddings == [] and result.labels == []
    assert result.keyframes and result.stats


# A partial of the package function, not a function of this module: spawned
# workers unpickle it by importing pyrec, never this test file.
_run_in_worker = functools.partial(extract_video_features, max_keyframes=6)


def test_works_in_worker_processes(make_video: Callable[..., Path]) -> None:
    paths = [str(make_video(seconds=6.0, fps=10.0, seed=s)) for s in range(3)]
    here = [_run_in_worker(p) for p in paths]
    # spawn: each worker imports pyrec afresh and makes its own sessions
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = list(pool.map(_run_in_worker, paths))
    for a, b in zip(here, there, strict=True):
        assert [k.phash for k in a.keyframes] == [k.phash for k in b.keyframes]
        np.testing.assert_allclose(a.embeddings[0].vector, b.embeddings[0].vector, atol=1e-5)
        assert [label.name for label in a.labels] == [label.name for label in b.labels]


def test_broken_user_config_is_a_warning_not_a_failure(make_video: Callable[..., Path]) -> None:
    config = user_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("{ this is not json")
    result = extract_video_features(make_video(seconds=4.0, fps=10.0))
    assert [e.model_id for e in result.embeddings] == [f"{VISUAL_MODEL}/pool"]
    assert any("user models ignored" in w and str(config) in w for w in result.warnings)


def test_missing_user_model_file_is_skipped_with_a_warning(make_video: Callable[..., Path]) -> None:
    config = user_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"models": [{"id": "gone", "kind": "image", "file": "gone.onnx"}]}))
    result = extract_video_features(make_video(seconds=4.0, fps=10.0))
    assert [e.model_id for e in result.embeddings] == [f"{VISUAL_MODEL}/pool"]
    assert any(w.startswith("model gone skipped") and "missing" in w for w in result.warnings)
