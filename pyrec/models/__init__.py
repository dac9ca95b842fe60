"""Bundled ONNX models (see ``manifest.json``) and the user's own, with loaders.

The bundled files are rebuilt by ``tools/export_models.py``; their sources,
licences and digests are recorded in ``manifest.json``.
"""

from pyrec.models.registry import (
    BUNDLED_DIR,
    MANIFEST,
    ImagePreprocessing,
    ModelSpec,
    TextPreprocessing,
    all_specs,
    bundled_specs,
    get_spec,
    load_classes,
    load_manifest,
    load_user_specs,
    user_config_path,
    verify,
)
from pyrec.models.sessions import clear_sessions, get_session, set_threads, threads

VISUAL_MODEL = "efficientnet-lite0"
TEXT_MODEL = "minilm-l6-v2"

__all__ = [
    "BUNDLED_DIR",
    "MANIFEST",
    "TEXT_MODEL",
    "VISUAL_MODEL",
    "ImagePreprocessing",
    "ModelSpec",
    "TextPreprocessing",
    "all_specs",
    "bundled_specs",
    "clear_sessions",
    "get_session",
    "get_spec",
    "load_classes",
    "load_manifest",
    "load_user_specs",
    "set_threads",
    "threads",
    "user_config_path",
    "verify",
]
