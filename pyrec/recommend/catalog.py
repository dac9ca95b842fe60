"""In-memory snapshot the scorers work on: the videos (`Catalog`) and what
profiles did with them (`History`), as flat numpy arrays.

The same snapshot can come from a user's library (`Catalog.from_library`) or
from MovieLens (`pyrec.recommend.movielens.load_movielens`), so every scorer is
evaluated on exactly the code that serves the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pyrec.recommend.sparse import CSR
from pyrec.records import ENTITY_KINDS, PERSON_ROLES

if TYPE_CHECKING:
    from pyrec.library import Library

INTERACTION_KINDS = ("play", "like", "dislike", "rate", "hide", "skip", "watched")
KIND = {name: code for code, name in enumerate(INTERACTION_KINDS)}
ROLES = ("",) + PERSON_ROLES  # role code 0 = none
ENTITY_KIND = {name: code for code, name in enumerate(ENTITY_KINDS)}


def small_matmul_t(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T for small operands without BLAS: a multi-threaded BLAS wakes
    its threads for a 200 x 1280 x 4 product and, on a busy machine, spends
    milliseconds doing so; numpy's own einsum loop takes a fraction of one."""
    return np.einsum("ij,kj->ik", a, b)


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """L2-normalise rows; all-zero rows stay zero (absent embeddings)."""
    m = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


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
    _pos: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
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

    @classmethod
    def from_library(cls, lib: Library, **kwargs: Any) -> Catalog:
        from pyrec.recommend.library_source import catalog_from_library

        return catalog_from_library(lib, **kwargs)


class CatalogBuilder:
    """Collects videos, edges, labels and embeddings, then packs them into a
    Catalog. Used by the library and MovieLens loaders and by tests."""

    def __init__(self) -> None:
        self._videos: list[tuple[int, str, str, float, float, str, int, int]] = []
        self._edges: list[tuple[int, str, str, str, float]] = []  # video id, kind, name, role, weight
        self._labels: list[tuple[int, str, float]] = []
        self._embeddings: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add_video(
        self,
        video_id: int,
        title: str = "",
        *,
        path: str = "",
        duration: float = 0.0,
        added_at: float = 0.0,
        text: str = "",
        season: int | None = None,
        episode: int | None = None,
    ) -> CatalogBuilder:
        self._videos.append(
            (int(video_id), title, path, float(duration), float(added_at), text or title,
             -1 if season is None else int(season), -1 if episode is None else int(episode))
        )
        return self

    def add_entity(self, video_id: int, kind: str, name: str, role: str = "", weight: float = 1.0) -> CatalogBuilder:
        if kind not in ENTITY_KIND:
            raise ValueError(f"unknown entity kind {kind!r}")
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self._edges.append((int(video_id), kind, name, role, float(weight)))
        return self

    def add_label(self, video_id: int, name: str, score: float) -> CatalogBuilder:
        self._labels.append((int(video_id), name, float(score)))
        return self

    def add_embeddings(self, model_id: str, video_ids: Sequence[int] | np.ndarray, matrix: np.ndarray) -> CatalogBuilder:
        matrix = np.asarray(matrix, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(video_ids):
            raise ValueError("embedding matrix must be [len(video_ids), dim]")
        self._embeddings[model_id] = (np.asarray(video_ids, dtype=np.int64), matrix)
        return self

    def build(self) -> Catalog:
        n = len(self._videos)
        cols: list[Sequence[Any]] = list(zip(*self._videos)) if n else [[] for _ in range(8)]
        ids = np.array(cols[0], dtype=np.int64)
        pos = {int(v): i for i, v in enumerate(ids.tolist())}

        # Entities are interned by (kind, name): "Alien" the series and the tag differ.
        entity_index: dict[tuple[str, str], int] = {}
        e_video, e_entity, e_role, e_weight = [], [], [], []
        for vid, kind, name, role, weight in self._edges:
            if vid not in pos:
                continue
            e = entity_index.setdefault((kind, name), len(entity_index))
            e_video.append(pos[vid])
            e_entity.append(e)
            e_role.append(ROLES.index(role))
            e_weight.append(weight)
        names = [name for (_, name) in entity_index]
        kinds = np.array([ENTITY_KIND[k] for (k, _) in entity_index], dtype=np.int8)
        ev = np.array(e_video, dtype=np.int64)
        ee = np.array(e_entity, dtype=np.int64)
        order = np.lexsort((ee, ev))
        counts = np.bincount(ev, minlength=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        by_video = CSR(indptr, ee[order].astype(np.int32), np.array(e_weight, dtype=np.float32)[order], (n, len(names)))
        graph = EntityGraph(names, kinds, by_video, np.array(e_role, dtype=np.int8)[order])

        series = np.full(n, -1, dtype=np.int32)
        for vid, kind, name, _, _ in self._edges:
            if kind == "series" and vid in pos:
                series[pos[vid]] = entity_index[(kind, name)]

        label_index: dict[str, int] = {}
        lr, lc, ls = [], [], []
        for vid, name, score in self._labels:
            if vid in pos:
                lr.append(pos[vid])
                lc.append(label_index.setdefault(name, len(label_index)))
                ls.append(score)
        labels = CSR.from_coo(np.array(lr, np.int64), np.array(lc, np.int64), np.array(ls, np.float32), (n, len(label_index)))

        embeddings: dict[str, Embeddings] = {}
        for model_id, (vids, matrix) in self._embeddings.items():
            full = np.zeros((n, matrix.shape[1]), dtype=np.float32)
            present = np.zeros(n, dtype=bool)
            keep = np.array([int(v) in pos for v in vids.tolist()], dtype=bool)
            rows = np.array([pos[int(v)] for v in vids[keep].tolist()], dtype=np.int64)
            full[rows] = matrix[keep]
            present[rows] = True
            full = normalise_rows(full)
            present &= np.linalg.norm(full, axis=1) > 0
            embeddings[model_id] = Embeddings(full, present)

        return Catalog(
            ids=ids,
            titles=list(cols[1]),
            paths=list(cols[2]),
            durations=np.array(cols[3], dtype=np.float64),
            added_at=np.array(cols[4], dtype=np.float64),
            texts=list(cols[5]),
            graph=graph,
            series=series,
            season=np.array(cols[6], dtype=np.int32),
            episode=np.array(cols[7], dtype=np.int32),
            labels=labels,
            label_names=list(label_index),
            embeddings=embeddings,
        )


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

    @classmethod
    def from_library(cls, lib: Library, catalog: Catalog, profile: int | None = None) -> History:
        from pyrec.recommend.library_source import history_from_library

        return history_from_library(lib, catalog, profile)
