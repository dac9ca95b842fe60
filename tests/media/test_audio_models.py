"""The audio models: the bundled VAD is pinned in the manifest and scores
real speech above silence; the speech model of the extra is joined from
its two halves into the cache and checked against the manifest's sha256
(a damaged copy is joined again; a wrong digest is refused)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pyrec.errors import ModelError
from pyrec.features.audio import decode_audio
from pyrec.features.container import opened
from pyrec.features.vad import frame_seconds, speech_probs, speech_regions
from pyrec.models import bundled_specs, registry, verify, whisper
from pyrec.models.registry import MANIFEST, sha256_file

from .sound_makers import SPEECH_SECONDS, speech_file


def test_the_vad_is_pinned_with_its_source_and_licence() -> None:
    spec = bundled_specs()["silero-vad"]
    verify(spec)
    assert spec.kind == "audio" and spec.licence == "MIT"
    assert spec.source["pypi"] == "silero-vad" and spec.source["version"].startswith("6.")
    assert spec.audio == {"rate": 16000, "frame": 512, "context": 64}
    speech = json.loads(MANIFEST.read_text())["extras"]["whisper-base"]
    assert speech["licence"] == "MIT" and speech["model_bin"]["bytes"] > 100_000_000


def test_the_vad_finds_the_spoken_sentence_and_nothing_in_silence() -> None:
    path = speech_file()
    with opened(path) as container:
        clip = decode_audio(container, path)
    padded = np.concatenate([np.zeros(clip.rate * 2, np.float32), clip.samples, np.zeros(clip.rate * 2, np.float32)])
    probs = speech_probs(padded)
    assert len(probs) == -(-padded.size // 512) and frame_seconds() == 0.032
    regions = speech_regions(probs)
    assert regions and regions[0][0] == pytest.approx(2.0, abs=0.4)
    assert sum(e - s for s, e in regions) == pytest.approx(SPEECH_SECONDS, abs=1.2)
    assert speech_probs(np.zeros(16000 * 3, np.float32)).max() < 0.2


needs_speech = pytest.mark.skipif(whisper.unavailable() is not None, reason="the pyrec[speech] extra is not installed")


@needs_speech
def test_the_speech_model_is_joined_verified_and_repaired() -> None:
    folder = whisper.model_dir()
    model = folder / "model.bin"
    assert sha256_file(model) == whisper.entry()["model_bin"]["sha256"]
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in folder.iterdir()}
    with model.open("r+b") as out:  # damaged in the cache, same size
        out.seek(1000)
        out.write(b"\0" * 64)
    registry._verified.clear()  # as in a new process: nothing verified yet
    assert whisper.model_dir() == folder
    assert sha256_file(model) == whisper.entry()["model_bin"]["sha256"]


@needs_speech
def test_a_wrong_digest_in_the_manifest_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entry = json.loads(json.dumps(whisper.entry()))
    entry["model_bin"]["sha256"] = "0" * 64
    monkeypatch.setattr(whisper, "entry", lambda: entry)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        whisper.model_dir()
