"""Text embeddings of short names (visual labels, tags, genres) for semantic
search, each computed once and kept in the cache dir.

A library with 2,000 tags would otherwise spend ~2.5 s of MiniLM on every
start; names are not private history (they are the library's vocabulary) but
the cache is user-only all the same. The file is keyed by the text model's
sha256, so a new model never reuses old vectors.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pyrec import paths

Encode = Callable[[list[str]], np.ndarray]


class NameVectors:
    def __init__(self, file: Path | None, encode: Encode) -> None:
        self.file = file
        self.encode = encode
        self._vectors: dict[str, np.ndarray] | None = None

    @classmethod
    def for_text_model(cls, cache_dir: Path | None = None) -> NameVectors:
        from pyrec.features.text import default_text_encoder
        from pyrec.models import TEXT_MODEL, get_spec

        spec = get_spec(TEXT_MODEL)
        digest = (spec.sha256 or "unverified")[:16]
        file = (cache_dir or paths.cache_dir()) / "name-vectors" / f"{spec.id.replace('/', '_')}-{digest}.npz"
        return cls(file, lambda names: default_text_encoder().encode(names))

    def get(self, names: Sequence[str]) -> np.ndarray:
        """[len(names), dim] float32 vectors, in the order given."""
        known = self._load()
        missing = list(dict.fromkeys(n for n in names if n not in known))
        if missing:
            known.update(zip(missing, np.asarray(self.encode(missing), np.float32)))
            self._save(known)
        if not names:
            return np.zeros((0, 0), np.float32)
        return np.stack([known[n] for n in names])

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.file is not None and self.file.is_file():
                try:
                    with np.load(self.file, allow_pickle=False) as data:
                        self._vectors = dict(zip(data["names"].tolist(), data["vectors"]))
                except (OSError, ValueError, KeyError):
                    self._vectors = {}  # a damaged cache is rebuilt, never trusted
        return self._vectors

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        if self.file is None:
            return
        try:
            paths.make_private_dir(self.file.parent)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".npz")  # 0600
            with os.fdopen(fd, "wb") as out:
                np.savez(out, names=np.array(list(vectors), dtype=str), vectors=np.stack(list(vectors.values())))
            os.replace(tmp, self.file)  # readers see the old file or the new one, never half
        except OSError:
            pass  # a read-only cache costs time, not correctness
