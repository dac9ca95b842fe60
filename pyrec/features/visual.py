"""Image embeddings and ImageNet labels from an ONNX image model.

The bundled model is EfficientNet-Lite0 (int8): one forward pass gives a
1280-d pooled embedding and 1000 class probabilities. User-registered image
models (e.g. a CLIP image tower) run through the same class; they give an
embedding and, when their spec names one, probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from pyrec.errors import ModelError
from pyrec.features.vectors import l2_normalise
from pyrec.models import VISUAL_MODEL, ModelSpec, get_session, get_spec, load_classes
from pyrec.records import Label

BATCH = 16
_INTERPOLATION = {"bicubic": cv2.INTER_CUBIC, "linear": cv2.INTER_LINEAR, "area": cv2.INTER_AREA}


class VisualEncoder:
    """Embeds BGR uint8 images with an ONNX image model. Sessions are made on first use."""

    def __init__(self, spec: ModelSpec | str | None = None) -> None:
        spec = get_spec(spec or VISUAL_MODEL) if not isinstance(spec, ModelSpec) else spec
        if spec.kind != "image" or spec.image is None:
            raise ModelError(f"model {spec.id!r} is not an image model", spec.path)
        self.spec = spec
        self.pre = spec.image
        self._classes: list[str] | None = None

    @property
    def model_id(self) -> str:
        """Id for ``Embedding.model_id``: bundled models name their output ("…/pool")."""
        return f"{self.spec.id}/{self.spec.output}" if self.spec.bundled else self.spec.id

    @property
    def has_labels(self) -> bool:
        return self.spec.probs_output is not None and self.spec.classes is not None

    @property
    def classes(self) -> list[str]:
        if self._classes is None:
            self._classes = load_classes(self.spec)
        return self._classes

    def preprocess(self, image: np.ndarray) -> np.ndarray:
        """Centre crop, resize, channel order, scale/normalise, layout: one image."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected a BGR uint8 image, got {image.dtype} {image.shape}")
        pre = self.pre
        h, w = image.shape[:2]
        side = max(1, round(min(h, w) * pre.crop_fraction))
        y, x = (h - side) // 2, (w - side) // 2
        crop = cv2.resize(image[y:y + side, x:x + side], (pre.size, pre.size),
                          interpolation=_INTERPOLATION[pre.interpolation])
        if pre.channels == "RGB":
            crop = crop[:, :, ::-1]
        scaled = crop.astype(np.float32) * np.float32(pre.scale)
        tensor: np.ndarray = (scaled - np.asarray(pre.mean, np.float32)) / np.asarray(pre.std, np.float32)
        return tensor.transpose(2, 0, 1) if pre.layout == "NCHW" else tensor

    def embed(self, images: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray | None]:
        """(L2-normalised embeddings [n, d] float32, class probabilities [n, c] or None)."""
        session = get_session(self.spec)
        input_name = session.get_inputs()[0].name
        output = self.spec.output or session.get_outputs()[0].name
        wanted = [output] + ([self.spec.probs_output] if self.spec.probs_output else [])
        embs: list[np.ndarray] = []
        probs: list[np.ndarray] = []
        for start in range(0, len(images), BATCH):
            batch = np.stack([self.preprocess(img) for img in images[start:start + BATCH]])
            results = session.run(wanted, {input_name: batch})
            embs.append(np.asarray(results[0], np.float32).reshape(len(batch), -1))
            if len(results) > 1:
                probs.append(np.asarray(results[1], np.float32).reshape(len(batch), -1))
        if not embs:
            dims = self.spec.dims or 0
            return np.zeros((0, dims), np.float32), (np.zeros((0, 0), np.float32) if self.spec.probs_output else None)
        return l2_normalise(np.concatenate(embs)), (np.concatenate(probs) if probs else None)


def video_embedding(embeddings: np.ndarray) -> np.ndarray:
    """One vector for the video: the normalised mean of its keyframe embeddings."""
    if len(embeddings) == 0:
        raise ValueError("no keyframe embeddings to pool")
    return l2_normalise(np.asarray(embeddings, np.float32).mean(axis=0))


def labels_from_probs(probs: np.ndarray, classes: Sequence[str], *, top: int = 5, min_score: float = 0.02,
                      source: str = VISUAL_MODEL) -> list[Label]:
    """Video-level labels from per-keyframe class probabilities.

    Each keyframe's vote is weighted by its own confidence (its top
    probability): a frame of empty tarmac spreads ~2% over insect classes
    and should not outvote the frames that clearly show a car. Classes that
    share a display name ("missile" twice in ImageNet) are merged.
    """
    probs = np.asarray(probs, np.float64)
    if probs.ndim != 2 or probs.shape[0] == 0:
        return []
    if probs.shape[1] != len(classes):
        raise ValueError(f"{probs.shape[1]} probabilities but {len(classes)} class names")
    weights = probs.max(axis=1, keepdims=True)
    scores = (probs * weights).sum(axis=0) / max(float(weights.sum()), 1e-12)
    merged: dict[str, float] = {}
    for index in np.argsort(-scores)[: top * 3]:  # a few spare for merging duplicates
        name = classes[index]
        merged[name] = merged.get(name, 0.0) + float(scores[index])
    ranked = sorted(merged.items(), key=lambda kv: kv[1], reverse=True)
    return [Label(name, round(score, 4), source) for name, score in ranked[:top] if score >= min_score]
