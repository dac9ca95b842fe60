"""A large keyframe, cropped to 16:9 and drawn at the screen's pixel density.

It shows the stored thumbnail at once (``set_path``) and, when a sharper
picture of the same frame arrives (``set_sharp``: decoded from the video at
the widget's device size), draws that instead."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from pyrec_gui.thumbnails import ThumbnailCache


class FramePreview(QWidget):
    def __init__(self, thumbnails: ThumbnailCache, width: int = 480, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.path: str | None = None
        self.sharp: QPixmap | None = None
        self.setFixedSize(QSize(width, round(width * 9 / 16)))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        thumbnails.ready.connect(self._ready)

    def set_path(self, path: str | None) -> None:
        """Show this thumbnail (and forget any sharp picture of another frame)."""
        self.path = path
        self.sharp = None
        self.update()

    def set_sharp(self, pixmap: QPixmap | None) -> None:
        """A picture exactly :meth:`device_size` big (device pixel ratio set) to draw instead."""
        self.sharp = pixmap if pixmap is not None and not pixmap.isNull() else None
        self.update()

    def device_size(self) -> QSize:
        dpr = self.devicePixelRatioF()
        return QSize(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)))

    def pixmap(self) -> QPixmap | None:
        """What is drawn now: the sharp picture, else the thumbnail if loaded."""
        if self.sharp is not None:
            return self.sharp
        return self.thumbnails.peek(self.path, self.size(), self.devicePixelRatioF()) if self.path else None

    def _ready(self, path: str) -> None:
        if path == self.path and self.sharp is None:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(self.rect()), 10, 10)
        painter.setClipPath(clip)
        pixmap = self.sharp or self.thumbnails.get(self.path, self.size(), self.devicePixelRatioF())
        if pixmap is not None:
            painter.drawPixmap(self.rect(), pixmap)
        else:
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Mid))
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No preview" if not self.path else "")
        painter.end()
