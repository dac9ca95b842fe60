"""The passage index: every stored passage vector in one vector index, built
once per search session (the service rebuilds it when the library's passages
change), answering "which passage of which video is closest to this query"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pyrec.library.passages import PassageVectors
from pyrec.recommend.arrays import normalise_rows
from pyrec.recommend.vectors import IndexFactory, IndexLike, core_index

CANDIDATES = 1000  # passages read per query before keeping each video's best (one film may hold many close ones)


@dataclass(frozen=True)
class PassageMatch:
    """A video's closest passage to a query: its cosine and the passage's row id in the library."""

    cosine: float
    passage: int
    start: float
    kind: str


class PassageIndex:
    def __init__(self, ids: np.ndarray, video_ids: np.ndarray, vectors: np.ndarray, *,
                 starts: np.ndarray | None = None, kinds: tuple[str, ...] | None = None,
                 factory: IndexFactory = core_index, candidates: int = CANDIDATES) -> None:
        """``ids``: the passages' library row ids; ``video_ids``: whose each is;
        ``vectors``: one row each (normalised here); ``starts`` and ``kinds``:
        where each is (what a hit's reason says)."""
        self.ids = np.asarray(ids, np.int64)
        self.video_ids = np.asarray(video_ids, np.int64)
        self.starts = np.zeros(self.ids.size) if starts is None else np.asarray(starts, np.float64)
        self.kinds = kinds if kinds is not None else ("subtitle",) * self.ids.size
        if not (self.ids.size == self.video_ids.size == len(vectors) == self.starts.size == len(self.kinds)):
            raise ValueError("one id, one video id and one vector per passage are needed")
        self.candidates = candidates
        self.index: IndexLike | None = None
        if self.ids.size:
            v = normalise_rows(np.ascontiguousarray(vectors, np.float32))
            self.index = factory(v.shape[1], "cosine", "f32")
            self.index.add(np.arange(self.ids.size, dtype=np.int64), v)  # keyed by row: ids map back

    @classmethod
    def of(cls, stored: PassageVectors, **kwargs: Any) -> PassageIndex:
        """From the library's `passage_vectors`."""
        return cls(stored.ids, stored.video_ids, stored.vectors, starts=stored.starts, kinds=stored.kinds, **kwargs)

    def __len__(self) -> int:
        return int(self.ids.size)

    def best_per_video(self, query: np.ndarray) -> dict[int, PassageMatch]:
        """Video id -> its closest passage among the query's nearest ``candidates``."""
        if self.index is None:
            return {}
        q = np.asarray(query, np.float32).reshape(1, -1)
        rows, sims = self.index.search(q, min(self.candidates, len(self)))
        best: dict[int, PassageMatch] = {}
        for row, sim in zip(np.asarray(rows[0]).tolist(), np.asarray(sims[0]).tolist()):
            if row < 0:
                continue
            video = int(self.video_ids[row])
            if video not in best:  # results come best first
                best[video] = PassageMatch(float(sim), int(self.ids[row]), float(self.starts[row]), self.kinds[row])
        return best
