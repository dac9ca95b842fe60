"""Paints one video card: thumbnail (cropped to 16:9, high-DPI), duration
badge, progress bar, title, a second line and the one-line reason.

Painted rather than built from widgets so a grid of 100k rows costs nothing
until a card scrolls into view.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from pyrec_gui import theme
from pyrec_gui.models.items import Role
from pyrec_gui.thumbnails import ThumbnailCache

DAMAGED_RED = "#c62828"  # the "Damaged" badge: a truncated file that stops early

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CardStyle:
    width: int = 208  # thumbnail width, logical px
    margin: int = 8  # around each card
    radius: float = 8.0
    show_reason: bool = True

    @property
    def thumb_size(self) -> QSize:
        return QSize(self.width, round(self.width * 9 / 16))


class CardDelegate(QStyledItemDelegate):
    def __init__(self, thumbnails: ThumbnailCache, style: CardStyle | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.card = style or CardStyle()

    # -- geometry -------------------------------------------------------------------
    def _fonts(self, base: QFont) -> tuple[QFont, QFont]:
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        return title, small

    def card_size(self, font: QFont) -> QSize:
        title, small = self._fonts(font)
        lines = QFontMetrics(title).height() + QFontMetrics(small).height() + 6
        if self.card.show_reason:
            lines += QFontMetrics(small).height() + 2
        thumb = self.card.thumb_size
        return QSize(thumb.width() + 2 * self.card.margin, thumb.height() + lines + 2 * self.card.margin + 6)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return self.card_size(option.font)

    def thumb_rect(self, option_rect: QRect) -> QRect:
        m = self.card.margin
        return QRect(option_rect.x() + m, option_rect.y() + m, self.card.thumb_size.width(),
                     self.card.thumb_size.height())

    # -- painting -------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        pal: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        card = QRectF(option.rect.adjusted(2, 2, -2, -2))
        if selected or hovered:
            back = pal.color(QPalette.ColorRole.Highlight) if selected else pal.color(QPalette.ColorRole.Midlight)
            fill = theme.mix(pal.color(QPalette.ColorRole.Base), back, 0.28 if selected else 0.6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(card, self.card.radius + 2, self.card.radius + 2)

        thumb = self.thumb_rect(option.rect)
        path = QPainterPath()
        path.addRoundedRect(QRectF(thumb), self.card.radius, self.card.radius)
        painter.save()
        painter.setClipPath(path)
        dpr = option.widget.devicePixelRatioF() if option.widget is not None else painter.device().devicePixelRatioF()
        pixmap = self.thumbnails.get(index.data(Role.Thumbnail), thumb.size(), dpr)
        if pixmap is not None:
            painter.drawPixmap(thumb, pixmap)
        else:
            self._placeholder(painter, thumb, index)
        self._progress(painter, thumb, index.data(Role.Progress), pal)
        painter.restore()
        self._badge(painter, thumb, index.data(Role.Duration) or "", option.font)
        if index.data(Role.Damage):
            self._badge(painter, thumb, "Damaged", option.font, top_left=True, colour=QColor(DAMAGED_RED))
        if selected or focused:
            pen = QPen(pal.color(QPalette.ColorRole.Highlight), 2.5 if selected else 1.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(thumb).adjusted(1, 1, -1, -1), self.card.radius, self.card.radius)

        self._texts(painter, option, index, thumb)
        painter.restore()

    def _placeholder(self, painter: QPainter, rect: QRect, index: Index) -> None:
        # A calm two-tone gradient per video, so a grid still loading reads as cards.
        seed = zlib.crc32(str(index.data(Role.Id)).encode())
        hue = seed % 360
        top = QColor.fromHsl(hue, 70, 90)
        bottom = QColor.fromHsl((hue + 40) % 360, 90, 50)
        gradient = QLinearGradient(rect.topLeft(), rect.bottomRight())
        gradient.setColorAt(0, top)
        gradient.setColorAt(1, bottom)
        painter.fillRect(rect, gradient)
        painter.setPen(QColor(255, 255, 255, 150))
        font = QFont(painter.font())
        font.setPixelSize(max(12, rect.height() // 3))
        font.setWeight(QFont.Weight.Bold)
        painter.setFont(font)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "?")
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, title[:1].upper())

    def _progress(self, painter: QPainter, thumb: QRect, progress: float | None, pal: QPalette) -> None:
        if progress is None or progress <= 0:
            return
        bar = QRect(thumb.left(), thumb.bottom() - 3, thumb.width(), 4)
        painter.fillRect(bar, QColor(0, 0, 0, 120))
        done = QRect(bar.left(), bar.top(), max(3, round(bar.width() * progress)), bar.height())
        painter.fillRect(done, QColor("#e5484d") if progress < 0.97 else pal.color(QPalette.ColorRole.Highlight))

    def _badge(self, painter: QPainter, thumb: QRect, text: str, base: QFont, *, top_left: bool = False,
               colour: QColor | None = None) -> None:
        if not text:
            return
        font = QFont(base)
        font.setPointSizeF(max(7.0, base.pointSizeF() * 0.8))
        font.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(font)
        w, h = fm.horizontalAdvance(text) + 10, fm.height() + 2
        box = (QRectF(thumb.left() + 5, thumb.top() + 5, w, h) if top_left
               else QRectF(thumb.right() - w - 5, thumb.bottom() - h - 8, w, h))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour if colour is not None else QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QColor("white"))
        painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _texts(self, painter: QPainter, option: QStyleOptionViewItem, index: Index, thumb: QRect) -> None:
        pal: QPalette = option.palette
        title_font, small = self._fonts(option.font)
        x, width = thumb.left() + 2, thumb.width() - 4
        y = thumb.bottom() + 7
        tfm = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.drawText(QRect(x, y, width, tfm.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         tfm.elidedText(title, Qt.TextElideMode.ElideRight, width))
        y += tfm.height() + 1
        sfm = QFontMetrics(small)
        painter.setFont(small)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        subtitle = str(index.data(Role.Subtitle) or "")
        painter.setPen(muted)
        painter.drawText(QRect(x, y, width, sfm.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         sfm.elidedText(subtitle, Qt.TextElideMode.ElideRight, width))
        if self.card.show_reason:
            reason = str(index.data(Role.Reason) or "")
            if reason:
                y += sfm.height() + 2
                accent = theme.mix(pal.color(QPalette.ColorRole.Highlight), pal.color(QPalette.ColorRole.Text), 0.25)
                painter.setPen(accent)
                painter.drawText(QRect(x, y, width, sfm.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 sfm.elidedText(reason, Qt.TextElideMode.ElideRight, width))
