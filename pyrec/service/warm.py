"""The warm recommender: one Recommender (pyrec.recommend.engine) built from
the library on first need and kept warm.

It owns the recommender, its index and its lock. Every recorded event is
folded in online (the profile's factors re-solved at once); a scan or a
forgotten history marks it stale and the next request rebuilds it; when its
collaborative model is due a retrain, a fresh one is fitted in a background
thread and swapped in while this one keeps answering. Near-duplicate groups
are found again here when the library changed, never while answering.

All access goes through one lock: the GUI calls from a worker pool while the
CLI and other threads may record events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from pyrec.library import Library
from pyrec.recommend.dupes import DupeGroup, detect_in_library, dismiss_group, library_fingerprint, stored_groups
from pyrec.recommend.dupes.best import FineDetail
from pyrec.recommend.dupes.items import DupeItem
from pyrec.recommend.dupes.still import SameDetail
from pyrec.recommend.engine import Recommender
from pyrec.recommend.passages import PassageIndex, PassageMatch
from pyrec.service.behaviour import StoredEvent
from pyrec.service.name_vectors import NameVectors
from pyrec.service.store import Store

log = logging.getLogger(__name__)
RETRAIN_BACKOFF = 300.0  # seconds before a failed background retrain is tried again

Backlogged = tuple[int, int, str, dict[str, Any]]  # profile id, video id, kind, fields for Recommender.record


class WarmRecommender:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()  # the recommender and everything below
        self._dupes_lock = threading.Lock()  # one duplicate detection at a time
        self._recommender: Recommender | None = None
        self._stale = False
        self._retrain: threading.Thread | None = None  # the background retrain, while it runs
        self._backlog: list[Backlogged] = []  # events recorded while it runs
        self._retrain_failed_at = -float("inf")
        self._names: NameVectors | None = None  # label/tag name embeddings, cached on disk
        self._names_embedded_for: Recommender | None = None  # the recommender they were given to
        self._passages_lock = threading.Lock()  # its own: loading 250k vectors must not hold up shelves
        self._passages: PassageIndex | None = None  # every passage vector, for meaning search that says where
        self._passages_stamp: tuple[str, int, float] | None = None  # what the library held when it was built

    @property
    def current(self) -> Recommender | None:
        """The recommender serving now (None before the first request)."""
        return self._recommender

    # -- serving ---------------------------------------------------------------------
    @contextmanager
    def serving(self) -> Iterator[Recommender]:
        """The recommender, held under the lock for the ``with`` block."""
        with self._lock:
            yield self._get()

    @contextmanager
    def searchable(self) -> Iterator[Recommender]:
        """The recommender with its label and tag names embedded, which only
        search needs: done on the first search after a (re)build, not on the
        way to the first shelf (2,000 tags are ~2.5 s of MiniLM the first
        time; later starts read them from the name cache)."""
        with self._lock:
            rec = self._get()
            if self._names_embedded_for is not rec:
                names = rec.catalog.label_names
                if names:  # "dog on a beach" finds videos labelled dog / seashore
                    rec.set_label_vectors(self._name_vectors().get(names))
                entities = rec.search_entities()
                if entities.size:  # "a winter storm in the mountains" finds videos tagged snow
                    rec.set_entity_vectors(entities, self._name_vectors().get(
                        [rec.catalog.graph.names[e] for e in entities.tolist()]))
                self._names_embedded_for = rec
            yield rec

    def passage_matches(self, query_vector: np.ndarray, model: str) -> dict[int, PassageMatch]:
        """Per video, its passage of ``model`` closest to the query. The index
        over all passages is built on the first search and again only when the
        library's passages changed (a scan or the deep pass embedded more)."""
        lib = self.store.library
        with self._passages_lock:
            stamp = (model, *lib.passage_stamp())
            if self._passages is None or stamp != self._passages_stamp:
                self._passages, self._passages_stamp = PassageIndex.of(lib.passage_vectors(model)), stamp
            index = self._passages
        return index.best_per_video(query_vector)

    def _get(self) -> Recommender:
        """Built when missing or after a scan; a retrain starts behind it when due."""
        with self._lock:
            if self._recommender is None or self._stale:
                lib = self.store.library
                checks = (_frames_compared(lib), _details_compared(lib))
                self._recommender, self._stale = Recommender.from_library(lib, frame_checks=checks), False
            elif self._recommender.stale():
                self._retrain_in_background(self._recommender)
            return self._recommender

    def _name_vectors(self) -> NameVectors:
        if self._names is None:
            self._names = NameVectors.for_text_model(self.store.cache_dir)
        return self._names

    # -- retraining ------------------------------------------------------------------
    def _retrain_in_background(self, rec: Recommender) -> None:
        """Called with the lock held. One retrain at a time; after a failure,
        the next try waits RETRAIN_BACKOFF seconds (answers never stop)."""
        if self._retrain is not None and self._retrain.is_alive():
            return
        if time.monotonic() - self._retrain_failed_at < RETRAIN_BACKOFF:
            return
        snapshot, self._backlog = rec.history, []

        def work() -> None:
            try:
                fresh = rec.retrained(snapshot)
            except Exception:  # a failed retrain must not take answers down
                log.exception("background retrain failed; the current model keeps answering")
                self._retrain_failed_at = time.monotonic()
                return
            with self._lock:
                if fresh is None:  # caller-made scorers: refit in place, as before
                    rec.refit()
                elif self._recommender is rec and not self._stale:
                    for event in self._backlog:  # plays recorded while it trained
                        fresh.record(*event[:3], **event[3])
                    self._recommender = fresh
                self._backlog = []

        self._retrain = threading.Thread(target=work, name="pyrec-retrain", daemon=True)
        self._retrain.start()

    def wait_for_retrain(self, timeout: float | None = None) -> bool:
        """Block until a background retrain (if any) has finished; False on timeout."""
        thread = self._retrain
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # -- what changed (wired in by the service) ---------------------------------------------
    def record(self, profile_id: int, video_id: int, kind: str, event: StoredEvent) -> None:
        """One event was stored: fold it in online (or leave it to the next build)."""
        with self._lock:
            rec = self._recommender
            if rec is None or self._stale or not rec.catalog.has(video_id):
                return  # built fresh (with this event) on the next request
            watched, duration = event["watched_seconds"], event["duration"]
            fraction = min(1.0, watched / duration) if watched is not None and duration else None
            fields = {"value": event["value"], "fraction": fraction, "position": event["position"],
                      "timestamp": event["at"]}
            rec.record(profile_id, video_id, kind, **fields)
            if self._retrain is not None and self._retrain.is_alive():
                self._backlog.append((profile_id, video_id, kind, fields))

    def history_forgotten(self, profile_id: int) -> None:
        self._stale = True

    def library_changed(self) -> None:
        self._stale = True
        # Copies are looked for once per change of the library, here at the
        # end of a scan, never while answering (a no-op when nothing changed).
        self.duplicate_groups()

    # -- duplicates ------------------------------------------------------------------------
    def duplicate_groups(self, *, force: bool = False) -> list[DupeGroup]:
        """The library's near-duplicate groups, found again (and stored, and
        handed to the warm recommender) when the library changed since they
        were stored, or with ``force``."""
        lib = self.store.library
        with self._dupes_lock:  # one detection at a time; answers keep being served meanwhile
            fingerprint, groups = stored_groups(lib)
            if force or fingerprint is None or fingerprint != library_fingerprint(lib):
                groups = detect_in_library(lib, fine=_frames_compared(lib), same_detail=_details_compared(lib))
            else:
                return groups
        self._hand_over(groups)
        return groups

    def _hand_over(self, groups: list[DupeGroup]) -> None:
        with self._lock:
            rec = self._recommender
            if rec is not None and not self._stale:
                rec.set_duplicates(groups)
                rec.duplicates_current = True

    def dismiss_group(self, group_id: int) -> bool:
        """Dismiss a stored group and hand the rest to the warm recommender."""
        lib = self.store.library
        with self._dupes_lock:
            if not dismiss_group(lib, group_id):
                return False
            groups = stored_groups(lib)[1]
        self._hand_over(groups)
        return True

    def close(self) -> None:
        # A retrain still fitting would outlive the service (and may be inside
        # the native core when the interpreter exits): let it finish first.
        self.wait_for_retrain(timeout=60.0)


PathCompare = Callable[[str, str, list[tuple[float, float]]], float | None]


def _on_files(lib: Library, compare_files: PathCompare) -> Callable[[DupeItem, DupeItem, list[tuple[float, float]]],
                                                                     float | None]:
    """A comparison of two files' decoded frames (features.finedetail), asked
    about two duplicate items: their files looked up by video id."""
    def compare(a: DupeItem, b: DupeItem, times: list[tuple[float, float]]) -> float | None:
        found = lib.videos_by_ids([a.video_id, b.video_id])
        if a.video_id not in found or b.video_id not in found:
            return None
        return compare_files(found[a.video_id].file.path, found[b.video_id].file.path, times)

    return compare


def _frames_compared(lib: Library) -> FineDetail:
    """best.py's upscale check (larger copy first) on the library's files."""
    from pyrec.features.finedetail import detail_beyond

    return _on_files(lib, detail_beyond)


def _details_compared(lib: Library) -> SameDetail:
    """still.py's check on the library's files: the fine structure of two still videos."""
    from pyrec.features.finedetail import detail_agreement

    return _on_files(lib, detail_agreement)
