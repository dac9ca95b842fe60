"""Small line icons drawn for pyrec (24×24 SVG, stroked in the text colour).

Desktop icon themes are missing on many systems (and in offscreen renders),
so the app carries its own; they are tinted from the palette at render time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QWidget

_SHAPES: dict[str, str] = {
    "home": '<path d="M3 11 12 4l9 7"/><path d="M5.5 9.5V20h5v-6h3v6h5V9.5"/>',
    "library": '<rect x="3" y="3" width="7.5" height="7.5" rx="1.5"/><rect x="13.5" y="3" width="7.5" height="7.5" rx="1.5"/>'
               '<rect x="3" y="13.5" width="7.5" height="7.5" rx="1.5"/><rect x="13.5" y="13.5" width="7.5" height="7.5" rx="1.5"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5 21 21"/>',
    "duplicates": '<rect x="3" y="7" width="12" height="13" rx="2"/><path d="M8 4h11a2 2 0 0 1 2 2v11"/>',
    "scan": '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>'
            '<path d="M12 10.5v6M9 13.5h6"/>',
    "privacy": '<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z"/><path d="m8.8 12 2.3 2.3 4.2-4.6"/>',
    "play": '<path d="M7 4.5v15l12.5-7.5z" fill="currentColor"/>',
    "like": '<path d="M7 10v10H4V10zM7 10l4-7c1.7 0 2.6 1.1 2.3 2.7L12.7 9H19a2 2 0 0 1 2 2.3l-1.3 6.9A2.2 2.2 0 0 1 17.5 20H7"/>',
    "dislike": '<path d="M7 14V4H4v10zM7 14l4 7c1.7 0 2.6-1.1 2.3-2.7L12.7 15H19a2 2 0 0 0 2-2.3l-1.3-6.9A2.2 2.2 0 0 0 17.5 4H7"/>',
    "hide": '<path d="M3 12s3.3-6 9-6 9 6 9 6-3.3 6-9 6-9-6-9-6z"/><circle cx="12" cy="12" r="2.6"/><path d="M4 20 20 4"/>',
    "watched": '<circle cx="12" cy="12" r="9"/><path d="m7.8 12.3 2.8 2.8 5.6-6"/>',
    "back": '<path d="M15 5l-7 7 7 7"/>',
    "refresh": '<path d="M20 12a8 8 0 1 1-2.4-5.7"/><path d="M20 4v5h-5"/>',
    "stop": '<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor"/>',
    "trash": '<path d="M4 7h16M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13"/><path d="M10 11v6M14 11v6"/>',
    "folder": '<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c.8-4 4-6 8-6s7.2 2 8 6"/>',
    "export": '<path d="M12 15V3M7.5 7.5 12 3l4.5 4.5"/><path d="M5 13v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6"/>',
    "offline": '<rect x="4" y="10" width="16" height="10" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "minus": '<path d="M5 12h14"/>',
}


APP_ICON = Path(__file__).with_name("resources") / "pyrec.svg"  # same file as packaging/pyrec.svg


def app_icon() -> QIcon:
    icon = QIcon()
    renderer = QSvgRenderer(str(APP_ICON))
    for side in (16, 24, 32, 48, 64, 128, 256):
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, side, side))
        painter.end()
        icon.addPixmap(QPixmap.fromImage(image))
    return icon


def names() -> list[str]:
    return sorted(_SHAPES)


def svg(name: str, colour: str) -> str:
    body = _SHAPES[name].replace("currentColor", colour)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        f'stroke="{colour}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
    )


def _render(name: str, colour: str, side: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg(name, colour).encode()))
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    return QPixmap.fromImage(image)


@lru_cache(maxsize=256)
def _icon(name: str, colour: str, disabled: str) -> QIcon:
    icon = QIcon()
    for side in (16, 20, 24, 32, 48, 64):
        icon.addPixmap(_render(name, colour, side), QIcon.Mode.Normal)
        icon.addPixmap(_render(name, disabled, side), QIcon.Mode.Disabled)
    return icon


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """The named icon, in ``colour`` or the current text colour."""
    pal = QGuiApplication.palette()
    if colour is None:
        colour = pal.color(QPalette.ColorRole.WindowText)
    value = colour.name() if isinstance(colour, QColor) else colour
    disabled = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return _icon(name, value, disabled)


def apply(widget: QAbstractButton, name: str) -> None:
    """Set a themed icon and remember its name, so ``refresh`` can re-tint it."""
    widget.setIcon(icon(name))
    widget.setProperty("iconName", name)


def refresh(root: QWidget) -> None:
    """Re-tint every button icon under ``root`` after a light/dark switch."""
    for widget in root.findChildren(QAbstractButton):
        name = widget.property("iconName")
        if isinstance(name, str) and name in _SHAPES:
            widget.setIcon(icon(name))
