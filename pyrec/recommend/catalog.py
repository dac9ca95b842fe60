"""In-memory snapshot the scorers work on: the videos (`Catalog`) and what
profiles did with them (`History`), as flat numpy arrays.

Data types only, at the bottom of pyrec/recommend: this module imports no
other part of the recommender but the sparse matrix type. The builders sit
above it: `catalog_builder.CatalogBuilder` packs videos, edges, labels and
embeddings into a Catalog; `library_source` fills one from a user's library
and `movielens` from MovieLens, so every scorer is evaluated on exactly the
code that serves the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyrec.recommend.sparse import CSR
from pyrec.records import ENTITY_KINDS, INTERACTION_KINDS, PERSON_ROLES

KIND = {name: code for code, name in enumerate(INTERACTION_KINDS)}
ROLES = ("",) + PERSON_ROLES  # role code 0 = none
ENTITY_KIND = {name: code for code, name in enumerate(ENTITY_KINDS)}


@dataclass
class Embeddings:
    """One model's video vectors aligned to Catalog.ids; rows unit length."""

    matrix: np.ndarray  # float32 [n, d]; zero rows where absent
    present: np.ndarray  # bool [n]

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])


@dataclass
class EntityGraph:
    """The video-entity bipartite graph. Edges are kept sorted by video, so the
    edge arrays double as a CSR over videos (`by_video`)."""

    names: list[str]  # per entity
    kinds: np.ndarray  # int8 per entity: index into ENTITY_KINDS
    by_video: CSR  # videos x entities, data = edge weight
    roles: np.ndarray  # int8 per edge (aligned with by_video.indices): index into ROLES
    by_entity: CSR = field(init=False)  # entities x videos
    degree: np.ndarray = field(init=False)  # distinct videos per entity
    idf: np.ndarray = field(init=False)  # log((1 + n) / (1 + degree)) + 1

    def __post_init__(self) -> None:
        self.by_entity = self.by_video.transpose()
        n_videos = self.by_video.shape[0]
        pairs = np.unique(self.by_video.row_of_entry().astype(np.int64) * len(self.names) + self.by_video.indices)
        self.degree = np.bincount(pairs % max(len(self.names), 1), minlength=len(self.names)).astype(np.float32)
        self.idf = (np.log((1.0 + n_videos) / (1.0 + self.degree)) + 1.0).astype(np.float32)

    @property
    def n_entities(self) -> int:
        return len(self.names)

    def kind_name(self, entity: int) -> str:
        return ENTITY_KINDS[int(self.kinds[entity])]

    def edges_of(self, video: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(entities, weights, roles) of one video position."""
        lo, hi = self.by_video.indptr[video], self.by_video.indptr[video + 1]
        return self.by_video.indices[lo:hi], self.by_video.data[lo:hi], self.roles[lo:hi]


@dataclass
class Catalog:
    ids: np.ndarray  # int64 [n] video ids
    titles: list[str]
    paths: list[str]
    durations: np.ndarray  # float64 seconds (0 unknown)
    added_at: np.ndarray  # float64 unix seconds
    texts: list[str]  # searchable text per video (title, plot, tags...)
    graph: EntityGraph
    series: np.ndarray  # int32 entity index of the video's series, -1 none
    season: np.ndarray  # int32, -1 none
    episode: np.ndarray  # int32, -1 none
    labels: CSR  # videos x label vocabulary, data = score
    label_names: list[str]
    embeddings: dict[str, Embeddings] = field(default_factory=dict)
    # float64 seconds of a damaged (truncated) file that really play; NaN: the whole file
    playable: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # What videos say and show, for reasons only (pyrec.recommend.topics.Topics); None: not read
    topics: Any = None
    _pos: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.playable.size != self.ids.size:
            self.playable = np.full(self.ids.size, np.nan)
        self._pos = {int(v): i for i, v in enumerate(self.ids.tolist())}
        if len(self._pos) != self.ids.size:
            raise ValueError("duplicate video ids in catalogue")

    @property
    def n(self) -> int:
        return int(self.ids.size)

    def __len__(self) -> int:
        return self.n

    def pos(self, video_id: int) -> int:
        """Position of one video id (KeyError when unknown)."""
        return self._pos[int(video_id)]

    def positions(self, video_ids: Iterable[int]) -> np.ndarray:
        return np.array([self._pos[int(v)] for v in video_ids], dtype=np.int64)

    def has(self, video_id: int) -> bool:
        return int(video_id) in self._pos

    def embedding(self, model_id: str) -> Embeddings | None:
        return self.embeddings.get(model_id)


@dataclass
class History:
    """Interactions of one or many profiles, one row per event, sorted by time."""

    profile: np.ndarray  # int64 profile id
    video: np.ndarray  # int64 catalogue position
    kind: np.ndarray  # int8 index into INTERACTION_KINDS
    value: np.ndarray  # float32 rating / like strength; nan when none
    fraction: np.ndarray  # float32 watched fraction 0..1; nan unknown
    position: np.ndarray  # float32 resume position in seconds; nan unknown
    timestamp: np.ndarray  # float64 unix seconds

    def __post_init__(self) -> None:
        t = self.timestamp
        if t.size > 1 and bool(np.any(t[1:] < t[:-1])):  # appending newer events keeps order: no sort
            order = np.argsort(t, kind="stable")
            for name in ("profile", "video", "kind", "value", "fraction", "position", "timestamp"):
                setattr(self, name, getattr(self, name)[order])

    def __len__(self) -> int:
        return int(self.video.size)

    @classmethod
    def empty(cls) -> History:
        return cls.from_events([])

    @classmethod
    def from_events(cls, events: Iterable[Sequence[Any]]) -> History:
        """Events as (profile, video position, kind name, value, fraction, position, timestamp)."""
        rows = list(events)
        cols: list[Sequence[Any]] = list(zip(*rows)) if rows else [[] for _ in range(7)]
        return cls(
            profile=np.array(cols[0], dtype=np.int64),
            video=np.array(cols[1], dtype=np.int64),
            kind=np.array([KIND[k] for k in cols[2]], dtype=np.int8),
            value=np.array([np.nan if v is None else v for v in cols[3]], dtype=np.float32),
            fraction=np.array([np.nan if v is None else v for v in cols[4]], dtype=np.float32),
            position=np.array([np.nan if v is None else v for v in cols[5]], dtype=np.float32),
            timestamp=np.array(cols[6], dtype=np.float64),
        )

    def select(self, mask: np.ndarray) -> History:
        return History(*(getattr(self, n)[mask] for n in ("profile", "video", "kind", "value", "fraction", "position", "timestamp")))

    def for_profile(self, profile: int) -> History:
        return self.select(self.profile == profile)

    def concat(self, other: History) -> History:
        names = ("profile", "video", "kind", "value", "fraction", "position", "timestamp")
        return History(*(np.concatenate([getattr(self, n), getattr(other, n)]) for n in names))

    @property
    def profiles(self) -> np.ndarray:
        return np.unique(self.profile)
