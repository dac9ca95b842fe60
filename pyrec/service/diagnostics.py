"""``pyrec doctor``: versions, SIMD level, models and library stats."""

from __future__ import annotations

import os
import platform
import sqlite3

from pyrec import __version__, desktop_libs, netguard, paths, shapes
from pyrec.errors import ModelError
from pyrec.service.store import Store


def privacy_guards() -> shapes.PrivacyGuards:
    """What keeps this process local-only, layer by layer."""
    telemetry = os.environ.get("ORT_DISABLE_TELEMETRY") == "1"
    return {
        "network_guard": netguard.status().describe(),
        "onnxruntime_telemetry": "off (ORT_DISABLE_TELEMETRY=1)" if telemetry else "ON: ORT_DISABLE_TELEMETRY is not set",
    }


def speech_status() -> str:
    """Whether the speech extra is installed (no model is loaded to say so)."""
    from pyrec.models import whisper

    reason = whisper.unavailable()
    return "on: Whisper base via faster-whisper; `pyrec deep` transcribes" if reason is None else reason


def language_model_status() -> shapes.ModelStatus:
    """py3langid's model (subtitle languages), read from its wheel and checked against the manifest."""
    from pyrec.features.language import LANGID_MODEL, langid_manifest_entry, langid_model_file

    entry = langid_manifest_entry()
    name, info = next(iter(entry["files"].items()))
    status: shapes.ModelStatus = {"id": LANGID_MODEL, "kind": "language", "file": name, "bundled": False,
                                  "licence": entry["licence"], "sha256": info["sha256"]}
    try:
        status["file"] = str(langid_model_file())
        status["status"] = "ok"
    except ModelError as exc:
        status["status"] = f"error: {exc.one_line()}"
    return status


def screen_text_status() -> str:
    """Whether the OCR extra is installed (nothing is loaded to say so)."""
    from pyrec.features.onscreen import ScreenTextStage

    reason = ScreenTextStage().unavailable()
    return "on: RapidOCR on frames with text; `pyrec deep` reads them" if reason is None else reason


class Diagnostics:
    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def model_status() -> list[shapes.ModelStatus]:
        """Every bundled and user model, verified against its recorded sha256."""
        from pyrec.models import all_specs, verify

        try:
            specs = all_specs()
        except ModelError as exc:  # a broken user config: report it, keep the rest
            return [{"id": "user config", "status": f"error: {exc.one_line()}"}]
        out: list[shapes.ModelStatus] = []
        for spec in specs.values():
            entry: shapes.ModelStatus = {"id": spec.id, "kind": spec.kind, "file": str(spec.path),
                                         "bundled": spec.bundled, "licence": spec.licence, "sha256": spec.sha256}
            try:
                verify(spec)
                entry["status"] = "ok"
            except ModelError as exc:
                entry["status"] = f"error: {exc.one_line()}"
            out.append(entry)
        out.append(language_model_status())
        return out

    def doctor(self) -> shapes.DoctorReport:
        import cv2
        import numpy
        import onnxruntime

        from pyrec.core import available_simd_levels, simd_level

        store = self.store
        report: shapes.DoctorReport = {
            "pyrec": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "numpy": numpy.__version__,
            "onnxruntime": onnxruntime.__version__,
            "opencv": cv2.__version__,
            "sqlite": sqlite3.sqlite_version,
            "simd": {"active": simd_level(), "available": available_simd_levels()},
            "models": self.model_status(),
            "privacy": privacy_guards(),
            "desktop_app": desktop_libs.check().describe(),
            "speech": speech_status(),
            "screen_text": screen_text_status(),
            "paths": {"db": str(store.db_path), "cache": str(store.cache_dir), "config": str(paths.config_dir())},
            "library": None,
        }
        # doctor must not create a library as a side effect
        report["library"] = shapes.stats_json(store.library.stats()) if store.db_path.exists() else None
        return report
