"""The GUI's own preferences (window, profile, scan options) in an INI file
next to pyrec's config; the library itself never depends on them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from pyrec import paths


class Flag:
    """A yes/no preference stored under `key`. INI files give strings back
    ("true"), so reading normalises to bool."""

    def __init__(self, key: str, default: bool) -> None:
        self.key, self.default = key, default

    def __get__(self, settings: Settings | None, owner: type | None = None) -> bool:
        if settings is None:
            return self.default
        return settings._bool(self.key, self.default)

    def __set__(self, settings: Settings, value: bool) -> None:
        settings._qs.setValue(self.key, bool(value))


class Settings:
    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else paths.config_dir() / "gui.ini"
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        return value in (True, "true", "1", 1) if not isinstance(value, bool) else value

    rescan_on_start = Flag("scan/rescan_on_start", False)
    watch_folders = Flag("scan/watch_folders", True)

    @property
    def profile(self) -> str | None:
        value = self._qs.value("profile/current", None)
        return str(value) if value else None

    @profile.setter
    def profile(self, value: str | None) -> None:
        self._qs.setValue("profile/current", value or "")

    # Play in the desktop's video player instead of inside pyrec (the in-app player is the default).
    external_player = Flag("play/external_player", False)
    desktop_entry_offered = Flag("desktop/entry_offered", False)  # asked once about the applications menu

    @property
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry", None)
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    def sync(self) -> None:
        self._qs.sync()
