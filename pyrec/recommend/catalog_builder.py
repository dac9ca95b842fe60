"""`CatalogBuilder`: collects videos, entity edges, labels and embeddings
and packs them into a `Catalog` (catalog.py). Used by the library and
MovieLens loaders and by tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.catalog import ENTITY_KIND, ROLES, Catalog, Embeddings, EntityGraph
from pyrec.recommend.sparse import CSR


class CatalogBuilder:
    """Collects videos, edges, labels and embeddings, then packs them into a
    Catalog (`build`)."""

    def __init__(self) -> None:
        self._videos: list[tuple[int, str, str, float, float, str, int, int]] = []
        self._edges: list[tuple[int, str, str, str, float]] = []  # video id, kind, name, role, weight
        self._labels: list[tuple[int, str, float]] = []
        self._embeddings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._playable: dict[int, float] = {}  # damaged videos only

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
        playable: float | None = None,
    ) -> CatalogBuilder:
        if playable is not None:
            self._playable[int(video_id)] = float(playable)
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
            playable=np.array([self._playable.get(int(v), np.nan) for v in ids.tolist()], dtype=np.float64),
        )
