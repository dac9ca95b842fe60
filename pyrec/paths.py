"""Where pyrec keeps its files: XDG data/cache dirs by default, overridable."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "pyrec"
DB_ENV = "PYREC_DB"
CACHE_ENV = "PYREC_CACHE"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    """Thumbnails and other derived files; safe to delete."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else user_cache_path(APP, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP, appauthor=False)


def default_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db PATH`` beats ``$PYREC_DB`` beats ``<XDG data>/pyrec/library.sqlite``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return data_dir() / "library.sqlite"


def make_private_dir(path: Path) -> Path:
    """Create a user-only (0700) folder: a library of someone's history is private.

    Only folders this call creates are restricted: ``--db /tmp/x.sqlite`` must
    not chmod /tmp."""
    if path.is_dir():
        return path
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for created in missing:
        try:
            created.chmod(0o700)  # mkdir's mode is filtered by the umask
        except OSError:
            pass
    return path
