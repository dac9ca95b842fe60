"""The library's own configuration: which folders belong to it and small
settings every front end shares (so the GUI and CLI agree)."""

from __future__ import annotations

import os
import time

from pyrec.library.base import LibraryBase
from pyrec.library.codec import PATH_SQL, path_param


class SettingsStore(LibraryBase):
    def library_folders(self) -> list[str]:
        """Folders added to the library, in the order they were added."""
        with self._read() as conn:
            return [str(r[0]) for r in conn.execute("SELECT path FROM library_folders ORDER BY added_at, path")]

    def add_library_folder(self, path: str | os.PathLike[str]) -> bool:
        """Add a folder (stored as an absolute path); False if it was already there."""
        with self._write() as conn:
            cur = conn.execute(
                f"INSERT INTO library_folders (path, added_at) VALUES ({PATH_SQL}, ?) ON CONFLICT (path) DO NOTHING",
                (path_param(os.path.abspath(os.fspath(path))), time.time()),
            )
            return cur.rowcount == 1

    def remove_library_folder(self, path: str | os.PathLike[str]) -> bool:
        """Forget a folder. Its videos stay (with their history) until a scan says otherwise."""
        with self._write() as conn:
            cur = conn.execute(f"DELETE FROM library_folders WHERE path = {PATH_SQL}",
                               (path_param(os.path.abspath(os.fspath(path))),))
            return cur.rowcount == 1

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
