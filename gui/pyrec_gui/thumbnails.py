"""Thumbnails decoded off the GUI thread, kept in a small LRU of QPixmaps.

Views ask ``get(path, size)`` while painting: a hit is returned at once; a
miss queues a decode (newest request first, so what is on screen now wins
over what scrolled past) and ``ready`` fires when it can be painted.
QImage is safe to build in a worker thread; QPixmap only on the GUI thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

if TYPE_CHECKING:
    import numpy as np

Key = tuple[str, int, int]  # path, physical width, physical height


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4


def cover(image: QImage, width: int, height: int) -> QImage:
    """Scale to fill width×height and crop the middle (no letterboxing)."""
    if image.isNull() or width <= 0 or height <= 0:
        return QImage()
    scaled = image.scaled(QSize(width, height), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                          Qt.TransformationMode.SmoothTransformation)
    x = max(0, (scaled.width() - width) // 2)
    y = max(0, (scaled.height() - height) // 2)
    return scaled.copy(QRect(x, y, width, height))


def rgb_image(pixels: np.ndarray) -> QImage:
    """A QImage (owning its memory) from an H×W×3 uint8 RGB array; safe off the GUI thread."""
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    data = pixels.tobytes()
    return QImage(data, width, height, width * 3, QImage.Format.Format_RGB888).copy()


def load_cover(path: str, width: int, height: int) -> QImage:
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    return cover(image, width, height)


class _Relay(QObject):
    loaded = Signal(object, object)  # key, QImage (null when unreadable)


class _Drain(QRunnable):
    """Decodes queued requests until the queue is empty."""

    def __init__(self, owner: ThumbnailCache) -> None:
        super().__init__()
        self.owner = owner
        self.relay = owner._relay

    def run(self) -> None:
        while True:
            key = self.owner._next_request()
            if key is None:
                return
            path, width, height = key
            try:
                image = load_cover(path, width, height)
            except Exception:  # noqa: BLE001 - a broken file must not kill the loader
                image = QImage()
            self.relay.loaded.emit(key, image)


class ThumbnailCache(QObject):
    ready = Signal(str)  # a path that now has a pixmap (views repaint)

    def __init__(self, *, capacity: int = 2000, budget_bytes: int = 64 << 20, threads: int = 2,
                 max_queue: int = 300, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity  # most pixmaps kept …
        self.budget_bytes = budget_bytes  # … and most memory they may use (high-DPI pixmaps are 4× bigger)
        self.bytes = 0
        self.max_queue = max_queue
        self._pixmaps: OrderedDict[Key, QPixmap] = OrderedDict()
        self._failed: set[Key] = set()
        self._queue: deque[Key] = deque()
        self._queued: set[Key] = set()
        self._lock = threading.Lock()
        self._drains = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, threads))
        self._relay = _Relay()
        self._relay.loaded.connect(self._on_loaded)
        self.decoded = 0  # how many images were decoded (tests, stats)

    def get(self, path: str | None, size: QSize, dpr: float = 1.0) -> QPixmap | None:
        """The pixmap for ``path`` at ``size`` logical pixels, or None while it loads."""
        if not path:
            return None
        key = (path, max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key not in self._failed:
            self._enqueue(key)
        return None

    def peek(self, path: str, size: QSize, dpr: float = 1.0) -> QPixmap | None:
        key = (path, max(1, round(size.width() * dpr)), max(1, round(size.height() * dpr)))
        return self._pixmaps.get(key)

    def cached(self) -> list[Key]:
        """What is cached: (path, device width, device height), oldest first."""
        return list(self._pixmaps)

    def __len__(self) -> int:
        return len(self._pixmaps)

    def clear(self) -> None:
        self._pixmaps.clear()
        self._failed.clear()
        self.bytes = 0

    def forget_failures(self) -> None:
        """Retry files that could not be read (a scan may have written them since).
        Loaded pixmaps stay: thumbnail files are named by content, never rewritten."""
        self._failed.clear()

    def shutdown(self, timeout_ms: int = 3000) -> None:
        with self._lock:
            self._queue.clear()
            self._queued.clear()
        self.pool.waitForDone(timeout_ms)

    # -- queue (shared with the drain threads) ---------------------------------
    def _enqueue(self, key: Key) -> None:
        with self._lock:
            if key in self._queued:
                return
            self._queue.append(key)
            self._queued.add(key)
            while len(self._queue) > self.max_queue:  # scrolled far past: forget the oldest asks
                self._queued.discard(self._queue.popleft())
            start = self._drains < self.pool.maxThreadCount()
            if start:
                self._drains += 1
        if start:
            self.pool.start(_Drain(self))

    def _next_request(self) -> Key | None:
        with self._lock:
            if not self._queue:
                self._drains -= 1
                return None
            return self._queue.pop()  # newest first: what is on screen now

    def _on_loaded(self, key: object, image: object) -> None:
        assert isinstance(key, tuple) and isinstance(image, QImage)
        with self._lock:
            self._queued.discard(key)  # type: ignore[arg-type]
        if image.isNull():
            self._failed.add(key)  # type: ignore[arg-type]
            return
        self.decoded += 1
        pixmap = QPixmap.fromImage(image)
        old = self._pixmaps.pop(key, None)  # type: ignore[arg-type]
        if old is not None:
            self.bytes -= _size(old)
        self._pixmaps[key] = pixmap  # type: ignore[index]
        self.bytes += _size(pixmap)
        while len(self._pixmaps) > 1 and (len(self._pixmaps) > self.capacity or self.bytes > self.budget_bytes):
            _key, evicted = self._pixmaps.popitem(last=False)
            self.bytes -= _size(evicted)
        self.ready.emit(key[0])
