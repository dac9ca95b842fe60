"""Name vectors for semantic search: computed once, kept on disk, never trusted when damaged."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np

from pyrec.service.name_vectors import NameVectors


class CountingEncoder:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, names: list[str]) -> np.ndarray:
        self.seen += names
        return np.array([[len(n), n.count("a"), 1.0] for n in names], np.float32)


def test_each_name_is_encoded_once_across_restarts(tmp_path: Path) -> None:
    file = tmp_path / "cache" / "names.npz"
    enc = CountingEncoder()
    first = NameVectors(file, enc).get(["snow", "beach", "snow"])
    assert enc.seen == ["snow", "beach"] and first.shape == (3, 3)
    assert np.array_equal(first[0], first[2])
    again = NameVectors(file, enc).get(["beach", "mountains"])  # a new process: read from disk
    assert enc.seen == ["snow", "beach", "mountains"]
    assert np.array_equal(again[0], first[1])
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    file = tmp_path / "names.npz"
    file.write_bytes(b"not a zip file")
    enc = CountingEncoder()
    out = NameVectors(file, enc).get(["snow"])
    assert enc.seen == ["snow"] and out[0].tolist() == [4.0, 0.0, 1.0]
    assert NameVectors(file, CountingEncoder()).get(["snow"])[0].tolist() == [4.0, 0.0, 1.0]


def test_bundled_model_file_is_keyed_by_its_digest() -> None:
    nv = NameVectors.for_text_model()
    assert nv.file is not None and "minilm" in nv.file.name and nv.file.suffix == ".npz"
    vecs = nv.get(["dog on a beach", "seashore", "city at night"])
    sims = vecs @ vecs.T
    assert sims[0, 1] > sims[0, 2]  # real MiniLM vectors, in the cache
    assert nv.file.is_file()
