"""One video: large keyframe and strip, metadata, people and genres as links
into the graph, auto-labels, actions and "More like this"."""

from __future__ import annotations

import html
import os
import re
from collections import OrderedDict
from functools import partial
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pyrec_gui.models.items import ItemsModel, display_title, format_duration
from pyrec_gui.thumbnails import ThumbnailCache, cover, rgb_image
from pyrec_gui.widgets.card_view import CardRow
from pyrec_gui.widgets.common import button, clear_layout, label
from pyrec_gui.widgets.frame_preview import FramePreview
from pyrec_gui.widgets.keyframe_strip import HoverPreview, KeyframeStrip
from pyrec_gui.workers import ServiceRunner, error_line

from pyrec.clock import format_clock
from pyrec.shapes import Card, EntityJson, SoundJson, VideoDetail

if TYPE_CHECKING:
    from pyrec.service import PyrecService

# The detail page's actions: (id, text, icon, shortcut, tooltip)
ACTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("play", "Play", "play", "Ctrl+Return", "Play it (Space or Ctrl+Enter)"),
    ("like", "Like", "like", "Ctrl+L", "More like this in recommendations (Ctrl+L)"),
    ("dislike", "Dislike", "dislike", "Ctrl+D", "Less like this (Ctrl+D)"),
    ("hide", "Not interested", "hide", "Ctrl+H", "Never recommend this again (Ctrl+H)"),
    ("watched", "Mark watched", "watched", "Ctrl+M", "Count it as seen (Ctrl+M)"),
)
DONE_TEXT = {"like": "Liked", "dislike": "Disliked", "hide": "Hidden", "watched": "Watched"}
PEOPLE_ROLES = ("director", "creator", "writer", "actor", "producer")
OTHER_KINDS = (("series", "Series"), ("collection", "Collection"), ("studio", "Studio"), ("tag", "Tags"),
               ("folder", "Folder"))


FrameKey = tuple[int, float | None, int, int]  # video id, time (None: representative), device w, h


def sharp_frame(service: PyrecService, video_id: int, time: float | None, width: int, height: int) -> QImage:
    """Worker side: the frame decoded from the video, cropped to width × height
    device pixels (null when the video has no picture at all)."""
    data = service.frame(video_id, time=time, width=width, height=height)
    pixels = data["image"]
    if pixels is None:
        return QImage()
    return cover(rgb_image(pixels), width, height)


def human_size(size: int | None) -> str:
    if not size:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""


# What a moment is, said before its text on the detail page.
MOMENT_KINDS = {"subtitle": "said", "speech": "said", "screen_text": "on screen"}
SHOWN_MOMENTS = 8


def moment_link(time: float, text: str) -> str:
    """A link that plays from ``time`` (``t:`` hrefs; graph links are plain numbers)."""
    return f'<a href="t:{time:.3f}">{format_clock(time)}</a> {text}'


def media_rows(full: VideoDetail) -> list[tuple[str, str]]:
    """What the container carries, as (title, rich text) rows: format,
    chapters, subtitle tracks and the moments (lines said or shown), each
    time a link that plays from there."""
    rows: list[tuple[str, str]] = []
    media = full.get("media")
    if media and media["label"]:
        rows.append(("Format", html.escape(media["label"])))
    chapters = full.get("chapters") or []
    if chapters:
        rows.append(("Chapters", " · ".join(moment_link(c["time"], html.escape(c["text"])) for c in chapters)))
    tracks = full.get("subtitle_tracks") or []
    if tracks:
        rows.append(("Subtitles", ", ".join(html.escape(f"{t['language'] or 'und'} {t['codec']}") for t in tracks)))
    lines = [m for m in full.get("moments") or [] if m["kind"] != "chapter"][:SHOWN_MOMENTS]
    if lines:
        rows.append(("Moments", "<br>".join(
            moment_link(m["time"], f'<span style="color:gray">{MOMENT_KINDS.get(m["kind"], m["kind"])}</span> '
                                   f"{html.escape(m['text'])}") for m in lines)))
    return rows


def sound_text(sound: SoundJson | None) -> str:
    """What it sounds like: "talky · speech 80 %, music 0 % · −20.6 LUFS" ("" before pyrec listened)."""
    if not sound:
        return ""
    parts = [" · ".join(sound.get("traits") or [])] if sound.get("traits") else []
    bed = sound.get("music_bed") or 0.0
    over = f" ({bed * 100:.0f} % over music)" if bed >= 0.005 else ""
    parts.append(f"speech {sound['speech'] * 100:.0f} %{over}, music {sound['music'] * 100:.0f} %")
    loudness = sound.get("loudness_lufs")
    parts.append("silent" if loudness is None else f"{loudness:.1f} LUFS".replace("-", "\u2212"))
    return " · ".join(parts)


def shots_text(stats: Mapping[str, float] | None) -> str:
    """How it is cut: "12 scenes · 8.5 cuts per minute" ("" when the scan did not count)."""
    stats = stats or {}
    parts = []
    if stats.get("scenes"):
        scenes = int(stats["scenes"])
        parts.append(f"{scenes} scene{'s' if scenes != 1 else ''}")
    if stats.get("cuts_per_minute") is not None:
        parts.append(f"{stats['cuts_per_minute']:.1f} cuts per minute")
    return " · ".join(parts)


def format_of(video: Mapping[str, object]) -> str:
    """The codec as people know it, and the container when the service read it: "MPEG-4 in MP4"."""
    media = video.get("media")
    if isinstance(media, Mapping) and media.get("label"):
        return str(media["label"])
    name = video.get("codec_name") or video.get("codec")
    return str(name) if name else ""


class DetailView(QWidget):
    action_requested = Signal(str, dict)  # play / like / dislike / hide / watched
    entity_clicked = Signal(str, object, str)  # kind, entity id (None for labels), name
    video_activated = Signal(dict)
    play_at = Signal(dict, float)  # the video, from this many seconds (a chapter or a line)
    loaded = Signal(int)  # video id
    failed = Signal(str)

    def __init__(self, runner: ServiceRunner, thumbnails: ThumbnailCache, preview: HoverPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.thumbnails = thumbnails
        self.video: Card | None = None  # the card opened, completed by service.video()
        self._links: list[tuple[str, int | None, str]] = []
        self._generation = 0
        self._frames: OrderedDict[FrameKey, QPixmap] = OrderedDict()  # sharp frames, a few pages' worth
        self._frame_wanted: FrameKey | None = None
        self.frame_cache_size = 6
        self.resume_at: float | None = None  # where Play starts for this profile (None: the beginning)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 16, 20, 16)
        column.setSpacing(12)

        top = QHBoxLayout()
        top.setSpacing(20)
        left = QVBoxLayout()
        self.frame = FramePreview(thumbnails, 480)
        left.addWidget(self.frame)
        self.strip = KeyframeStrip(thumbnails, frame_width=76, limit=6)
        self.strip.frame_clicked.connect(self._show_frame)
        left.addWidget(self.strip)
        left.addStretch(1)
        top.addLayout(left)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.title = label("", "h1", wrap=True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.title)
        self.facts = label("", "muted", wrap=True)
        right.addWidget(self.facts)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for action_id, text, icon_name, keys, tip in ACTIONS:
            act = partial(self._act, action_id)
            widget = button(text, icon_name, act, tip=tip, primary=action_id == "play")
            widget.setCheckable(action_id != "play")
            self.buttons[action_id] = widget
            actions.addWidget(widget)
            QShortcut(QKeySequence(keys), self, act, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Space"), self, partial(self._act, "play"),
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        actions.addStretch(1)
        right.addLayout(actions)
        self.plot = label("", None, wrap=True)
        self.plot.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.plot)
        self.graph = QGridLayout()
        self.graph.setHorizontalSpacing(12)
        self.graph.setVerticalSpacing(6)
        self.graph.setColumnStretch(1, 1)
        right.addLayout(self.graph)
        self.path = label("", "muted", wrap=True)
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.path)
        right.addStretch(1)
        top.addLayout(right, 1)
        column.addLayout(top)

        self.similar_title = label("More like this", "h2")
        column.addWidget(self.similar_title)
        self.similar_model = ItemsModel(parent=self)
        self.similar = CardRow(thumbnails)
        self.similar.setModel(self.similar_model)
        self.similar.setAccessibleName("More like this")
        self.similar.video_activated.connect(self.video_activated)
        self.similar.action_requested.connect(self.action_requested)
        preview.attach(self.similar)
        column.addWidget(self.similar)
        self.similar_status = label("", "muted")
        column.addWidget(self.similar_status)
        column.addStretch(1)

    # -- loading ------------------------------------------------------------------
    def show_video(self, video: Card, profile: str | None = None) -> None:
        """Show what we already know at once, then fill in the rest off-thread."""
        self._generation += 1
        generation = self._generation
        video_id = video["id"]
        self.video = video.copy()
        self.resume_at = None
        for action_id, widget in self.buttons.items():
            widget.setChecked(False)
            widget.setText(next(a[1] for a in ACTIONS if a[0] == action_id))
        self._render_basic(self.video)
        self.frame.set_path(video.get("thumbnail"))
        self._load_sharp(video_id, None)
        self.strip.set_keyframes([])
        self.similar_model.set_items([])
        self.similar_status.setText("Finding similar videos…")
        self.runner.submit(lambda s: s.video(video_id), lambda full: self._full(generation, full),
                           lambda exc: self._error(generation, exc), owner=self)
        self.runner.submit(lambda s: s.resume_at(video_id, profile), lambda at: self._resume(generation, at),
                           lambda _exc: None, owner=self)
        self.runner.submit(lambda s: s.similar(video_id, n=20, profile=profile), lambda items: self._similar(generation, items),
                           lambda exc: self._similar_error(generation, exc), owner=self)

    def _full(self, generation: int, full: VideoDetail) -> None:
        if generation != self._generation:
            return
        assert self.video is not None
        # the card's score and reasons stay; every video field is the library's now
        self.video = cast(Card, {**self.video, **full})
        self._render_basic(self.video)
        self._render_graph(full)
        frames = full.get("keyframes") or []
        self.strip.set_keyframes(frames)
        if not self.frame.path and self.strip.keyframes:
            sharp = self.frame.sharp  # it may have arrived first: keep it
            self.frame.set_path(self.strip.keyframes[0].get("thumbnail"))
            self.frame.set_sharp(sharp)
        self.loaded.emit(int(full["id"]))

    def _resume(self, generation: int, at: float | None) -> None:
        """Say where Play starts when this profile stopped part-way."""
        if generation != self._generation:
            return
        self.resume_at = at
        # "Resume 0:05", not "Resume from 0:05": the action row must fit the default window width.
        self.buttons["play"].setText(f"Resume {format_clock(at)}" if at else "Play")
        self.buttons["play"].setToolTip(f"Resume from {format_clock(at)} (Space or Ctrl+Enter)" if at else ACTIONS[0][4])

    def _error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.failed.emit(error_line(exc))

    def _similar(self, generation: int, items: list[Card]) -> None:
        if generation != self._generation:
            return
        self.similar_model.set_items(items)
        self.similar_status.setText("" if items else "Nothing similar in the library yet.")
        self.similar_status.setVisible(not items)

    def _similar_error(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.similar_status.setText(f"Similar videos are not available: {error_line(exc)}")

    def _render_basic(self, video: Card) -> None:
        self.title.setText(display_title(video))
        facts = []
        series = cast(Mapping[str, object], video).get("series")  # not sent by the service today
        if series:
            season, episode = video.get("season"), video.get("episode")
            facts.append(f"{series} S{season or 0:02d}E{episode or 0:02d}" if season or episode else str(series))
        if video.get("year"):
            facts.append(str(video["year"]))
        if video.get("duration"):
            facts.append(format_duration(video["duration"]))
        if video.get("width") and video.get("height"):
            facts.append(f"{video['width']}×{video['height']}")
        if format_of(video):
            facts.append(format_of(video))
        if video.get("size"):
            facts.append(human_size(video["size"]))
        if video.get("rating"):
            facts.append(f"★ {video['rating']:.1f}")
        if video.get("status") and video["status"] != "ok":
            facts.append(f"⚠ {video['status']}")
        lines = ["  ·  ".join(facts)]
        data = cast(Mapping[str, object], video)
        sound = sound_text(cast("SoundJson | None", data.get("sound")))
        if sound:
            lines.append(f"Sound: {sound}")
        shots = shots_text(cast("Mapping[str, float] | None", data.get("stats")))
        if shots:
            lines.append(f"Shots: {shots}")
        self.facts.setText("\n".join(lines))
        reasons = video.get("reasons") or []
        plot = video.get("plot") or ""
        self.plot.setText(plot)
        self.plot.setVisible(bool(plot))
        if reasons:
            self.facts.setText(self.facts.text() + "\n" + " · ".join(reasons[:2]))
        self.path.setText(video.get("path") or "")
        self.path.setToolTip(os.path.dirname(video.get("path") or ""))

    def _render_graph(self, full: VideoDetail) -> None:
        clear_layout(self.graph)
        self._links = []
        rows: list[tuple[str, str]] = []
        entities = full.get("entities") or []
        people = [e for e in entities if e.get("kind") == "person"]
        for role in PEOPLE_ROLES:
            names = [e for e in people if e.get("role") == role]
            if names:
                title = {"actor": "Cast"}.get(role, role.title() + ("s" if len(names) > 1 else ""))
                rows.append((title, self._link_list(names)))
        genres = [e for e in entities if e.get("kind") == "genre"]
        if genres:
            rows.append(("Genres", self._link_list(genres)))
        for kind, title in OTHER_KINDS:
            found = [e for e in entities if e.get("kind") == kind]
            if found:
                rows.append((title, self._link_list(found)))
        labels = [lb for lb in (full.get("labels") or []) if lb.get("score", 0) >= 0.05][:8]
        if labels:
            parts = []
            for lb in labels:
                self._links.append(("label", None, lb["name"]))
                parts.append(f'<a href="{len(self._links) - 1}">{html.escape(lb["name"])}</a>'
                             f' <span style="color:gray">{lb["score"] * 100:.0f}%</span>')
            rows.append(("In the picture", " · ".join(parts)))
        rows += media_rows(full)
        for r, (title, text) in enumerate(rows):
            head = label(title, "muted")
            head.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
            value.linkActivated.connect(self._link)
            self.graph.addWidget(head, r, 0)
            self.graph.addWidget(value, r, 1)

    def _link_list(self, entities: list[EntityJson]) -> str:
        parts = []
        for e in entities:
            self._links.append((e["kind"], e.get("id"), e["name"]))
            extra = f' <span style="color:gray">as {html.escape(e["extra"])}</span>' if e.get("extra") else ""
            parts.append(f'<a href="{len(self._links) - 1}">{html.escape(e["name"])}</a>{extra}')
        return ", ".join(parts)

    def _link(self, href: str) -> None:
        if href.startswith("t:"):
            if self.video is not None:
                self.play_at.emit(dict(self.video), float(href[2:]))
            return
        kind, entity_id, name = self._links[int(href)]
        self.entity_clicked.emit(kind, entity_id, name)

    def moment_links(self) -> list[tuple[QLabel, str]]:
        """Every link that plays from a time: (its label, its href "t:SECONDS")."""
        found = []
        for i in range(self.graph.count()):
            item = self.graph.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.RichText:
                found += [(widget, href) for href in re.findall(r'href="(t:[\d.]+)"', widget.text())]
        return found

    def links(self) -> list[tuple[QLabel, str, tuple[str, int | None, str]]]:
        """Every graph link shown: (its label, its href, (kind, entity id, name))."""
        found = []
        for i in range(self.graph.count()):
            item = self.graph.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.RichText:
                for href in re.findall(r'href="(\d+)"', widget.text()):
                    found.append((widget, href, self._links[int(href)]))
        return found

    def _show_frame(self, index: int) -> None:
        keyframe = self.strip.keyframes[index]
        self.frame.set_path(keyframe.get("thumbnail"))
        if self.video is not None and keyframe.get("time") is not None:
            self._load_sharp(int(self.video["id"]), float(keyframe["time"]))

    # -- the sharp frame ---------------------------------------------------------------
    def _load_sharp(self, video_id: int, time: float | None) -> None:
        """Swap the (320 px) thumbnail for the frame decoded from the video at
        this widget's device size, decoded in the worker pool."""
        size = self.frame.device_size()
        key: FrameKey = (video_id, time, size.width(), size.height())
        self._frame_wanted = key
        cached = self._frames.get(key)
        if cached is not None:
            self._frames.move_to_end(key)
            self.frame.set_sharp(cached)
            return
        self.runner.submit(lambda s: sharp_frame(s, video_id, time, size.width(), size.height()),
                           lambda image: self._sharp_loaded(key, image), lambda _exc: None, owner=self)

    def _sharp_loaded(self, key: FrameKey, image: QImage) -> None:
        if image.isNull():
            return  # no picture: the thumbnail (or the placeholder) stays
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(key[2] / max(1, self.frame.width()))
        self._frames[key] = pixmap
        while len(self._frames) > self.frame_cache_size:
            self._frames.popitem(last=False)
        if key == self._frame_wanted:
            self.frame.set_sharp(pixmap)

    # -- actions -------------------------------------------------------------------
    def _act(self, action_id: str) -> None:
        if self.video is not None and self.isVisible():
            self.action_requested.emit(action_id, dict(self.video))

    def mark_done(self, action_id: str) -> None:
        """Reflect a recorded action on its button (called once the service confirmed)."""
        widget = self.buttons.get(action_id)
        if widget is not None and action_id in DONE_TEXT:
            widget.setChecked(True)
            widget.setText(DONE_TEXT[action_id])
        if action_id in ("like", "dislike"):  # one cancels the other on screen
            other = "dislike" if action_id == "like" else "like"
            self.buttons[other].setChecked(False)
            self.buttons[other].setText(next(a[1] for a in ACTIONS if a[0] == other))
