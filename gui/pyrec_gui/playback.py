"""Play in the system's video player and record how much was watched.

pyrec cannot see inside another program, so it asks, and infers what it
is not told. As soon as the player opens, a question sits in the notice bar
("Finished it / About half / Just started / Not now") and stays until it is
answered or dismissed: it does not depend on the window manager telling pyrec
it is in front again. When the window is activated again the question comes
back to the top with a guess from the time away (capped at the video's
length). "Not now" before that return asks again on return; after it, or if
the question is ignored, or pyrec closes first, the inferred amount is recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from pyrec.records import is_watched
from pyrec_gui.models.items import display_title, resume_position
from pyrec_gui.notices import Notice, NoticeAction, NoticeBar
from pyrec_gui.workers import ServiceRunner

from pyrec.shapes import Card

if TYPE_CHECKING:
    from pyrec.service import PyrecService

UrlOpener = Callable[[QUrl], bool]


@dataclass
class PendingPlay:
    video: Card
    profile: str | None
    started: float  # monotonic clock
    start_position: float  # where the player started (a resume), seconds


def infer_watched(elapsed: float, duration: float | None, start_position: float = 0.0) -> float:
    """Seconds watched, from wall time away; never more than what was left."""
    if not duration or duration <= 0:
        return max(0.0, elapsed)
    return max(0.0, min(elapsed, duration - min(start_position, duration)))


def play_writer(video_id: int, profile: str | None, *, position: float | None, watched: float | None,
                finished: bool) -> Callable[[PyrecService], int | None]:
    """The worker job that stores a play and, when it was finished, the
    "watched" mark; it returns the play's event id (None: not recorded)."""

    def write(s: PyrecService) -> int | None:
        event = s.record_play(video_id, profile, position=position, watched_seconds=watched)
        if finished and event is not None:
            s.mark_watched(video_id, profile)
        return event

    return write


class PlaybackTracker(QObject):
    recorded = Signal(int, str)  # video id, what was recorded ("play", "watched" or "" when not recorded)

    answer_timeout_ms = 90_000
    min_away_seconds = 3.0  # back sooner than this: the player probably failed to start
    just_started = 0.1  # "Just started": this share of what was left

    def __init__(self, runner: ServiceRunner, notices: NoticeBar, *,
                 open_url: UrlOpener = QDesktopServices.openUrl,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.notices = notices
        self.open_url = open_url
        self.clock = clock
        self.pending: PendingPlay | None = None
        self.prompt: Notice | None = None  # the question on screen, if any
        self._asked = False  # asked again on return (with a guess)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self.record_inferred)

    def play(self, video: Card, profile: str | None) -> bool:
        if self.pending is not None:  # a second play before answering: settle the first
            self.record_inferred()
        path = video.get("path") or ""
        if not self.open_url(QUrl.fromLocalFile(path)):
            self.notices.error(f"{path}: no video player could open this file")
            return False
        start = resume_position(video) or 0.0
        self.pending = PendingPlay(video.copy(), profile, self.clock(), start)
        self._asked = False
        self._ask(f"Playing “{display_title(video)}” in your video player. How much did you watch? "
                  "(answer when you are done)", guess=None)
        return True

    def _ask(self, text: str, guess: float | None) -> None:
        """(Re)show the question; it stays until answered or dismissed."""
        pending = self.pending
        assert pending is not None
        duration = pending.video.get("duration")
        actions = [NoticeAction("Finished it", self.record_finished, primary=True)]
        if guess is not None and guess > 0 and not (duration and is_watched(guess / duration, duration)):
            actions.append(NoticeAction(f"About {max(1, round(guess / 60))} min", self.record_inferred,
                                        tip="The time you were away from pyrec"))
        actions += [
            NoticeAction("About half", partial(self.record_share, 0.5)),
            NoticeAction("Just started", partial(self.record_share, self.just_started)),
            NoticeAction("Not now", lambda: None,  # the dismissal itself is handled in _closed
                         tip="Ask again when you come back; if you do not answer, "
                             "pyrec estimates it from the time you were away"),
        ]
        self.prompt = None  # replacing the old question is not dismissing it
        notice = self.notices.ask(text, actions, key="watched", sticky=True)
        self.prompt = notice
        notice.closed.connect(partial(self._closed, notice))

    def _closed(self, notice: Notice) -> None:
        """The question went away: answered (pending already settled), replaced,
        or dismissed ("Not now" or ✕)."""
        if notice is not self.prompt:
            return
        self.prompt = None
        if self.pending is None:
            return
        if self._asked:  # back already and still no answer: estimate it now
            QTimer.singleShot(0, self.record_inferred)
        # before the return: ask again then (returned() re-asks)

    def returned(self) -> None:
        """pyrec is in front again: ask again, now with a guess."""
        pending = self.pending
        if pending is None or self._asked:
            return
        elapsed = self.clock() - pending.started
        if elapsed < self.min_away_seconds:
            return
        self._asked = True
        guess = infer_watched(elapsed, pending.video.get("duration"), pending.start_position)
        self._ask(f"Back from “{display_title(pending.video)}”. How much did you watch?", guess)
        self._timeout.start(self.answer_timeout_ms)

    def _settle(self) -> PendingPlay | None:
        self._timeout.stop()
        pending, self.pending = self.pending, None
        self.prompt = None
        for notice in [n for n in self.notices.notices if n.spec.key == "watched"]:
            notice.dismiss()
        return pending

    def record_share(self, share: float) -> None:
        """An answer as a share of what was left to watch ("About half")."""
        pending = self.pending
        if pending is None:
            return
        duration = float(pending.video.get("duration") or 0.0)
        if duration <= 0:  # unknown length: the time away is all there is
            self.record_inferred()
            return
        self._settle()
        remaining = max(0.0, duration - min(pending.start_position, duration))
        watched = remaining * min(1.0, max(0.0, share))
        position = pending.start_position + watched
        self._record(pending, position=position, watched=watched, finished=bool(is_watched(position / duration, duration)))

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
        finished = duration > 0 and bool(is_watched((pending.start_position + watched) / duration, duration))
        self._record(pending, position=pending.start_position + watched, watched=watched, finished=finished)

    def record_nothing(self) -> None:
        pending = self._settle()
        if pending is not None:
            self.recorded.emit(int(pending.video["id"]), "")

    def _record(self, pending: PendingPlay, *, position: float | None, watched: float | None, finished: bool) -> None:
        video_id = int(pending.video["id"])
        profile = pending.profile

        write = play_writer(video_id, profile, position=position, watched=watched, finished=finished)

        def done(event: int | None) -> None:
            if event is None:
                self.notices.info("Private session: this play was not recorded.", key="private-play")
            self.recorded.emit(video_id, "" if event is None else ("watched" if finished else "play"))

        self.runner.submit(write, done)

    def flush(self) -> None:
        """Closing: record what we can infer rather than lose the play."""
        if self.pending is not None:
            self.record_inferred()
