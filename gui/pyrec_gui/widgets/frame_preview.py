"""A large keyframe, cropped to 16:9 and drawn at the screen's pixel density."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from pyrec_gui.thumbnails import ThumbnailCache


class FramePreview(QWidget):
    def __init__(self, thumbnails: ThumbnailCache, width: int = 480, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.path: str | None = None
        self.setFixedSize(QSize(width, round(width * 9 / 16)))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        thumbnails.ready.connect(self._ready)

    def set_path(self, path: str | None) -> None:
        self.path = path
        self.update()

    def _ready(self, path: str) -> None:
        if path == self.path:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(self.rect()), 10, 10)
        painter.setClipPath(clip)
        pixmap = self.thumbnails.get(self.path, self.size(), self.devicePixelRatioF())
        if pixmap is not None:
            painter.drawPixmap(self.rect(), pixmap)
        else:
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Mid))
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No preview" if not self.path else "")
        painter.end()
