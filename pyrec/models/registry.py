"""Which ONNX models exist: the bundled ones (``manifest.json``) and the user's.

A model is described by a :class:`ModelSpec`; nothing here runs a model.
Every file a spec names is checked against its sha256 before a session is
made from it (:func:`verify`), so a truncated download, a stray edit or a
swapped file surfaces as one :class:`~pyrec.errors.ModelError` line.

User models live in ``<config dir>/models.json``::

    {"models": [
      {"id": "clip-b32/image", "kind": "image", "file": "clip/visual.onnx",
       "sha256": "…", "output": "image_embeds",
       "preprocessing": {"size": 224, "crop_fraction": 1.0, "scale": 0.00392156862745098,
                         "mean": [0.4815, 0.4578, 0.4082], "std": [0.2686, 0.2613, 0.2758]}},
      {"id": "clip-b32/text", "kind": "text", "file": "clip/textual.onnx",
       "tokenizer": "clip/tokenizer.json", "output": "text_embeds",
       "preprocessing": {"max_tokens": 77, "pooling": "none"}}
    ]}

Relative paths are resolved against the config file's folder; ``sha256`` is
optional for user files (checked when given).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pyrec.errors import ModelError
from pyrec.paths import config_dir

BUNDLED_DIR = Path(__file__).resolve().parent
MANIFEST = BUNDLED_DIR / "manifest.json"
USER_CONFIG_NAME = "models.json"

Kind = Literal["image", "text", "audio"]
# "audio": 16 kHz mono in, per-frame scores out (the voice activity detector);
# its framing lives in ``preprocessing`` as plain numbers (pyrec.features.vad).
KINDS: tuple[str, ...] = ("image", "text", "audio")
USER_KINDS: tuple[str, ...] = ("image", "text")  # what a user's models.json may add (nothing reads other kinds)
INTERPOLATIONS = ("bicubic", "linear", "area")


@dataclass(frozen=True)
class ImagePreprocessing:
    """How a BGR uint8 frame becomes the model's input tensor."""

    size: int = 224
    crop_fraction: float = 0.875  # centre square of this share of the short side
    interpolation: str = "bicubic"
    channels: str = "RGB"
    layout: str = "NCHW"
    scale: float = 1.0  # pixel * scale, then (x - mean) / std
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class TextPreprocessing:
    max_tokens: int = 256
    # "none": the graph already returns one vector per text; "mean"/"cls":
    # pool a [batch, tokens, dims] output here.
    pooling: str = "none"


@dataclass(frozen=True)
class ModelSpec:
    id: str
    kind: Kind
    path: Path
    sha256: str | None
    bundled: bool
    output: str | None = None  # embedding output name; None = the first output
    probs_output: str | None = None
    dims: int | None = None
    image: ImagePreprocessing | None = None
    text: TextPreprocessing | None = None
    tokenizer: Path | None = None
    tokenizer_sha256: str | None = None
    audio: dict[str, int] = field(default_factory=dict, compare=False, hash=False)  # rate, frame, context
    classes: Path | None = None
    classes_sha256: str | None = None
    licence: str = ""
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def files(self) -> list[tuple[Path, str | None]]:
        """Every file this model needs, with the digest it must have."""
        out: list[tuple[Path, str | None]] = [(self.path, self.sha256)]
        if self.tokenizer is not None:
            out.append((self.tokenizer, self.tokenizer_sha256))
        if self.classes is not None:
            out.append((self.classes, self.classes_sha256))
        return out


# --------------------------------------------------------------------------- parsing


def _need(entry: dict[str, Any], key: str, where: Path, model: str) -> Any:
    if key not in entry:
        raise ModelError(f"model {model!r} has no {key!r}", where)
    return entry[key]


def _floats3(value: Any, key: str, where: Path, model: str) -> tuple[float, float, float]:
    if isinstance(value, (int, float)):
        return (float(value),) * 3  # type: ignore[return-value]
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, (int, float)) for v in value)):
        raise ModelError(f"model {model!r}: preprocessing.{key} must be a number or 3 numbers", where)
    return (float(value[0]), float(value[1]), float(value[2]))


def _image_pre(raw: dict[str, Any], where: Path, model: str) -> ImagePreprocessing:
    known = set(ImagePreprocessing.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ModelError(f"model {model!r}: unknown preprocessing keys {sorted(unknown)}", where)
    pre = ImagePreprocessing(
        size=int(raw.get("size", 224)),
        crop_fraction=float(raw.get("crop_fraction", 0.875)),
        interpolation=str(raw.get("interpolation", "bicubic")),
        channels=str(raw.get("channels", "RGB")).upper(),
        layout=str(raw.get("layout", "NCHW")).upper(),
        scale=float(raw.get("scale", 1.0)),
        mean=_floats3(raw.get("mean", 0.0), "mean", where, model),
        std=_floats3(raw.get("std", 1.0), "std", where, model),
    )
    if not 16 <= pre.size <= 2048 or not 0.1 <= pre.crop_fraction <= 1.0:
        raise ModelError(f"model {model!r}: size or crop_fraction out of range", where)
    if pre.interpolation not in INTERPOLATIONS or pre.channels not in ("RGB", "BGR") \
            or pre.layout not in ("NCHW", "NHWC") or 0.0 in pre.std:
        raise ModelError(f"model {model!r}: bad interpolation, channels, layout or a zero std", where)
    return pre


def _text_pre(raw: dict[str, Any], where: Path, model: str) -> TextPreprocessing:
    unknown = set(raw) - set(TextPreprocessing.__dataclass_fields__)
    if unknown:
        raise ModelError(f"model {model!r}: unknown preprocessing keys {sorted(unknown)}", where)
    pre = TextPreprocessing(max_tokens=int(raw.get("max_tokens", 256)), pooling=str(raw.get("pooling", "mean")))
    if pre.pooling not in ("none", "mean", "cls") or not 1 <= pre.max_tokens <= 8192:
        raise ModelError(f"model {model!r}: pooling must be none/mean/cls and max_tokens 1..8192", where)
    return pre


def _spec_from_entry(entry: Any, base: Path, where: Path, bundled: bool) -> ModelSpec:
    if not isinstance(entry, dict):
        raise ModelError("each model must be a JSON object", where)
    model_id = _need(entry, "id", where, "?")
    if not isinstance(model_id, str) or not model_id.strip():
        raise ModelError("a model id must be a non-empty string", where)
    kind = _need(entry, "kind", where, model_id)
    allowed = KINDS if bundled else USER_KINDS
    if kind not in allowed:
        raise ModelError(f"model {model_id!r}: kind must be one of {allowed}, not {kind!r}", where)

    def resolve(name: Any) -> Path:
        if not isinstance(name, str) or not name:
            raise ModelError(f"model {model_id!r}: file names must be non-empty strings", where)
        path = Path(os.path.expanduser(name))
        return path if path.is_absolute() else base / path

    def digest(key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            if bundled:  # every bundled file is pinned
                raise ModelError(f"model {model_id!r} has no {key!r}", where)
            return None
        if not (isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower())):
            raise ModelError(f"model {model_id!r}: {key} must be 64 hex digits", where)
        return value.lower()

    outputs = entry.get("outputs", {})
    roles = {role.get("role"): name for name, role in outputs.items() if isinstance(role, dict)}
    output = entry.get("output", roles.get("embedding"))
    dims = outputs.get(output, {}).get("dims") if isinstance(outputs.get(output), dict) else entry.get("dims")
    pre_raw = entry.get("preprocessing", {})
    if not isinstance(pre_raw, dict):
        raise ModelError(f"model {model_id!r}: preprocessing must be an object", where)
    tokenizer = entry.get("tokenizer")
    if kind == "text" and tokenizer is None:
        raise ModelError(f"model {model_id!r}: a text model needs a 'tokenizer' (tokenizer.json)", where)
    classes = entry.get("classes")
    return ModelSpec(
        id=model_id,
        kind=kind,
        path=resolve(_need(entry, "file", where, model_id)),
        sha256=digest("sha256"),
        bundled=bundled,
        output=output,
        probs_output=entry.get("probs_output", roles.get("probs")),
        dims=int(dims) if dims else None,
        image=_image_pre(pre_raw, where, model_id) if kind == "image" else None,
        text=_text_pre(pre_raw, where, model_id) if kind == "text" else None,
        audio={k: int(v) for k, v in pre_raw.items()} if kind == "audio" else {},
        tokenizer=resolve(tokenizer) if tokenizer is not None else None,
        tokenizer_sha256=digest("tokenizer_sha256") if tokenizer is not None else None,
        classes=resolve(classes) if classes is not None else None,
        classes_sha256=digest("classes_sha256") if classes is not None else None,
        licence=str(entry.get("licence", "")),
        source=entry.get("source", {}) if isinstance(entry.get("source"), dict) else {},
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError("file is missing", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read: {exc}", path) from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"not valid JSON: {exc.msg} at line {exc.lineno}", path) from None


def load_manifest(path: Path = MANIFEST) -> dict[str, ModelSpec]:
    doc = _read_json(path)
    models = doc.get("models") if isinstance(doc, dict) else None
    if not isinstance(models, dict) or not models:
        raise ModelError("manifest has no 'models' object", path)
    specs = {}
    for key, entry in models.items():
        spec = _spec_from_entry(entry, path.parent, path, bundled=True)
        if spec.id != key:
            raise ModelError(f"manifest key {key!r} does not match id {spec.id!r}", path)
        specs[key] = spec
    return specs


def extra_entry(model_id: str, path: Path = MANIFEST) -> dict[str, Any]:
    """The manifest's record (source, licence, digests) of a model an extra
    installs (``extras`` section: speech, on-screen text); pyrec never loads
    these from its own folder, so they are not :class:`ModelSpec` s."""
    doc = _read_json(path)
    extras = doc.get("extras") if isinstance(doc, dict) else None
    found = extras.get(model_id) if isinstance(extras, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("extra"), str):
        raise ModelError(f"manifest has no extra model {model_id!r}", path)
    return found


@lru_cache(maxsize=1)
def bundled_specs() -> dict[str, ModelSpec]:
    return load_manifest(MANIFEST)


def user_config_path() -> Path:
    return config_dir() / USER_CONFIG_NAME


def load_user_specs(path: Path | None = None) -> dict[str, ModelSpec]:
    """The user's models; {} when the config file does not exist."""
    path = user_config_path() if path is None else path
    if not path.is_file():
        return {}
    doc = _read_json(path)
    entries = doc.get("models") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ModelError("expected {\"models\": [ … ]}", path)
    bundled = bundled_specs()
    specs: dict[str, ModelSpec] = {}
    for entry in entries:
        spec = _spec_from_entry(entry, path.parent, path, bundled=False)
        if spec.id in bundled or spec.id in specs:
            raise ModelError(f"model id {spec.id!r} is already taken", path)
        specs[spec.id] = spec
    return specs


def all_specs(user_config: Path | None = None) -> dict[str, ModelSpec]:
    return {**bundled_specs(), **load_user_specs(user_config)}


def get_spec(model_id: str, user_config: Path | None = None) -> ModelSpec:
    bundled = bundled_specs()
    if model_id in bundled:  # a broken user config must not break the bundled models
        return bundled[model_id]
    specs = all_specs(user_config)
    if model_id not in specs:
        raise ModelError(f"no model {model_id!r}; known: {', '.join(sorted(specs))}")
    return specs[model_id]


# --------------------------------------------------------------------------- verification


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# (path, size, mtime_ns) -> digest: verify once per process, not once per video.
_verified: dict[tuple[str, int, int], str] = {}


def verify_file(path: Path, expected: str | None) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ModelError("model file is missing", path) from None
    except OSError as exc:
        raise ModelError(f"cannot read model file: {exc.strerror}", path) from None
    if not path.is_file():
        raise ModelError("model path is not a file", path)
    if expected is None:
        return
    key = (str(path), st.st_size, st.st_mtime_ns)
    got = _verified.get(key)
    if got is None:
        try:
            got = sha256_file(path)
        except OSError as exc:
            raise ModelError(f"cannot read model file: {exc.strerror}", path) from None
        _verified[key] = got
    if got != expected:
        raise ModelError(f"sha256 mismatch (expected {expected[:12]}…, got {got[:12]}…): "
                         "file changed or corrupt", path)


def verify(spec: ModelSpec) -> None:
    """Raise ModelError unless every file of ``spec`` exists and matches its digest."""
    for path, expected in spec.files():
        verify_file(path, expected)


def load_classes(spec: ModelSpec) -> list[str]:
    """Display names of a classifier's outputs, index = class id."""
    if spec.classes is None:
        raise ModelError(f"model {spec.id!r} has no class names")
    verify_file(spec.classes, spec.classes_sha256)
    doc = _read_json(spec.classes)
    names = doc.get("names") if isinstance(doc, dict) else doc
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ModelError("expected a list of class names", spec.classes)
    return names
