"""What every scorer gets (`Request`) and returns (`Scores`).

Scorers are fitted once on a snapshot (`fit(catalog, history)`) and then asked
for one profile at a time. They return sparse scores over catalogue positions;
reasons are computed lazily, only for the few items that end up shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from pyrec.recommend.catalog import Catalog, History
from pyrec.recommend.explain import Reason
from pyrec.recommend.signals import Preferences, SignalConfig, preferences


@dataclass
class Request:
    catalog: Catalog
    profile: int
    history: History  # this profile's events only
    prefs: Preferences
    now: float  # unix seconds
    utc_offset: float = 0.0  # seconds east of UTC, for time-of-day habits
    cfg: SignalConfig = field(default_factory=SignalConfig)
    score_seen: bool = False  # also score videos the profile has seen (rewatch lists)

    @property
    def unscored(self) -> np.ndarray:
        """Bool mask of videos scorers should leave out."""
        return self.prefs.seen if not self.score_seen else np.zeros(self.catalog.n, dtype=bool)

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        history: History,
        profile: int,
        *,
        now: float | None = None,
        utc_offset: float | None = None,
        cfg: SignalConfig = SignalConfig(),
    ) -> Request:
        own = history.for_profile(profile)
        if now is None:
            now = float(own.timestamp.max()) if len(own) else time.time()
        if utc_offset is None:
            utc_offset = float(time.localtime(now).tm_gmtoff)
        prefs = preferences(own, catalog.n, catalog.durations, cfg, now)
        return cls(catalog, profile, own, prefs, float(now), float(utc_offset), cfg)


Explainer = Callable[[int], list[Reason]]


def _no_reasons(_: int) -> list[Reason]:
    return []


@dataclass
class Scores:
    name: str
    positions: np.ndarray  # int64 catalogue positions
    values: np.ndarray  # float32, higher is better
    explain: Explainer = _no_reasons

    @classmethod
    def empty(cls, name: str) -> Scores:
        return cls(name, np.zeros(0, np.int64), np.zeros(0, np.float32))

    @classmethod
    def from_dense(cls, name: str, dense: np.ndarray, explain: Explainer = _no_reasons, *, keep: np.ndarray | None = None) -> Scores:
        """Keep the non-zero entries (or those in `keep`) of a dense array."""
        mask = dense != 0 if keep is None else keep
        pos = np.flatnonzero(mask & np.isfinite(dense))
        return cls(name, pos.astype(np.int64), dense[pos].astype(np.float32), explain)

    def dense(self, n: int, fill: float = 0.0) -> np.ndarray:
        out = np.full(n, fill, dtype=np.float32)
        out[self.positions] = self.values
        return out

    def top(self, k: int) -> np.ndarray:
        if self.values.size <= k:
            order = np.argsort(-self.values, kind="stable")
        else:
            part = np.argpartition(-self.values, k)[:k]
            order = part[np.argsort(-self.values[part], kind="stable")]
        return self.positions[order]


class Scorer(Protocol):
    name: str

    def fit(self, catalog: Catalog, history: History) -> Scorer: ...

    def score(self, req: Request) -> Scores: ...
