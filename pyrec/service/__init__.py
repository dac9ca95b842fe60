"""The one API the front ends (CLI, GUI) use. It owns the library connection,
the cache dir and the long jobs; front ends never run SQL or call the core.

PyrecService is a thin front over a few parts, one job each, that it builds
and wires together in its constructor:

    Store            the library file (opened on first use) and the cache dir
    Behaviour        profiles, recording plays/likes/…, history  ──on_recorded──┐
    Privacy          forget, export, backup                      ──on_forgotten─┤
    Importing        import history from Kodi/Jellyfin/Plex/Trakt, ──on_changed─┤
                     forget it by source, write .nfo played state
    Scanning         scan, library folders, trashing copies      ──on_changed───┤
    WarmRecommender  the recommender, its index, online updates, retrains,  ◄───┘
                     duplicate detection
    Recommending     recommendations, shelves, similar, search, duplicates as cards
    Browsing         one video, pages, facets, a sharp frame
    Diagnostics      doctor, model status

The parts never call back into the service: what one part must tell another
(an event was stored, a history was forgotten, the catalogue changed) is a
callback handed in here. Every answer is a shape from pyrec.shapes.

Importing this is kept light (no OpenCV, ONNX Runtime or scanner): those load
inside the methods that need them, so the desktop app opens sooner.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from pyrec import shapes
from pyrec.library import Library, Profile, VideoInfo
from pyrec.records import RATING_SCALE
from pyrec.service.behaviour import DEFAULT_PROFILE, Behaviour
from pyrec.service.browsing import Browsing
from pyrec.service.diagnostics import Diagnostics
from pyrec.service.importing import ImportReport, Importing, NfoExportReport
from pyrec.service.privacy import Privacy
from pyrec.service.recommending import Recommending
from pyrec.service.scanning import ScanOptions, Scanning
from pyrec.service.store import Ref, Store
from pyrec.service.tonight import SURPRISE_POOL, HomeRows, Tonight, arrange
from pyrec.service.warm import WarmRecommender

if TYPE_CHECKING:
    from pyrec.recommend.engine import Recommender
    from pyrec.features.deep import DeepStage
    from pyrec.scan.deep import DeepProgressCallback, DeepSummary
    from pyrec.scan.scanner import ScanSummary


class PyrecService:
    """A library plus everything to do with it. Use as a context manager or call close()."""

    def __init__(self, db_path: str | os.PathLike[str] | None = None, *,
                 cache_dir: str | os.PathLike[str] | None = None) -> None:
        self._store = Store(db_path, cache_dir=cache_dir)
        self.db_path: Path = self._store.db_path
        self.cache_dir: Path = self._store.cache_dir
        self._warm = WarmRecommender(self._store)
        self._behaviour = Behaviour(self._store, on_recorded=self._warm.record)
        self._privacy = Privacy(self._store, self._behaviour, on_forgotten=self._warm.history_forgotten)
        self._importing = Importing(self._store, self._behaviour, on_changed=self._warm.history_forgotten)
        self._scanning = Scanning(self._store, on_changed=self._warm.library_changed)
        self._recommending = Recommending(self._store, self._behaviour, self._warm)
        self._browsing = Browsing(self._store, self._behaviour)
        self._diagnostics = Diagnostics(self._store)
        self._tonight = Tonight(self._store, self._behaviour)

    # -- the library ----------------------------------------------------------------------
    @property
    def library(self) -> Library:
        return self._store.library

    @property
    def thumbnail_dir(self) -> Path:
        return self._store.thumbnail_dir

    def resolve(self, ref: Ref) -> VideoInfo:
        """A video by id ("42") or by path (relative paths resolve from the cwd)."""
        return self._store.resolve(ref)

    def close(self) -> None:
        self._warm.close()  # a retrain still fitting finishes first
        self._store.close()

    def __enter__(self) -> PyrecService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scanning ---------------------------------------------------------------------------
    def scan(self, roots: Iterable[str | os.PathLike[str]] | None = None,
             **options: Unpack[ScanOptions]) -> ScanSummary:
        """Scan folders (default: the library's folders). Folders scanned are
        remembered as library folders unless ``remember=False``.

        Files are indexed in ``jobs`` worker processes (default: one per CPU);
        ``jobs=1`` indexes in this process unless ``in_process=False``, which
        keeps decoding in a worker process whatever ``jobs`` is. Also
        ``exclude`` (patterns), ``progress`` (a callback) and ``cancel`` (an
        event); see ScanOptions."""
        return self._scanning.scan(roots, **options)

    def deep_pass(self, *, budget_seconds: float | None = None, stage: str | None = None,
                  progress: DeepProgressCallback | None = None, cancel: threading.Event | None = None,
                  limit: int | None = None, stages: Sequence[DeepStage] | None = None) -> DeepSummary:
        """Speech transcripts and other slow readers over the videos not read
        yet, ``budget_seconds`` of compute per file and reader (default 120);
        commits per file, so ``cancel`` or a kill loses at most the file in
        hand. ``stage`` runs one reader; ``stages`` replaces the default list."""
        return self._scanning.deep_pass(budget_seconds=budget_seconds, stage=stage, progress=progress,
                                        cancel=cancel, limit=limit, stages=stages)

    def deep_status(self, stages: Sequence[DeepStage] | None = None) -> dict[str, dict[str, object]]:
        """Per deep reader: whether it can run here (else why not) and its done / failed / pending counts.
        ``stages`` replaces the default list, as in `deep_pass`."""
        return self._scanning.deep_status(stages)

    def library_folders(self) -> list[str]:
        return self._scanning.library_folders()

    def add_library_folder(self, path: str | os.PathLike[str]) -> bool:
        return self._scanning.add_library_folder(path)

    def remove_library_folder(self, path: str | os.PathLike[str]) -> bool:
        return self._scanning.remove_library_folder(path)

    def trash_copies(self, videos: Iterable[Ref]) -> shapes.TrashResult:
        """Move these videos' files (by id or path) to the system trash and
        mark them missing in the library (their history stays; a file restored
        from the trash comes back on the next scan). Needs send2trash."""
        return self._scanning.trash_copies(videos)

    # -- browsing -----------------------------------------------------------------------------
    def video(self, ref: Ref) -> shapes.VideoDetail:
        """One video with what pyrec understood of it, by id or path."""
        return self._browsing.video(ref)

    def videos(self, *, status: str | None = "ok", limit: int | None = 100, offset: int = 0, order: str = "id",
               entity_id: int | None = None, label: str | None = None, entity_ids: Sequence[int] = (),
               watched: str | None = None, profile: str | None = None) -> list[shapes.Card]:
        """A page of videos; filters combine (every entity in ``entity_ids``,
        a visual label, a watched state of ``profile``: watched, in-progress, unwatched)."""
        return self._browsing.videos(status=status, limit=limit, offset=offset, order=order, entity_id=entity_id,
                                     label=label, entity_ids=entity_ids, watched=watched, profile=profile)

    def count_videos(self, *, status: str | None = "ok", entity_id: int | None = None, label: str | None = None,
                     entity_ids: Sequence[int] = (), watched: str | None = None, profile: str | None = None) -> int:
        return self._browsing.count_videos(status=status, entity_id=entity_id, label=label, entity_ids=entity_ids,
                                           watched=watched, profile=profile)

    def facets(self) -> dict[str, list[shapes.FacetValue]]:
        """Filter values with counts: folders, genres, people, labels, …"""
        return self._browsing.facets()

    def frame(self, ref: Ref, *, time: float | None = None, width: int = 960,
              height: int | None = None) -> shapes.Frame:
        """One frame of a video as RGB pixels, decoded from the file itself at
        ``time`` (default: its representative keyframe, the one cards show),
        scaled down (never up) just enough to cover ``width`` × ``height``
        pixels (device pixels: multiply a widget's size by its pixel ratio).

        Falls back to the stored thumbnail when the file is missing or cannot
        be decoded there. Returns id, time, source ("video", "thumbnail" or
        None when there is no picture at all), width, height and image (an
        H×W×3 uint8 RGB array, C-contiguous, or None). The last few decoded
        frames are cached."""
        return self._browsing.frame(ref, time=time, width=width, height=height)

    # -- profiles and behaviour ------------------------------------------------------------------
    @property
    def incognito(self) -> bool:
        """This session records nothing, whatever the profile."""
        return self._behaviour.incognito

    @incognito.setter
    def incognito(self, value: bool) -> None:
        self._behaviour.incognito = bool(value)

    def profile(self, name: str | None = None) -> Profile:
        """The named profile; None means the default one. Never creates one:
        an unknown name is a NotFoundError naming it."""
        return self._behaviour.profile(name)

    def profiles(self) -> list[shapes.ProfileJson]:
        """Every profile, oldest first (none until one is created or the
        first event is recorded for the default profile)."""
        return self._behaviour.profiles()

    def create_profile(self, name: str, *, incognito: bool = False) -> shapes.ProfileJson:
        return self._behaviour.create_profile(name, incognito=incognito)

    def is_recording(self, profile: str | None = None) -> bool:
        return self._behaviour.is_recording(profile)

    def record_play(self, ref: Ref, profile: str | None = None, *, position: float | None = None,
                    watched_seconds: float | None = None) -> int | None:
        """A play: how far it got (position) and how long was watched. Returns
        the event id, or None when nothing was recorded (incognito)."""
        return self._behaviour.record(ref, "play", profile, position=position, watched_seconds=watched_seconds)

    def like(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._behaviour.record(ref, "like", profile)

    def dislike(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._behaviour.record(ref, "dislike", profile)

    def hide(self, ref: Ref, profile: str | None = None) -> int | None:
        """"Not interested": never recommended again to this profile."""
        return self._behaviour.record(ref, "hide", profile)

    def mark_watched(self, ref: Ref, profile: str | None = None) -> int | None:
        return self._behaviour.record(ref, "watched", profile)

    def rate(self, ref: Ref, value: float, profile: str | None = None) -> int | None:
        if not 0 <= value <= RATING_SCALE:
            raise ValueError(f"a rating is between 0 and {RATING_SCALE:g}")
        return self._behaviour.record(ref, "rate", profile, value=value)

    def history(self, profile: str | None = None, *, limit: int | None = 100) -> list[shapes.HistoryEvent]:
        """A profile's events, newest first, each with its video."""
        return self._behaviour.history(profile, limit=limit)

    # -- privacy ------------------------------------------------------------------------------------
    def forget(self, profile: str | None = None) -> int:
        """Delete every event of a profile; returns how many were deleted."""
        return self._privacy.forget(profile)

    def export(self, profile: str | None = None) -> shapes.ProfileExport:
        """Everything pyrec holds about a profile, as plain JSON-able data."""
        return self._privacy.export(profile)

    def backup(self, dest: str | os.PathLike[str]) -> str:
        """A consistent copy of the library (SQLite online backup), even while in use."""
        return self._privacy.backup(dest)

    # -- imported history ------------------------------------------------------------------------------
    def import_history(self, source: str, path: str | os.PathLike[str], *, profile: str | None = None,
                       maps: Sequence[str] = (), account: str | None = None,
                       dry_run: bool = False) -> ImportReport:
        """Import what ``source`` (kodi, nfo, jellyfin, plex, trakt) knows at
        ``path`` into a profile, in one transaction; ``maps`` are
        ``OLD_PREFIX=NEW_PREFIX`` path remappings, ``account`` picks the
        source's user where it has several. Returns the matching report
        (matched / ambiguous / unmatched with reasons) and what was stored.
        Importing twice adds nothing; ``dry_run`` stores nothing."""
        return self._importing.import_history(source, path, profile=profile, maps=maps, account=account,
                                              dry_run=dry_run)

    def forget_source(self, source: str, profile: str | None = None) -> int:
        """Undo imports: delete a profile's events imported from ``source``."""
        return self._importing.forget_source(source, profile)

    def export_nfo(self, profile: str | None = None, *, dry_run: bool = False) -> NfoExportReport:
        """Give history back (opt-in): write each watched or rated video's
        <playcount>, <lastplayed> and <userrating> into its existing .nfo,
        keeping the rest of the file byte for byte."""
        return self._importing.export_nfo(profile, dry_run=dry_run)

    def history_sources(self, profile: str | None = None) -> dict[str, int]:
        """Events of a profile per source ("pyrec": recorded here)."""
        return self._importing.sources(profile)

    # -- recommendations -------------------------------------------------------------------------------
    def recommend(self, profile: str | None = None, n: int = 20) -> list[shapes.Card]:
        """"For you": never disliked or hidden, diversified, each with its reasons."""
        return self._recommending.recommend(profile, n)

    def shelves(self, profile: str | None = None, limit: int = 20) -> list[shapes.Shelf]:
        """For you, Continue watching, Next episodes, Because you watched …, New, Rediscover."""
        return self._recommending.shelves(profile, limit)

    def home_shelves(self, profile: str | None = None, limit: int = 20) -> list[shapes.Shelf]:
        """The shelves as the profile arranged its home page (see `set_home_rows`)."""
        return arrange(self.shelves(profile, limit), self._tonight.home_rows(profile))

    def home_rows(self, profile: str | None = None) -> HomeRows:
        """Which shelves a profile hides and the order it wants them in."""
        return self._tonight.home_rows(profile)

    def set_home_rows(self, profile: str | None = None, *, order: Sequence[str] | None = None,
                      hidden: Sequence[str] | None = None) -> HomeRows:
        """Store a profile's shelf order and/or hidden shelves (shelf ids, as `shelves` gives them)."""
        return self._tonight.set_home_rows(profile, order=order, hidden=hidden)

    def resume_at(self, ref: Ref, profile: str | None = None) -> float | None:
        """Where this profile stopped playing the video (seconds); None when it
        never started it or finished it."""
        return self._tonight.resume_at(ref, profile)

    def next_episode(self, ref: Ref) -> shapes.Card | None:
        """The episode after this one in its series (season, episode); None after the last or for a film."""
        return self._tonight.next_episode(ref)

    def surprise(self, profile: str | None = None, mood: str | None = None) -> shapes.Card | None:
        """Something to watch tonight, drawn from the best recommendations; for a
        series, the first episode the profile has not finished (never 5 before 4).
        ``mood`` (one of ``moods()``) narrows the draw to what fits it."""
        candidates = self.recommend(profile, n=40 if mood else 20)
        if len(candidates) < SURPRISE_POOL:  # little history yet: what Home offers (new, next episodes, …)
            candidates += [card for shelf in self.shelves(profile, limit=SURPRISE_POOL) for card in shelf["items"]]
        return self._tonight.surprise(profile, candidates, mood=mood)

    @staticmethod
    def moods() -> dict[str, str]:
        """The moods "Surprise me" knows, each with what it means."""
        from pyrec.service.moods import MOODS

        return {name: meaning for name, (meaning, _) in MOODS.items()}

    def similar(self, ref: Ref, n: int = 20, profile: str | None = None) -> list[shapes.Card]:
        """More like this: a blend of visual, text and graph similarity."""
        return self._recommending.similar(ref, n, profile)

    def search(self, query: str, n: int = 50, profile: str | None = None) -> list[shapes.Card]:
        """Full text over titles, plots, people, tags, subtitles, plus semantic
        matches of the query against text embeddings and visual labels."""
        return self._recommending.search(query, n, profile)

    def dupes(self) -> list[shapes.DupeGroupJson]:
        """Near-duplicate groups (re-encodes, resizes, trims), best copy suggested.
        Read from the library, found again first when it changed since they
        were stored (see `refresh_duplicates`); recommendations treat the
        copies of a video as that one video."""
        return self._recommending.dupes()

    def dismiss_duplicates(self, group_id: int) -> bool:
        """The user says group `group_id` is not copies to clean up: it is no
        longer shown nor merged in recommendations, and stays dismissed after
        a rescan while its members are unchanged. False if there is no such group."""
        return self._warm.dismiss_group(group_id)

    def refresh_duplicates(self, *, force: bool = False) -> int:
        """Find the near-duplicate groups of the library as it is now (unless
        the stored ones are current, or with `force`), store them in the
        library, where the recommender reads them when it is built, and hand
        them to the warm recommender. Call it when a scan ends: it costs about
        a second per 50k videos and is never paid while serving. Returns the
        number of groups."""
        return len(self._warm.duplicate_groups(force=force))

    def warm_up(self) -> None:
        """Build the recommender now (e.g. while a window is being made), so
        the first answer finds it warm. For no profile in particular."""
        with self._warm.serving():
            pass

    def wait_for_retrain(self, timeout: float | None = None) -> bool:
        """Block until a background retrain (if any) has finished; False on timeout."""
        return self._warm.wait_for_retrain(timeout)

    @property
    def _recommender(self) -> Recommender | None:
        """The recommender serving now, None before the first request (for tests)."""
        return self._warm.current

    @staticmethod
    def evaluate_movielens(directory: str, k: int = 10, seed: int = 0) -> list[dict[str, Any]]:
        """The offline evaluation table on MovieLens-format data (ratings, movies, tags)."""
        from pyrec.recommend.evaluate import evaluate_movielens

        return evaluate_movielens(directory, k=k, seed=seed)

    @staticmethod
    def format_evaluation(rows: list[dict[str, Any]], k: int = 10) -> str:
        from pyrec.recommend.evaluate import format_table

        return format_table(rows, k=k)

    def evaluate_library(self, k: int = 10) -> list[dict[str, Any]]:
        """How well this library's own history is predicted (temporal split)."""
        return self._recommending.evaluate_library(k)

    # -- diagnostics -----------------------------------------------------------------------------------
    @staticmethod
    def model_status() -> list[shapes.ModelStatus]:
        """Every bundled and user model, verified against its recorded sha256."""
        return Diagnostics.model_status()

    def doctor(self) -> shapes.DoctorReport:
        """Versions, SIMD level, models (sha256-verified), paths and library stats."""
        return self._diagnostics.doctor()


__all__ = ["DEFAULT_PROFILE", "HomeRows", "PyrecService", "arrange"]
