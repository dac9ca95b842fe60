"""Typed errors. Each carries the path it is about, so front ends can print one
readable line ("path: reason") and the GUI can show a non-modal notice."""

from __future__ import annotations

from os import PathLike


class PyrecError(Exception):
    """Base of every error pyrec raises on purpose."""

    def __init__(self, reason: str, path: str | PathLike[str] | None = None) -> None:
        self.reason = reason
        self.path = None if path is None else str(path)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = " ".join(self.reason.split())  # never more than one line
        return f"{self.path}: {text}" if self.path else text


class MediaError(PyrecError):
    """A video file could not be opened, probed or decoded."""


class SidecarError(PyrecError):
    """A .nfo or subtitle file is malformed, hostile or unreadable."""


class LibraryError(PyrecError):
    """The SQLite library is unusable: locked, read-only, full, corrupt, too new."""


class ModelError(PyrecError):
    """A bundled or user-registered ONNX model is missing or fails verification."""


class NotFoundError(PyrecError):
    """An id or path names no video in the library."""


class NetworkBlockedError(PyrecError):
    """Something tried to open a network socket; pyrec is local-only."""
