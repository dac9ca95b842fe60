"""`Recommender`: the recommender as the service layer sees it. It owns one
snapshot (catalogue + history), the fitted scorers, the indexes, and answers
recommend / shelves / similar / search; `record` folds a new play in at once.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pyrec.recommend.base import Request, Scorer, Scores
from pyrec.recommend.blend import Blended, Blender, Recommendation
from pyrec.recommend.catalog import ENTITY_KINDS, KIND, Catalog, History
from pyrec.recommend.collaborative import CollaborativeScorer, ModelFactory
from pyrec.recommend.content import ContentScorer
from pyrec.recommend.dupes.copies import DupeIndex, group_of
from pyrec.recommend.dupes.in_library import FrameChecks, library_groups
from pyrec.recommend.dupes.items import DupeGroup
from pyrec.recommend.explain import Reason
from pyrec.recommend.graph import GraphScorer
from pyrec.recommend.library_source import catalog_from_library, history_from_library
from pyrec.recommend.likeness import Kinship, baselines
from pyrec.recommend.passages import PassageMatch
from pyrec.recommend.rerank import NearDuplicates, mmr
from pyrec.recommend.search import SemanticSearch
from pyrec.recommend.shelves import Shelf, ShelfConfig, build_shelves
from pyrec.recommend.signals import Preferences, SignalConfig
from pyrec.records import RATING_SCALE
from pyrec.recommend.similar import SimilarVideos
from pyrec.recommend.spread import content_matrix, library_spread
from pyrec.recommend.suite import content_models, default_scorers
from pyrec.recommend.vectors import IndexFactory, IndexLike, build_index

if TYPE_CHECKING:
    from pyrec.library import Library

# A library this small finds its duplicates while the recommender is built
# when the stored groups are stale (~0.1 s at 2k videos); a larger one waits
# for the next scan or `pyrec dupes`.
DETECT_INLINE_BELOW = 2000
# Feedback carries: a video's score is cut by up to this share when it is a
# sibling of something the profile disliked or abandoned (likeness.Kinship),
# checked on this many of the best candidates (the rest are not shown anyway).
CARRY = 0.6
CARRY_POOL = 200
# Diversity re-rank (rerank.mmr): look-alikes summing to this much similarity
# may be picked before the next one counts as redundant.
LOOK_ALLOWANCE = 2.0


class Recommender:
    def __init__(
        self,
        catalog: Catalog,
        history: History,
        *,
        weights: Mapping[str, float] | None = None,
        cfg: SignalConfig = SignalConfig(),
        scorers: Sequence[Scorer] | None = None,
        index_factory: IndexFactory | None = None,
        als_factory: ModelFactory | None = None,
        diversity: float = 0.3,
        near_duplicates: NearDuplicates | None = None,
        label_vectors: np.ndarray | None = None,
    ) -> None:
        self.catalog = catalog
        self.history = history
        self.cfg = cfg
        self.index_factory = index_factory
        self.diversity = diversity
        self.near_duplicates = near_duplicates or NearDuplicates()
        self.duplicate_groups: list[DupeGroup] = []
        self.duplicates_current = True  # False: groups older than the catalogue (see from_library)
        self.dupes = DupeIndex.empty(catalog.n)
        # How to make a fresh set of scorers for a background retrain; scorers
        # the caller made cannot be re-made (see `retrained`).
        def make_scorers() -> list[Scorer]:
            return default_scorers(catalog, cfg=cfg, index_factory=index_factory, als_factory=als_factory)

        self._make_scorers: Callable[[], list[Scorer]] | None = None if scorers is not None else make_scorers
        made = list(scorers) if scorers is not None else make_scorers()
        self.blender = Blender(made, weights)
        self.blender.fit(catalog, history)
        self._build_views(label_vectors)

    @classmethod
    def from_library(cls, lib: Library, *, duplicates: bool = True, detect_below: int | None = None,
                     frame_checks: FrameChecks = (None, None), **kwargs: Any) -> Recommender:
        """With `duplicates`, every answer treats copies as one video. The
        groups are read from the library (dupes.library_groups), never found
        here except in a library of fewer than `detect_below` videos (default
        DETECT_INLINE_BELOW) whose stored groups are stale; a larger one keeps
        its stale groups (and `duplicates_current` False) until
        `dupes.detect_in_library` runs (the service runs it at the end of a
        scan and for `pyrec dupes`). `frame_checks`: the decoded-frame
        comparisons detection uses (best copy, still pairs), as the service
        hands them to `detect_in_library`."""
        catalog = catalog_from_library(lib)
        # A library stores ratings out of 10 (as Kodi, Plex and Trakt do);
        # the signals' default scale is MovieLens's 5.
        kwargs.setdefault("cfg", SignalConfig(rating_scale=RATING_SCALE))
        rec = cls(catalog, history_from_library(lib, catalog), **kwargs)
        if duplicates:
            below = DETECT_INLINE_BELOW if detect_below is None else detect_below
            groups, rec.duplicates_current = library_groups(lib, detect_below=below, checks=frame_checks)
            rec.set_duplicates(groups)
        return rec

    def _build_views(self, label_vectors: np.ndarray | None) -> None:
        cat = self.catalog
        indexes: dict[str, IndexLike] = {}
        for s in self.blender.scorers:  # reuse the content scorers' indexes
            if isinstance(s, ContentScorer) and s.index is not None:
                indexes[s.model_id] = s.index
        models = content_models(cat)
        for model_id in models.values():
            if model_id not in indexes:
                indexes[model_id] = build_index(cat.embeddings[model_id], factory=self.index_factory)
        self.indexes = indexes
        graphs = [s for s in self.blender.scorers if isinstance(s, GraphScorer)]
        self.graph = graphs[0] if graphs else GraphScorer().fit(cat, self.history)
        self.baselines = baselines(cat)
        visual = models.get("visual")
        self.kinship = Kinship(cat, visual, self.baselines.get(visual) if visual else None)
        self.similar_videos = SimilarVideos(cat, self.graph, indexes, baselines=self.baselines)
        text_model = models.get("text")
        self.searcher = SemanticSearch(cat, text_model, indexes.get(text_model) if text_model else None, label_vectors=label_vectors)
        self.mmr_model = models.get("visual") or models.get("text")

    # -- requests ----------------------------------------------------------
    def request(self, profile: int, *, now: float | None = None, utc_offset: float | None = None) -> Request:
        return Request.build(self.catalog, self.history, profile, now=now if now is not None else time.time(),
                             utc_offset=utc_offset, cfg=self.cfg)

    def hidden_copies(self, prefs: Preferences | None, *, exclude_watched: bool = True) -> np.ndarray:
        """Positions never to recommend because they are copies (dupes.DupeIndex.hidden):
        of a watched (with `exclude_watched`), disliked or hidden video, or not
        the one copy shown of their group."""
        if prefs is None:
            return self.dupes.hidden()
        consumed = prefs.negative | prefs.watched if exclude_watched else prefs.negative
        return self.dupes.hidden(consumed=consumed, seen=prefs.seen, last_time=prefs.last_time)

    def blend(self, req: Request, *, exclude_watched: bool = True, allow: np.ndarray | None = None) -> Blended:
        """The blend, with copies treated as the one video (see `hidden_copies`)
        and the profile's aversions carried to their siblings (`carry`)."""
        blended = self.blender.blend(req, exclude_watched=exclude_watched, allow=allow)
        hidden = self.hidden_copies(req.prefs, exclude_watched=exclude_watched)
        if hidden.size:
            blended.allowed = blended.allowed.copy()
            blended.allowed[hidden] = False
        return self.carry(req, blended)

    def carry(self, req: Request, blended: Blended) -> Blended:
        """Negative feedback carries: the best candidates lose up to CARRY of
        their score, in proportion to how close a sibling (same series, small
        collection, look-alike) they are of a disliked, hidden, skipped or
        abandoned video (Preferences.aversion)."""
        aversion = req.prefs.aversion
        if aversion is None or not aversion.any():
            return blended
        pool = self.blender.top(blended, CARRY_POOL)
        if pool.size == 0:
            return blended
        total = blended.total.copy()
        total[pool] *= (1.0 - CARRY * self.kinship.carry(pool, aversion)).astype(np.float32)
        blended.total = total
        return blended

    def rank(self, req: Request, blended: Blended, n: int, *, diversity: float | None = None) -> list[Recommendation]:
        """Top n of a blend, re-ranked for diversity and kept apart from
        near-duplicates; a first look at the library's range when nothing
        in it says anything yet (no history anywhere: :mod:`spread`)."""
        pool = self.blender.top(blended, max(4 * n, 50))
        if pool.size == 0:
            return self.first_look(blended.allowed, n)
        emb = self.catalog.embeddings.get(self.mmr_model) if self.mmr_model else None
        base = self.baselines.get(self.mmr_model) if self.mmr_model else None
        order = mmr(pool, blended.total[pool], n, emb=emb, diversity=self.diversity if diversity is None else diversity,
                    near_duplicates=self.near_duplicates, floor=base.floor if base is not None else 0.0,
                    allowance=LOOK_ALLOWANCE)
        return [self.blender.to_recommendation(self.catalog, blended, int(p)) for p in order]

    def first_look(self, allowed: np.ndarray, n: int) -> list[Recommendation]:
        """The library's range for a profile with nothing to go on (see :mod:`pyrec.recommend.spread`)."""
        cat = self.catalog
        allowed = allowed.copy()
        allowed[self.dupes.hidden()] = False  # one copy of each video
        vectors = content_matrix(cat, list(content_models(cat).values()))
        return [Recommendation(int(cat.ids[pick.position]), pick.position, 0.0, pick.reasons(cat),
                               cat.titles[pick.position]) for pick in library_spread(cat, vectors, allowed, n)]

    def recommend(
        self, profile: int, n: int = 20, *, now: float | None = None, exclude_watched: bool = True,
        diversity: float | None = None, allow_ids: Sequence[int] | None = None, utc_offset: float | None = None,
    ) -> list[Recommendation]:
        """"For you": blended, filtered (never disliked or hidden), diversified, explained."""
        req = self.request(profile, now=now, utc_offset=utc_offset)
        allow = None
        if allow_ids is not None:
            allow = np.zeros(self.catalog.n, dtype=bool)
            allow[[self.catalog.pos(v) for v in allow_ids if self.catalog.has(v)]] = True
        blended = self.blend(req, exclude_watched=exclude_watched, allow=allow)
        return self.rank(req, blended, n, diversity=diversity)

    def shelves(self, profile: int, *, now: float | None = None, config: ShelfConfig = ShelfConfig(), utc_offset: float | None = None) -> list[Shelf]:
        return build_shelves(self, self.request(profile, now=now, utc_offset=utc_offset), config)

    def context_scores(self, req: Request, name: str) -> Scores:
        for s in self.blender.scorers:
            if s.name == name:
                return s.score(req)
        return Scores.empty(name)

    def similar_positions(self, position: int, n: int = 20, *, allowed: np.ndarray | None = None) -> list[tuple[int, float, list[Reason]]]:
        return self.similar_videos.similar(position, n, allowed=allowed)

    def similar(self, video_id: int, n: int = 20, *, profile: int | None = None, now: float | None = None) -> list[Recommendation]:
        """"More like this". With a profile, its disliked/hidden videos are left out.
        Other copies of the video itself are left out too: a copy is not
        "like" the video, it is the video (`pyrec dupes` lists copies); other
        videos' copies count once."""
        cat = self.catalog
        seed = cat.pos(video_id)
        prefs = self.request(profile, now=now).prefs if profile is not None else None
        allowed = ~prefs.negative if prefs is not None else None
        hidden = self.hidden_copies(prefs, exclude_watched=False)
        if hidden.size or self.dupes.group[seed] >= 0:
            allowed = np.ones(cat.n, dtype=bool) if allowed is None else allowed
            allowed[hidden] = False
            allowed[self.dupes.siblings(seed)] = False
        return [Recommendation(int(cat.ids[p]), p, s, rs, cat.titles[p])
                for p, s, rs in self.similar_positions(seed, n, allowed=allowed)]

    def search(
        self, query: str = "", *, query_vector: np.ndarray | None = None, fts: Sequence[int] = (), n: int = 20,
        profile: int | None = None, now: float | None = None, passages: Mapping[int, PassageMatch] | None = None,
    ) -> list[Recommendation]:
        """Full-text hits (video ids from the library, best first) merged with
        semantic matches of `query_vector` (the query embedded by the text model)
        and, per video, its passage closest to the query (`PassageIndex`)."""
        allowed = None
        if profile is not None:
            allowed = ~self.request(profile, now=now).prefs.negative
        cat = self.catalog
        return [Recommendation(int(cat.ids[h.position]), h.position, h.score, h.reasons, cat.titles[h.position])
                for h in self.searcher.search(query, query_vector, fts, n, allowed=allowed, passages=passages)]

    def set_label_vectors(self, vectors: np.ndarray) -> None:
        self.searcher.set_label_vectors(vectors)

    def search_entities(self, kinds: Sequence[str] = ("tag", "genre"), limit: int = 2000) -> np.ndarray:
        """Entity indices whose names search should understand by meaning
        (`set_entity_vectors`): tags and genres, the most used first."""
        g = self.catalog.graph
        wanted = np.isin(g.kinds, [i for i, k in enumerate(ENTITY_KINDS) if k in kinds]) & (g.degree > 0)
        idx = np.flatnonzero(wanted)
        return idx[np.argsort(-g.degree[idx], kind="stable")][:limit].astype(np.int64)

    def set_entity_vectors(self, entities: np.ndarray, vectors: np.ndarray) -> None:
        """Text-model embeddings of entity names (see `search_entities`)."""
        self.searcher.set_entity_vectors(entities, vectors)

    def set_duplicates(self, groups: Sequence[DupeGroup]) -> None:
        """Near-duplicate groups (from dupes.find_duplicates): the copies of one
        video are that video everywhere (see `hidden_copies`, `similar`, mmr)."""
        self.duplicate_groups = list(groups)
        self.dupes = DupeIndex.build(self.duplicate_groups, self.catalog.ids)
        nd = self.near_duplicates
        self.near_duplicates = NearDuplicates(group_of(groups, self.catalog.ids), nd.cosine, nd.phashes, nd.hamming)

    # -- online updates ----------------------------------------------------
    def record(
        self, profile: int, video_id: int, kind: str, *, value: float | None = None, fraction: float | None = None,
        position: float | None = None, timestamp: float | None = None,
    ) -> None:
        """Fold one interaction in: appended to the history, and the profile's
        collaborative factor re-solved exactly. Item factors wait for `refit`."""
        ts = time.time() if timestamp is None else float(timestamp)
        if kind not in KIND:
            raise ValueError(f"unknown interaction kind {kind!r}")
        event = History.from_events([(profile, self.catalog.pos(video_id), kind, value, fraction, position, ts)])
        self.history = self.history.concat(event)  # History keeps itself in time order
        req = self.request(profile, now=ts)
        for s in self.blender.scorers:
            if isinstance(s, CollaborativeScorer) and s.model is not None:
                s.update(req)

    def stale(self) -> bool:
        """True when a full refit is due (see CollaborativeScorer.stale)."""
        return any(s.stale(self.catalog) for s in self.blender.scorers if isinstance(s, CollaborativeScorer))

    def retrained(self, history: History) -> Recommender | None:
        """A new recommender fitted from scratch on `history` (same catalogue,
        weights, duplicate groups and search vectors). This one is not touched
        and keeps answering meanwhile: the service runs this in a background
        thread and swaps the result in. None when the scorers were made by the
        caller and cannot be re-made (then `refit` in place is the way)."""
        if self._make_scorers is None:
            return None
        fresh = copy.copy(self)
        fresh.history = history
        fresh.blender = Blender(self._make_scorers(), self.blender.weights)
        fresh.blender.fit(self.catalog, history)
        fresh._build_views(self.searcher.label_vectors)
        if self.searcher.entity_vectors is not None:
            fresh.searcher.set_entity_vectors(self.searcher.entities, self.searcher.entity_vectors)
        return fresh

    def refit(self, catalog: Catalog | None = None, history: History | None = None) -> None:
        if catalog is not None:
            self.catalog = catalog
            self.set_duplicates(self.duplicate_groups)  # same groups, new positions (new videos join at the next rebuild)
        if history is not None:
            self.history = history
        self.blender.fit(self.catalog, self.history)
        entities, vectors = self.searcher.entities, self.searcher.entity_vectors
        self._build_views(self.searcher.label_vectors)
        if catalog is None and vectors is not None:  # entity indices hold for the same catalogue only
            self.searcher.set_entity_vectors(entities, vectors)
