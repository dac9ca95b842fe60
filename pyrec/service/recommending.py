"""Recommendations, "more like this", search and duplicates.

One Recommender (pyrec.recommend.engine) is built lazily from the library and
kept warm: every recorded event is folded in online (the profile's factors
re-solved at once); a scan or a forgotten history marks it stale and the next
request rebuilds it. All access goes through one lock: the GUI calls from a
worker pool while the CLI and other threads may record events.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import numpy as np

from pyrec import views
from pyrec.recommend.blend import Recommendation
from pyrec.recommend.dupes import (
    DupeGroup,
    detect_in_library,
    library_fingerprint,
    stored_groups,
)
from pyrec.recommend.engine import Recommender
from pyrec.service.behaviour import BehaviourMixin, Ref
from pyrec.service.name_vectors import NameVectors

log = logging.getLogger(__name__)
RETRAIN_BACKOFF = 300.0  # seconds before a failed background retrain is tried again


class RecommendingMixin(BehaviourMixin):
    _recommender: Recommender | None = None
    _rec_stale: bool = False
    _names: NameVectors | None = None  # label/tag name embeddings, cached on disk
    _names_embedded_for: Recommender | None = None  # the recommender they were given to
    _retrain: threading.Thread | None = None  # the background retrain, while it runs
    _retrain_backlog: list[tuple[int, int, str, dict[str, Any]]]  # events recorded meanwhile (set per retrain)
    _retrain_failed_at: float = -float("inf")

    def _rec(self) -> Recommender:
        """The warm recommender, built when missing or after a scan. When its
        collaborative model is due a retrain (many plays folded in online, or
        days old), a fresh one is fitted in a background thread and swapped in;
        this one keeps answering meanwhile."""
        with self._rec_lock_():
            if self._recommender is None or self._rec_stale:
                self._recommender, self._rec_stale = Recommender.from_library(self.library), False
            elif self._recommender.stale():
                self._retrain_in_background(self._recommender)
            return self._recommender

    def _retrain_in_background(self, rec: Recommender) -> None:
        """Called with the lock held. One retrain at a time; after a failure,
        the next try waits RETRAIN_BACKOFF seconds (answers never stop)."""
        if self._retrain is not None and self._retrain.is_alive():
            return
        if time.monotonic() - self._retrain_failed_at < RETRAIN_BACKOFF:
            return
        snapshot, self._retrain_backlog = rec.history, []

        def work() -> None:
            try:
                fresh = rec.retrained(snapshot)
            except Exception:  # a failed retrain must not take answers down
                log.exception("background retrain failed; the current model keeps answering")
                self._retrain_failed_at = time.monotonic()
                return
            with self._rec_lock_():
                if fresh is None:  # caller-made scorers: refit in place, as before
                    rec.refit()
                elif self._recommender is rec and not self._rec_stale:
                    for event in self._retrain_backlog:  # plays recorded while it trained
                        fresh.record(*event[:3], **event[3])
                    self._recommender = fresh
                self._retrain_backlog = []

        self._retrain = threading.Thread(target=work, name="pyrec-retrain", daemon=True)
        self._retrain.start()

    def close(self) -> None:
        # A retrain still fitting would outlive the service (and may be inside
        # the native core when the interpreter exits): let it finish first.
        self.wait_for_retrain(timeout=60.0)
        super().close()

    def wait_for_retrain(self, timeout: float | None = None) -> bool:
        """Block until a background retrain (if any) has finished; False on timeout."""
        thread = self._retrain
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _searchable(self) -> Recommender:
        """The recommender with its label and tag names embedded, which only
        search needs: done on the first search after a (re)build, not on the
        way to the first shelf (2,000 tags are ~2.5 s of MiniLM the first
        time; later starts read them from the name cache)."""
        with self._rec_lock_():
            rec = self._rec()
            if self._names_embedded_for is not rec:
                names = rec.catalog.label_names
                if names:  # "dog on a beach" finds videos labelled dog / seashore
                    rec.set_label_vectors(self._name_vectors().get(names))
                entities = rec.search_entities()
                if entities.size:  # "a winter storm in the mountains" finds videos tagged snow
                    rec.set_entity_vectors(entities, self._name_vectors().get([rec.catalog.graph.names[e] for e in entities.tolist()]))
                self._names_embedded_for = rec
            return rec

    def _name_vectors(self) -> NameVectors:
        if self._names is None:
            self._names = NameVectors.for_text_model(self.cache_dir)
        return self._names

    @staticmethod
    def _embed_texts(texts: list[str]) -> np.ndarray:
        from pyrec.features.text import default_text_encoder

        return default_text_encoder().encode(texts)

    def _items(self, recs: list[Recommendation]) -> list[dict[str, Any]]:
        """Recommendations as video dicts + score + reasons (the front-end shape)."""
        thumbs = self.library.first_thumbnails([r.video_id for r in recs])
        out = []
        for r in recs:
            video = views.video_json(self.library.video(r.video_id))
            item = video | {
                "thumbnail": thumbs.get(r.video_id),
                "score": round(float(r.score), 6),
                "reasons": [reason.text for reason in r.reasons if reason.text],
                "reason_details": [reason.to_json() for reason in r.reasons],
            }
            # A video being continued says where playback stopped (the card's progress bar).
            resume = next((reason.data.get("position") for reason in r.reasons if reason.kind == "continue"), None)
            if resume is not None:
                item["position"] = float(resume)
            out.append(item)
        return out

    # -- answers ----------------------------------------------------------------
    def recommend(self, profile: str | None = None, n: int = 20) -> list[dict[str, Any]]:
        """"For you": never disliked or hidden, diversified, each with its reasons."""
        p = self.profile(profile)
        with self._rec_lock_():
            recs = self._rec().recommend(p.id, n)
        return self._items(recs)

    def shelves(self, profile: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """For you, Continue watching, Next episodes, Because you watched …, New, Rediscover."""
        from pyrec.recommend.shelves import ShelfConfig

        p = self.profile(profile)
        with self._rec_lock_():
            shelves = self._rec().shelves(p.id, config=ShelfConfig(n=limit))
        return [{"id": s.key, "title": s.title, "items": self._items(s.items)} for s in shelves if s.items]

    def similar(self, ref: Ref, n: int = 20, profile: str | None = None) -> list[dict[str, Any]]:
        """More like this: a blend of visual, text and graph similarity."""
        video = self.resolve(ref)
        p = self.profile(profile)
        with self._rec_lock_():
            rec = self._rec()
            if not rec.catalog.has(video.id):
                return []  # a failed or missing file has nothing to compare
            recs = rec.similar(video.id, n, profile=p.id)
        return self._items(recs)

    def search(self, query: str, n: int = 50, profile: str | None = None) -> list[dict[str, Any]]:
        """Full text over titles, plots, people, tags, subtitles, plus semantic
        matches of the query against text embeddings and visual labels."""
        query = query.strip()
        if not query:
            return []
        fts = [hit.video_id for hit in self.library.search(query, limit=max(n, 50))]
        vector = self._embed_texts([query])[0]
        p = self.profile(profile)
        with self._rec_lock_():
            recs = self._searchable().search(query, query_vector=vector, fts=fts, n=n, profile=p.id)
        return self._items(recs)

    def dupes(self) -> list[dict[str, Any]]:
        """Near-duplicate groups (re-encodes, resizes, trims), best copy suggested.
        Read from the library, found again first when it changed since they
        were stored (see `refresh_duplicates`); recommendations treat the
        copies of a video as that one video."""
        groups = self._duplicate_groups()
        thumbs = self.library.first_thumbnails([v for g in groups for v in g.video_ids])
        out = []
        for g in groups:
            items = [views.video_json(self.library.video(v)) | {"thumbnail": thumbs.get(v)} for v in g.video_ids]
            best = next(v for v in items if v["id"] == g.best)
            out.append({
                "items": items,
                "keep": g.best,
                "reason": f"keep {best['width']}x{best['height']}, {best['duration'] or 0:.0f}s, "
                          f"{(best['size'] or 0) / 1e6:.1f} MB: the best of {len(items)} copies",
                "pairs": [{"a": a, "b": b, "evidence": round(e, 3)} for a, b, e in g.pairs],
            })
        return out

    def refresh_duplicates(self, *, force: bool = False) -> int:
        """Find the near-duplicate groups of the library as it is now (unless
        the stored ones are current, or with `force`), store them in the
        library, where the recommender reads them when it is built, and hand
        them to the warm recommender. Call it when a scan ends: it costs about
        a second per 50k videos and is never paid while serving. Returns the
        number of groups."""
        return len(self._duplicate_groups(force=force))

    def _duplicate_groups(self, *, force: bool = False) -> list[DupeGroup]:
        with self._dupes_lock_():  # one detection at a time; answers keep being served meanwhile
            fingerprint, groups = stored_groups(self.library)
            if force or fingerprint is None or fingerprint != library_fingerprint(self.library):
                groups = detect_in_library(self.library)
            else:
                return groups
        with self._rec_lock_():
            rec = self._recommender
            if rec is not None and not self._rec_stale:
                rec.set_duplicates(groups)
                rec.duplicates_current = True
        return groups

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
        from pyrec.recommend.evaluate import evaluate_history

        rec = self._rec()
        return evaluate_history(rec.catalog, rec.history, k=k)

    # -- hooks (see ServiceBase) ----------------------------------------------------
    def _rec_lock_(self) -> threading.RLock:
        # created on first use: ServiceBase.__init__ knows nothing of recommending
        return self.__dict__.setdefault("_rec_lock", threading.RLock())

    def _dupes_lock_(self) -> threading.Lock:
        return self.__dict__.setdefault("_dupes_lock", threading.Lock())

    def _interaction_recorded(self, profile_id: int, video_id: int, kind: str, event: dict[str, float | None]) -> None:
        with self._rec_lock_():
            rec = self._recommender
            if rec is None or self._rec_stale or not rec.catalog.has(video_id):
                return  # built fresh (with this event) on the next request
            watched, duration = event["watched_seconds"], event["duration"]
            fraction = min(1.0, watched / duration) if watched is not None and duration else None
            fields = {"value": event["value"], "fraction": fraction, "position": event["position"], "timestamp": event["at"]}
            rec.record(profile_id, video_id, kind, **fields)
            if self._retrain is not None and self._retrain.is_alive():
                self._retrain_backlog.append((profile_id, video_id, kind, fields))

    def _library_changed(self) -> None:
        self._rec_stale = True
        # Copies are looked for once per change of the library, here at the
        # end of a scan, never while answering (a no-op when nothing changed).
        self.refresh_duplicates()

    def _history_forgotten(self, profile_id: int) -> None:
        self._rec_stale = True
