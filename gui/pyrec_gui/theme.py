"""Colours and style that follow the system: light or dark comes from the
platform palette and colour scheme, accents from its Highlight colour.

Everything that paints asks ``theme`` (or the widget palette) at paint time,
so a live switch between light and dark repaints correctly.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEME_ENV = "PYREC_GUI_THEME"  # "dark" or "light" forces a scheme (screenshots, odd desktops)

_LEVEL_COLOURS = {"info": "#3d7dd8", "success": "#2e9d57", "warning": "#d99a1e", "error": "#d64545"}


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def level_color(level: str) -> str:
    return _LEVEL_COLOURS.get(level, _LEVEL_COLOURS["info"])


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """A neutral dark palette for when the system asks for dark but the
    platform theme hands Qt a light one (bare X11/Wayland sessions)."""
    pal = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#1f2124", roles.WindowText: "#e6e6e6", roles.Base: "#17181a",
        roles.AlternateBase: "#26282c", roles.ToolTipBase: "#2b2d31", roles.ToolTipText: "#e6e6e6",
        roles.PlaceholderText: "#8b8f96", roles.Text: "#e6e6e6", roles.Button: "#2b2d31",
        roles.ButtonText: "#e6e6e6", roles.BrightText: "#ff6b6b", roles.Light: "#3a3d42",
        roles.Midlight: "#313338", roles.Mid: "#26282c", roles.Dark: "#111214", roles.Shadow: "#000000",
        roles.Highlight: "#4c8dff", roles.HighlightedText: "#ffffff", roles.Link: "#7fb0ff",
        roles.LinkVisited: "#b494ff",
    }
    for role, value in colours.items():
        pal.setColor(role, QColor(value))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#70747a"))
    return pal


def light_palette() -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#f4f4f5", roles.WindowText: "#1d1d1f", roles.Base: "#ffffff",
        roles.AlternateBase: "#ebebed", roles.ToolTipBase: "#ffffff", roles.ToolTipText: "#1d1d1f",
        roles.PlaceholderText: "#80848a", roles.Text: "#1d1d1f", roles.Button: "#ececee",
        roles.ButtonText: "#1d1d1f", roles.BrightText: "#d64545", roles.Light: "#ffffff",
        roles.Midlight: "#f0f0f2", roles.Mid: "#c8c8cc", roles.Dark: "#a0a0a6", roles.Shadow: "#606066",
        roles.Highlight: "#2f6fde", roles.HighlightedText: "#ffffff", roles.Link: "#2f6fde",
        roles.LinkVisited: "#7340d0",
    }
    for role, value in colours.items():
        pal.setColor(role, QColor(value))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9a9aa0"))
    return pal


def wanted_scheme() -> str:
    """"dark", "light" or "system"."""
    forced = os.environ.get(THEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return "dark"
    if scheme == Qt.ColorScheme.Light:
        return "light"
    return "system"


def apply(app: QApplication) -> None:
    """Fusion style (it honours palettes everywhere) and the system's scheme."""
    app.setStyle("Fusion")
    scheme = wanted_scheme()
    system = app.style().standardPalette()
    if scheme == "dark" and not is_dark(system):
        app.setPalette(dark_palette())
    elif scheme == "light" and is_dark(system):
        app.setPalette(light_palette())
    elif scheme == "system" and not is_dark(system):
        app.setPalette(light_palette())  # Fusion's default grey is dull; same lightness, crisper
    else:
        app.setPalette(system)
    app.setStyleSheet(stylesheet(app.palette()))


def follow_system(app: QApplication) -> None:
    """Re-apply when the desktop switches between light and dark."""
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app))


def stylesheet(palette: QPalette | None = None) -> str:
    # palette(...) keeps most rules right in both schemes; scroll bar handles
    # need a tone between background and text, computed here. The big views
    # (grids, shelves) are painted by delegates, not styled, to stay fast.
    pal = palette or QGuiApplication.palette()
    window, text = pal.color(QPalette.ColorRole.Window), pal.color(QPalette.ColorRole.WindowText)
    handle, handle_hover = mix(window, text, 0.28).name(), mix(window, text, 0.45).name()
    return """
    QFrame#sidebarFrame { background: palette(alternate-base); border-right: 1px solid palette(midlight); }
    QListWidget#sidebar { background: transparent; border: none; outline: 0; }
    QListWidget#sidebar::item { padding-left: 10px; border-radius: 7px; margin: 1px 10px; }
    QLabel[role="brand"] { font-size: 15pt; font-weight: 700; }
    QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
    QListWidget#sidebar::item:hover:!selected { background: palette(midlight); }
    QLabel[role="h1"] { font-size: 20pt; font-weight: 600; }
    QLabel[role="h2"] { font-size: 13pt; font-weight: 600; }
    QLabel[role="muted"] { color: palette(placeholder-text); }
    QLabel[role="chip"] { background: palette(alternate-base); border-radius: 9px; padding: 2px 8px; }
    QFrame#topbar { border-bottom: 1px solid palette(mid); }
    QLineEdit#search { border-radius: 14px; padding: 4px 10px; min-height: 20px; border: 1px solid palette(mid); background: palette(base); }
    QLineEdit#search:focus { border: 1px solid palette(highlight); }
    QScrollArea { border: none; }
    QFrame#dupeCard { border: 1px solid palette(mid); border-radius: 10px; background: palette(base); }
    QFrame#dupeCard[kept="true"] { border: 2px solid palette(highlight); }
    QFrame#hoverStrip { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
    QScrollBar:horizontal { height: 10px; background: transparent; margin: 0 8px 0 8px; }
    QScrollBar:vertical { width: 10px; background: transparent; margin: 4px 1px 4px 0; }
    QScrollBar::handle { background: HANDLE; border-radius: 4px; margin: 1px; }
    QScrollBar::handle:horizontal { min-width: 48px; }
    QScrollBar::handle:vertical { min-height: 48px; }
    QScrollBar::handle:hover { background: HANDLE_HOVER; }
    QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }
    QScrollBar::add-page, QScrollBar::sub-page { background: none; }
    """.replace("HANDLE_HOVER", handle_hover).replace("HANDLE", handle)
