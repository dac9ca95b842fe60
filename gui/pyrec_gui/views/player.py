"""Play inside the app (QtMultimedia's QMediaPlayer, FFmpeg backend) and
record what was really watched.

Unlike an external player, pyrec sees the playback position here, so the
watched time is measured, not asked: the sum of the forward steps the
position takes while playing (a seek is a jump, not watching). Leaving the
page (Escape, Back), closing the app or playing something else records the
play with where it stopped; reaching the end records it as finished and,
for an episode, offers the next one and starts it after a short countdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSlider, QVBoxLayout, QWidget

from pyrec.clock import format_clock
from pyrec.records import is_watched
from pyrec.shapes import Card
from pyrec_gui.models.items import display_title
from pyrec_gui.playback import play_writer
from pyrec_gui.widgets.common import button, label
from pyrec_gui.workers import ServiceRunner, error_line

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

STEP_MS = 2500  # a forward step of the position at most this long is watching; longer is a seek
SEEK_SECONDS = 10


def multimedia_problem() -> str | None:
    """Why the in-app player cannot work here, or None when it can."""
    try:
        from PySide6.QtMultimedia import QMediaFormat, QMediaPlayer  # noqa: F401
        from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: F401
    except ImportError as exc:
        return f"Qt Multimedia is not installed (pip install 'pyrec[gui]'): {exc}"
    if not QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode):
        return "Qt Multimedia has no media backend here (its FFmpeg plugin did not load)"
    return None


class PlayerView(QWidget):
    """The in-app player page."""

    recorded = Signal(int, str)  # video id, "play" or "watched" ("" when nothing was recorded)
    finished = Signal(int)  # video id: played to its end
    next_requested = Signal(dict)  # the next episode to play
    cannot_play = Signal(dict, str)  # the video, why (the file could not be opened or decoded here)
    failed = Signal(str)

    next_delay_ms = 5000  # the countdown before the next episode starts

    def __init__(self, runner: ServiceRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.runner = runner
        self.video: Card | None = None
        self.profile: str | None = None
        self.watched_ms = 0  # measured: forward steps while playing
        self._last_ms: int | None = None
        self._start_ms = 0  # where to start once the media has loaded
        self._started = False
        self.next_video: Card | None = None

        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.surface = QVideoWidget(self)
        self.surface.setMinimumSize(320, 180)
        self.surface.setStyleSheet("background: black")
        self.media.setVideoOutput(self.surface)
        self.media.positionChanged.connect(self._position)
        self.media.durationChanged.connect(self._duration)
        self.media.mediaStatusChanged.connect(self._status)
        self.media.playbackStateChanged.connect(lambda _s: self._sync_button())
        self.media.errorOccurred.connect(self._error)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 8)
        outer.setSpacing(6)
        self.title = label("", "h2")
        self.title.setContentsMargins(16, 8, 16, 0)
        outer.addWidget(self.title)
        outer.addWidget(self.surface, 1)
        controls = QHBoxLayout()
        controls.setContentsMargins(16, 0, 16, 0)
        self.toggle = button("Pause", "play", self.toggle_pause, tip="Play / pause (Space)")
        controls.addWidget(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Position")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows seek through the page, not twice
        self.slider.sliderMoved.connect(lambda ms: self.seek(ms / 1000.0))
        controls.addWidget(self.slider, 1)
        self.clock = label("0:00 / 0:00", "muted")
        controls.addWidget(self.clock)
        keys = label("Space pause · ←/→ 10 s · Esc back", "muted")
        controls.addWidget(keys)
        outer.addLayout(controls)
        self.up_next = QWidget()
        row = QHBoxLayout(self.up_next)
        row.setContentsMargins(16, 0, 16, 0)
        self.up_next_label = label("", None)
        row.addWidget(self.up_next_label, 1)
        self.play_next_button: QPushButton = button("Play now", "play", self.play_next, primary=True)
        row.addWidget(self.play_next_button)
        row.addWidget(button("Cancel", None, self.cancel_next))
        self.up_next.hide()
        outer.addWidget(self.up_next)
        self._next_timer = QTimer(self)
        self._next_timer.setSingleShot(True)
        self._next_timer.timeout.connect(self.play_next)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- starting and stopping -------------------------------------------------------
    def play(self, video: Card, profile: str | None, start: float | None = None) -> None:
        """Play ``video`` from ``start`` seconds; without one, from where this
        profile stopped (asked of the service while the file opens)."""
        self.stop()
        self.video, self.profile = video.copy(), profile
        self.watched_ms, self._last_ms, self._started = 0, None, False
        self._start_ms = int(max(0.0, start or 0.0) * 1000)
        if start is None:
            video_id, wanted = int(video["id"]), self.video
            self.runner.submit(lambda s: s.resume_at(video_id, profile),
                               lambda at: self._resume(wanted, at), lambda _exc: None, owner=self)
        self.cancel_next()
        self.title.setText(display_title(video))
        self.media.setSource(QUrl.fromLocalFile(video.get("path") or ""))
        self.media.play()
        self.setFocus()

    def _resume(self, video: Card | None, at: float | None) -> None:
        if at is None or video is not self.video:  # nothing stored, or another video plays now
            return
        if self._started:
            self.seek(at)
        else:
            self._start_ms = int(at * 1000)

    def stop(self) -> None:
        """Stop and record what was watched (nothing to do when nothing plays)."""
        self.cancel_next()
        if self.video is None:
            return
        position = self.position_seconds()
        self.media.stop()
        self._record(position, finished=False)

    def position_seconds(self) -> float:
        return self.media.position() / 1000.0

    def toggle_pause(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.media.pause()
        elif self.video is not None:
            self.media.play()

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` (a moment); a jump is not counted as watched."""
        self._last_ms = None
        self.media.setPosition(int(max(0.0, seconds) * 1000))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle_pause()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = SEEK_SECONDS if key == Qt.Key.Key_Right else -SEEK_SECONDS
            self.seek(self.position_seconds() + step)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.up_next.isVisible():
            self.play_next()
        else:
            super().keyPressEvent(event)

    # -- the media's reports --------------------------------------------------------------
    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia) \
                and not self._started:
            self._started = True
            if self._start_ms:
                self.seek(self._start_ms / 1000.0)
        elif status == QMediaPlayer.MediaStatus.EndOfMedia and self.video is not None:
            self._ended()

    def _position(self, ms: int) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        if playing and self._last_ms is not None and 0 < ms - self._last_ms <= STEP_MS:
            self.watched_ms += ms - self._last_ms
        self._last_ms = ms
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.clock.setText(f"{format_clock(ms / 1000)} / {format_clock(self.media.duration() / 1000)}")

    def _duration(self, ms: int) -> None:
        self.slider.setRange(0, max(0, ms))

    def _error(self, _error: object, text: str) -> None:
        video, self.video = self.video, None  # nothing was watched: nothing to record
        self.media.stop()
        if video is not None:
            self.cannot_play.emit(video, text or "the video could not be played")

    def _sync_button(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        self.toggle.setText("Pause" if playing else "Play")

    # -- the end and the next episode -------------------------------------------------------
    def _ended(self) -> None:
        video = self.video
        assert video is not None
        duration = self.media.duration() / 1000.0 or float(video.get("duration") or 0.0)
        self._record(duration, finished=True)
        self.finished.emit(int(video["id"]))
        video_id = int(video["id"])
        self.runner.submit(lambda s: s.next_episode(video_id), self._offer_next, lambda _exc: None, owner=self)

    def _offer_next(self, card: Card | None) -> None:
        if card is None or self.video is not None:  # no next one, or something else plays now
            return
        self.next_video = card
        self.up_next_label.setText(f"Up next: {display_title(card)} (starts in {self.next_delay_ms // 1000} s)")
        self.up_next.show()
        self._next_timer.start(self.next_delay_ms)

    def play_next(self) -> None:
        card, self.next_video = self.next_video, None
        self._next_timer.stop()
        self.up_next.hide()
        if card is not None:
            self.next_requested.emit(card)

    def cancel_next(self) -> None:
        self._next_timer.stop()
        self.next_video = None
        self.up_next.hide()

    # -- recording ----------------------------------------------------------------------------
    def _record(self, position: float, *, finished: bool) -> None:
        """Record the play once (then this player holds no video)."""
        video, self.video = self.video, None
        if video is None:
            return
        video_id, profile = int(video["id"]), self.profile
        watched = self.watched_ms / 1000.0
        duration = float(video.get("duration") or 0.0)
        if not finished and watched < 1.0:  # opened and left at once: no play
            self.recorded.emit(video_id, "")
            return
        finished = finished or bool(duration and is_watched(position / duration, duration))

        write = play_writer(video_id, profile, position=position, watched=watched, finished=finished)

        def done(event: int | None) -> None:
            self.recorded.emit(video_id, "" if event is None else ("watched" if finished else "play"))

        self.runner.submit(write, done, lambda exc: self.failed.emit(error_line(exc)))
