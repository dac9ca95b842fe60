"""Coarse picture categories ("person", "water", "vehicle", "text or screen", …)
from a classifier's per-keyframe class probabilities.

Why: an ImageNet label such as "jellyfish 26 %" on a sea clip or "website"
on a news clip is the classifier's nearest texture, not what is there. The
probability summed over every class of one category is steadier and true
far more often, and a category is shown only above a threshold calibrated
on hand-labelled clips (tests/features/test_labels.py prints the table).

The class → category table is data shipped with the bundled model
(``pyrec/models/imagenet_categories.json``, derived from WordNet 3.0
hypernyms by ``tools/build_label_categories.py``; its sha256 is in the model
manifest and checked before use).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pyrec.errors import ModelError
from pyrec.models import MANIFEST, ModelSpec
from pyrec.models.registry import verify_file
from pyrec.records import Label

# Calibrated on the sample clips and generated scenes of test_labels.py
# (precision 1.0 there; see the test's table). A class adds to its category
# in a frame only from CLASS_FLOOR up: a frame of bare tarmac spreads ~1 %
# over each of hundreds of insect classes, and summed over the 359 animal
# classes that noise alone reached 0.4.
CLASS_FLOOR = 0.02
SHOW_AT = 0.2  # mean floored category mass over the keyframes


@dataclass(frozen=True)
class CategoryTable:
    names: tuple[str, ...]
    of_class: np.ndarray  # int64 [classes]: index into names, -1 = never shown

    def matrix(self) -> np.ndarray:
        """[classes, categories] 0/1: probabilities @ matrix = category mass."""
        m = np.zeros((len(self.of_class), len(self.names)), np.float32)
        rows = np.flatnonzero(self.of_class >= 0)
        m[rows, self.of_class[rows]] = 1.0
        return m


@lru_cache(maxsize=4)
def _load(model_id: str) -> CategoryTable | None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entry = manifest.get("models", {}).get(model_id, {})
    name = entry.get("categories")
    if not name:
        return None
    path = MANIFEST.parent / name
    verify_file(path, entry.get("categories_sha256"))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        names = tuple(str(n) for n in doc["categories"])
        of_class = np.asarray(doc["class_category"], np.int64)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"category table unreadable: {exc}", path) from None
    if of_class.ndim != 1 or (of_class >= len(names)).any() or (of_class < -1).any():
        raise ModelError("category table has indices outside its category list", path)
    return CategoryTable(names, of_class)


def category_table(spec: ModelSpec) -> CategoryTable | None:
    """The bundled table for a bundled classifier; None for any other model."""
    return _load(spec.id) if spec.bundled else None


def category_scores(probs: np.ndarray, table: CategoryTable, *, floor: float = CLASS_FLOOR) -> np.ndarray:
    """[categories]: per keyframe the summed probability of each category's
    classes (counting only classes at ``floor`` or more), averaged over keyframes."""
    p = np.asarray(probs, np.float32)
    if p.ndim != 2 or p.shape[0] == 0:
        return np.zeros(len(table.names), np.float32)
    if p.shape[1] != len(table.of_class):
        raise ValueError(f"{p.shape[1]} probabilities but {len(table.of_class)} classes in the category table")
    mass: np.ndarray = (np.where(p >= floor, p, 0.0) @ table.matrix()).mean(axis=0)
    return mass


def category_labels(probs: np.ndarray, table: CategoryTable, *, source: str, show_at: float = SHOW_AT,
                    top: int = 5) -> list[Label]:
    """The categories likely in the picture, best first; nothing when none is sure."""
    scores = category_scores(probs, table)
    order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] >= show_at][:top]
    return [Label(table.names[i], round(float(scores[i]), 4), source) for i in order]
