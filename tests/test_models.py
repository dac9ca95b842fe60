"""The bundled models: manifest, digests, loaders, user-registered models, sessions."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from pyrec.errors import ModelError
from pyrec.features.text import TextEncoder
from pyrec.features.visual import VisualEncoder
from pyrec.models import (
    MANIFEST,
    TEXT_MODEL,
    VISUAL_MODEL,
    bundled_specs,
    clear_sessions,
    get_session,
    get_spec,
    load_classes,
    load_manifest,
    load_user_specs,
    set_threads,
    threads,
    user_config_path,
    verify,
)
from pyrec.models.registry import extra_entry, sha256_file


@pytest.fixture(autouse=True)
def _fresh_sessions() -> None:
    clear_sessions()
    set_threads(None)


def test_manifest_lists_both_models_with_provenance_and_digests() -> None:
    specs = bundled_specs()
    assert set(specs) == {VISUAL_MODEL, TEXT_MODEL, "silero-vad"}
    raw = json.loads(MANIFEST.read_text())["models"]
    for spec in specs.values():
        verify(spec)  # every file present and matching its sha256
        assert sha256_file(spec.path) == raw[spec.id]["sha256"]
        assert spec.licence == ("MIT" if spec.kind == "audio" else "Apache-2.0")
        assert spec.source["pypi"] and spec.source["version"]
        # small enough to live in git
        assert spec.path.stat().st_size < 25 * 2**20
    visual = specs[VISUAL_MODEL]
    assert (visual.output, visual.probs_output, visual.dims) == ("pool", "probs", 1280)
    assert visual.image is not None and visual.image.size == 224
    assert specs[TEXT_MODEL].dims == 384


def test_every_extra_model_names_its_extra_source_licence_and_digests() -> None:
    """One shape for the models an extra installs: each names an extra that
    pyproject.toml declares, where it comes from, its licence and a digest of
    every file pyrec checks before use."""
    import tomllib

    doc = json.loads(MANIFEST.read_text())
    assert set(doc) <= {"format", "built_with", "models", "extras"}
    declared = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    extras = doc["extras"]
    assert {"whisper-base", "rapidocr-pp-ocrv6"} <= set(extras)
    for model_id, entry in extras.items():
        assert entry == extra_entry(model_id)
        assert entry["extra"] in declared, model_id
        assert entry["licence"] in {"MIT", "Apache-2.0"} and entry["source"]["pypi"] and entry["use"]
        digests = [*entry.get("files", {}).values(), entry.get("model_bin", {})]
        for d in digests:
            digest = d["sha256"] if isinstance(d, dict) and "sha256" in d else d
            if digest:
                assert isinstance(digest, str) and len(digest) == 64, model_id
    with pytest.raises(ModelError, match="no extra model 'nope'"):
        extra_entry("nope")


def test_int8_accuracy_recorded_in_manifest_meets_the_floors() -> None:
    raw = json.loads(MANIFEST.read_text())["models"]
    visual = raw[VISUAL_MODEL]["quantisation"]
    text = raw[TEXT_MODEL]["quantisation"]
    assert visual["top1_agreement_confident"] >= 0.93 and visual["cosine_mean"] >= 0.97
    assert text["cosine_min"] >= 0.98


def test_imagenet_class_names_are_short_and_complete() -> None:
    names = load_classes(bundled_specs()[VISUAL_MODEL])
    assert len(names) == 1000
    assert names[817] == "sports car" and names[281] == "tabby cat"
    assert all(0 < len(n) <= 40 and "," not in n for n in names)


def test_tampered_model_is_rejected(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    shutil.copy(MANIFEST, manifest)
    for spec in bundled_specs().values():
        for path, _ in spec.files():
            shutil.copy(path, tmp_path / path.name)
    copy = load_manifest(manifest)[VISUAL_MODEL]
    verify(copy)  # an untouched copy passes

    data = bytearray(copy.path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the weights
    copy.path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 mismatch") as info:
        verify(copy)
    assert info.value.path == str(copy.path)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        get_session(copy)  # no session is ever made from a bad file


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    shutil.copy(MANIFEST, manifest)
    spec = load_manifest(manifest)[TEXT_MODEL]
    with pytest.raises(ModelError, match="missing") as info:
        verify(spec)
    assert info.value.path == str(spec.path)


def test_broken_manifest_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON") as info:
        load_manifest(bad)
    assert info.value.path == str(bad)


def test_sessions_are_cached_and_threads_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = get_spec(VISUAL_MODEL)
    assert threads() == 1  # one per worker by default
    first = get_session(spec)
    assert get_session(spec) is first
    monkeypatch.setenv("PYREC_ONNX_THREADS", "2")
    assert threads() == 2
    assert get_session(spec) is not first  # a different thread count is a different session
    monkeypatch.setenv("PYREC_ONNX_THREADS", "lots")
    with pytest.raises(ModelError, match="PYREC_ONNX_THREADS"):
        threads()


# --------------------------------------------------------------------------- user models


def write_config(entries: list[dict]) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"models": entries}))
    return path


def test_no_user_config_means_no_user_models() -> None:
    assert not user_config_path().exists()
    assert load_user_specs() == {}


def test_user_image_model_runs_like_the_bundled_one() -> None:
    bundled = bundled_specs()[VISUAL_MODEL]
    folder = user_config_path().parent / "mine"
    folder.mkdir(parents=True)
    shutil.copy(bundled.path, folder / "effnet.onnx")
    write_config([{
        "id": "my-effnet", "kind": "image", "file": "mine/effnet.onnx", "sha256": bundled.sha256,
        "output": "pool",
        "preprocessing": {"size": 224, "crop_fraction": 0.875, "mean": 127, "std": 128},
    }])
    spec = load_user_specs()["my-effnet"]
    assert not spec.bundled and spec.path == folder / "effnet.onnx"
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 256, (180, 320, 3), dtype=np.uint8) for _ in range(3)]
    mine, probs = VisualEncoder(spec).embed(images)
    ours, _ = VisualEncoder(VISUAL_MODEL).embed(images)
    assert probs is None  # no probs output registered
    assert VisualEncoder(spec).model_id == "my-effnet"
    np.testing.assert_allclose(mine, ours, atol=1e-5)


def test_user_model_with_wrong_digest_is_refused() -> None:
    bundled = bundled_specs()[VISUAL_MODEL]
    write_config([{"id": "x", "kind": "image", "file": str(bundled.path), "sha256": "0" * 64}])
    spec = load_user_specs()["x"]
    with pytest.raises(ModelError, match="sha256 mismatch"):
        VisualEncoder(spec).embed([np.zeros((64, 64, 3), np.uint8)])


@pytest.mark.parametrize(("entries", "message"), [
    ([{"id": VISUAL_MODEL, "kind": "image", "file": "a.onnx"}], "already taken"),
    ([{"id": "a", "kind": "audio", "file": "a.onnx"}], "kind must be"),
    ([{"id": "a", "kind": "text", "file": "a.onnx"}], "needs a 'tokenizer'"),
    ([{"id": "a", "kind": "image"}], "has no 'file'"),
    ([{"id": "a", "kind": "image", "file": "a.onnx", "sha256": "abc"}], "64 hex digits"),
    ([{"id": "a", "kind": "image", "file": "a.onnx", "preprocessing": {"sise": 3}}], "unknown preprocessing"),
])
def test_bad_user_config_names_the_problem_and_the_file(entries: list[dict], message: str) -> None:
    path = write_config(entries)
    with pytest.raises(ModelError, match=message) as info:
        load_user_specs()
    assert info.value.path == str(path)


def _tiny_image_model(path: Path) -> None:
    """[1, H, W, 3] float → per-channel mean [1, 3]: shows what preprocessing fed it."""
    image = helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["n", 32, 32, 3])
    out = helper.make_tensor_value_info("means", TensorProto.FLOAT, ["n", 3])
    axes = helper.make_tensor("axes", TensorProto.INT64, [2], [1, 2])
    node = helper.make_node("ReduceMean", ["pixels", "axes"], ["means"], keepdims=0)
    graph = helper.make_graph([node], "means", [image], [out], initializer=[axes])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(path))


def test_user_preprocessing_options_are_applied() -> None:
    folder = user_config_path().parent
    folder.mkdir(parents=True)
    _tiny_image_model(folder / "means.onnx")
    write_config([{"id": "means", "kind": "image", "file": "means.onnx",
                   "preprocessing": {"size": 32, "channels": "BGR", "layout": "NHWC", "scale": 1 / 255,
                                     "mean": 0.0, "std": 1.0, "crop_fraction": 1.0}}])
    encoder = VisualEncoder(load_user_specs()["means"])
    blue = np.zeros((48, 64, 3), np.uint8)
    blue[:, :, 0] = 255  # BGR: pure blue
    vectors, _ = encoder.embed([blue])
    np.testing.assert_allclose(vectors[0], [1.0, 0.0, 0.0], atol=1e-6)


def _tiny_text_model(path: Path, vocab: int) -> np.ndarray:
    """input_ids → per-token rows of a random table: pooling happens outside."""
    table = np.random.default_rng(0).normal(size=(vocab, 4)).astype(np.float32)
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["n", "t"])
    out = helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["n", "t", 4])
    node = helper.make_node("Gather", ["table", "input_ids"], ["hidden"])
    graph = helper.make_graph([node], "lookup", [ids], [out],
                              initializer=[onnx.numpy_helper.from_array(table, "table")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(path))
    return table


def test_user_text_model_mean_pools_per_token_output() -> None:
    bundled = bundled_specs()[TEXT_MODEL]
    folder = user_config_path().parent
    folder.mkdir(parents=True)
    table = _tiny_text_model(folder / "lookup.onnx", 30522)
    write_config([{"id": "lookup", "kind": "text", "file": "lookup.onnx", "tokenizer": str(bundled.tokenizer),
                   "preprocessing": {"max_tokens": 16, "pooling": "mean"}}])
    encoder = TextEncoder(load_user_specs()["lookup"])
    texts = ["a much longer sentence than the other one", "short"]
    vectors = encoder.encode(texts)
    for text, vector in zip(texts, vectors, strict=True):
        ids = encoder.tokenizer.encode(text).ids
        ids = ids[: ids.index(0)] if 0 in ids else ids  # drop padding
        expected = table[ids].mean(axis=0)
        np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), atol=1e-5)


def test_runtime_never_imports_torch() -> None:
    code = ("import sys, pyrec.features, pyrec.models; "
            "bad = [m for m in ('torch', 'onnxscript', 'transformers') if m in sys.modules]; "
            "sys.exit(bool(bad))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
