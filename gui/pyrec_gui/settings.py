"""The GUI's own preferences (window, profile, scan options) in an INI file
next to pyrec's config; the library itself never depends on them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from pyrec import paths


class Settings:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else paths.config_dir() / "gui.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        return value in (True, "true", "1", 1) if not isinstance(value, bool) else value

    @property
    def rescan_on_start(self) -> bool:
        return self._bool("scan/rescan_on_start", False)

    @rescan_on_start.setter
    def rescan_on_start(self, value: bool) -> None:
        self._qs.setValue("scan/rescan_on_start", bool(value))

    @property
    def watch_folders(self) -> bool:
        return self._bool("scan/watch_folders", True)

    @watch_folders.setter
    def watch_folders(self, value: bool) -> None:
        self._qs.setValue("scan/watch_folders", bool(value))

    @property
    def profile(self) -> str | None:
        value = self._qs.value("profile/current", None)
        return str(value) if value else None

    @profile.setter
    def profile(self, value: str | None) -> None:
        self._qs.setValue("profile/current", value or "")

    @property
    def desktop_entry_offered(self) -> bool:
        """The app asked once whether to add itself to the applications menu."""
        return self._bool("desktop/entry_offered", False)

    @desktop_entry_offered.setter
    def desktop_entry_offered(self, value: bool) -> None:
        self._qs.setValue("desktop/entry_offered", bool(value))

    @property
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry", None)
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    def sync(self) -> None:
        self._qs.sync()
