"""Keyframes of a video in a row: the hover preview over a card and the
scrubber on the detail page share this widget.

The hover preview is a child of the window (not a popup window), so it never
steals focus, works on every platform and shows up in screenshots.
"""

from __future__ import annotations


from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGraphicsDropShadowEffect,
    QSizePolicy,
    QWidget,
)

from pyrec_gui.models.items import Index, Role, keyframe_stamps
from pyrec_gui.thumbnails import ThumbnailCache
from pyrec_gui.workers import ServiceRunner

from pyrec.shapes import KeyframeJson


class KeyframeStrip(QFrame):
    """Paints up to ``limit`` keyframes side by side with their times."""

    frame_clicked = Signal(int)  # index into keyframes

    def __init__(self, thumbnails: ThumbnailCache, *, frame_width: int = 112, limit: int = 6,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.frame_size = QSize(frame_width, round(frame_width * 9 / 16))
        self.limit = limit
        self.keyframes: list[KeyframeJson] = []
        self.current = -1
        self.gap = 4
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        thumbnails.ready.connect(lambda _p: self.update() if self.isVisible() else None)

    def set_keyframes(self, keyframes: list[KeyframeJson]) -> None:
        self.keyframes = spread(keyframes, self.limit)
        self.current = -1
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        n = max(1, len(self.keyframes))
        return QSize(n * self.frame_size.width() + (n - 1) * self.gap + 12, self.frame_size.height() + 12)

    def frame_rect(self, i: int) -> QRect:
        return QRect(6 + i * (self.frame_size.width() + self.gap), 6, self.frame_size.width(),
                     self.frame_size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        dpr = self.devicePixelRatioF()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.78))
        stamps = keyframe_stamps([frame.get("time") for frame in self.keyframes])
        for i, frame in enumerate(self.keyframes):
            rect = self.frame_rect(i)
            path = QPainterPath()
            path.addRoundedRect(QRectF(rect), 5, 5)
            painter.save()
            painter.setClipPath(path)
            pixmap = self.thumbnails.get(frame.get("thumbnail"), rect.size(), dpr)
            if pixmap is not None:
                painter.drawPixmap(rect, pixmap)
            else:
                painter.fillRect(rect, pal.color(QPalette.ColorRole.Mid))
            stamp = stamps[i]
            painter.setFont(small)
            box = QRect(rect.left() + 4, rect.bottom() - 16, painter.fontMetrics().horizontalAdvance(stamp) + 8, 14)
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.setPen(QColor("white"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, stamp)
            painter.restore()
            if i == self.current:
                painter.setPen(pal.color(QPalette.ColorRole.Highlight))
                painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = next((i for i in range(len(self.keyframes)) if self.frame_rect(i).contains(event.position().toPoint())), -1)
        if hit != self.current:
            self.current = hit
            self.update()
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.current >= 0:
            self.frame_clicked.emit(self.current)
        super().mousePressEvent(event)


def spread(keyframes: list[KeyframeJson], limit: int) -> list[KeyframeJson]:
    """At most ``limit`` keyframes, evenly spaced through the video."""
    usable = [k for k in keyframes if k.get("thumbnail")]
    if len(usable) <= limit:
        return usable
    step = (len(usable) - 1) / (limit - 1)
    return [usable[round(i * step)] for i in range(limit)]


class HoverPreview(QObject):
    """Shows a keyframe strip under the card the pointer rests on.

    Installed on card views; keyframes come from ``service.video(id)`` off
    the GUI thread and are remembered for the session."""

    delay_ms = 450

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, host: QWidget) -> None:
        super().__init__(host)
        self.runner = runner
        self.host = host
        self.strip = KeyframeStrip(thumbnails, frame_width=104, limit=5, parent=host)
        self.strip.setObjectName("hoverStrip")
        shadow = QGraphicsDropShadowEffect(self.strip)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 90))
        self.strip.setGraphicsEffect(shadow)
        self.strip.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.strip.hide()
        self._keyframes: dict[int, list[KeyframeJson]] = {}
        self._view: QAbstractItemView | None = None
        self._video_id: int | None = None
        self._rect = QRect()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def attach(self, view: QAbstractItemView) -> None:
        view.viewport().installEventFilter(self)
        view.viewport().setProperty("hoverView", True)
        view.horizontalScrollBar().valueChanged.connect(lambda _v: self.hide())
        view.verticalScrollBar().valueChanged.connect(lambda _v: self.hide())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            view = watched.parent()
            if isinstance(view, QAbstractItemView):
                self._hover(view, event.position().toPoint())
        elif kind in (QEvent.Type.Leave, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.Hide):
            self.hide()
        return False

    def _hover(self, view: QAbstractItemView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        video_id = index.data(Role.Id) if index.isValid() else None
        if video_id == self._video_id and view is self._view:
            return
        self.hide()
        self._view, self._video_id = view, video_id
        if video_id is not None:
            self._rect = view.visualRect(index)
            self._timer.start(self.delay_ms)

    def show_for(self, view: QAbstractItemView, index: Index) -> None:
        """Show the strip for ``index`` now (keyboard users, screenshots)."""
        self._view, self._video_id = view, index.data(Role.Id)
        self._rect = view.visualRect(index)
        self._fire()

    def _fire(self) -> None:
        video_id = self._video_id
        if video_id is None:
            return
        if video_id in self._keyframes:
            self._show(video_id)
            return
        self.runner.submit(lambda s: s.video(video_id)["keyframes"],
                           lambda frames: self._loaded(video_id, frames), lambda _exc: None, owner=self.strip)

    def _loaded(self, video_id: int, frames: list[KeyframeJson]) -> None:
        self._keyframes[video_id] = frames
        if video_id == self._video_id:
            self._show(video_id)

    def _show(self, video_id: int) -> None:
        view = self._view
        frames = self._keyframes.get(video_id) or []
        if view is None or not frames or not view.isVisible():
            return
        self.strip.set_keyframes(frames)
        size = self.strip.sizeHint()
        self.strip.resize(size)
        anchor = view.viewport().mapTo(self.host, self._rect.bottomLeft())
        card_center = view.viewport().mapTo(self.host, self._rect.center()).x()
        x = max(4, min(card_center - size.width() // 2, self.host.width() - size.width() - 4))
        y = anchor.y() - 6
        if y + size.height() > self.host.height() - 4:  # no room below: above the card
            y = view.viewport().mapTo(self.host, self._rect.topLeft()).y() - size.height() + 6
        self.strip.move(x, max(4, y))
        self.strip.raise_()
        self.strip.show()

    def hide(self) -> None:
        self._timer.stop()
        self._video_id = None
        self.strip.hide()

    def visible_video(self) -> int | None:
        return self._video_id if self.strip.isVisible() else None
