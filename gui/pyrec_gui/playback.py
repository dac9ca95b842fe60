"""Play in the system's video player and record how much was watched.

pyrec cannot see inside another program, so it infers: the time between
opening the player and coming back to pyrec, capped at the video's length.
On return it asks (in the notice bar) and records the answer; if the
question is ignored, or pyrec closes first, the inferred amount is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from pyrec_gui.models.items import display_title, resume_position
from pyrec_gui.notices import NoticeAction, NoticeBar
from pyrec_gui.workers import ServiceRunner

UrlOpener = Callable[[QUrl], bool]
FINISHED = 0.9  # watched this share of the length: count it as finished


@dataclass
class PendingPlay:
    video: dict[str, Any]
    profile: str | None
    started: float  # monotonic clock
    start_position: float  # where the player started (a resume), seconds


def infer_watched(elapsed: float, duration: float | None, start_position: float = 0.0) -> float:
    """Seconds watched, from wall time away; never more than what was left."""
    if not duration or duration <= 0:
        return max(0.0, elapsed)
    return max(0.0, min(elapsed, duration - min(start_position, duration)))


class PlaybackTracker(QObject):
    recorded = Signal(int, str)  # video id, what was recorded ("play", "watched" or "" when not recorded)

    answer_timeout_ms = 90_000
    min_away_seconds = 3.0  # back sooner than this: the player probably failed to start

    def __init__(self, runner: ServiceRunner, notices: NoticeBar, *,
                 open_url: UrlOpener = QDesktopServices.openUrl,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.notices = notices
        self.open_url = open_url
        self.clock = clock
        self.pending: PendingPlay | None = None
        self._asked = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self.record_inferred)

    def play(self, video: dict[str, Any], profile: str | None) -> bool:
        if self.pending is not None:  # a second play before answering: settle the first
            self.record_inferred()
        path = video.get("path") or ""
        if not self.open_url(QUrl.fromLocalFile(path)):
            self.notices.error(f"{path}: no video player could open this file")
            return False
        start = resume_position(video) or 0.0
        self.pending = PendingPlay(dict(video), profile, self.clock(), start)
        self._asked = False
        return True

    def returned(self) -> None:
        """pyrec is in front again: ask how much was watched."""
        pending = self.pending
        if pending is None or self._asked:
            return
        elapsed = self.clock() - pending.started
        if elapsed < self.min_away_seconds:
            return
        self._asked = True
        duration = pending.video.get("duration")
        guess = infer_watched(elapsed, duration, pending.start_position)
        title = display_title(pending.video)
        actions = [NoticeAction("Finished it", self.record_finished, primary=True)]
        if guess > 0 and not (duration and guess >= duration * FINISHED):
            actions.append(NoticeAction(f"About {max(1, round(guess / 60))} min", self.record_inferred))
        actions.append(NoticeAction("Didn't watch", self.record_nothing))
        self.notices.ask(f"Back from “{title}”. How much did you watch?", actions, key="watched")
        self._timeout.start(self.answer_timeout_ms)

    def _settle(self) -> PendingPlay | None:
        self._timeout.stop()
        pending, self.pending = self.pending, None
        for notice in [n for n in self.notices.notices if n.spec.key == "watched"]:
            notice.dismiss()
        return pending

    def record_finished(self) -> None:
        pending = self._settle()
        if pending is None:
            return
        duration = float(pending.video.get("duration") or 0.0)
        watched = max(0.0, duration - pending.start_position) if duration else None
        self._record(pending, position=duration or None, watched=watched, finished=True)

    def record_inferred(self) -> None:
        pending = self._settle()
        if pending is None:
            return
        elapsed = self.clock() - pending.started
        duration = float(pending.video.get("duration") or 0.0)
        watched = infer_watched(elapsed, duration, pending.start_position)
        finished = duration > 0 and pending.start_position + watched >= duration * FINISHED
        self._record(pending, position=pending.start_position + watched, watched=watched, finished=finished)

    def record_nothing(self) -> None:
        pending = self._settle()
        if pending is not None:
            self.recorded.emit(int(pending.video["id"]), "")

    def _record(self, pending: PendingPlay, *, position: float | None, watched: float | None, finished: bool) -> None:
        video_id = int(pending.video["id"])
        profile = pending.profile

        def write(s: Any) -> object:
            event = s.record_play(video_id, profile, position=position, watched_seconds=watched)
            if finished and event is not None:
                s.mark_watched(video_id, profile)
            return event

        def done(event: object) -> None:
            if event is None:
                self.notices.info("Private session: this play was not recorded.", key="private-play")
            self.recorded.emit(video_id, "" if event is None else ("watched" if finished else "play"))

        self.runner.submit(write, done)

    def flush(self) -> None:
        """Closing: record what we can infer rather than lose the play."""
        if self.pending is not None:
            self.record_inferred()
