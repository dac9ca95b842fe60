"""Who-watched-what as a sparse matrix (profiles and viewing sessions x videos),
shared by the item-kNN baseline and the explanations of collaborative scores."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pyrec.recommend.catalog import History
from pyrec.recommend.signals import SignalConfig, confidence_triplets, event_weights
from pyrec.recommend.sparse import CSR


@dataclass
class Interactions:
    matrix: CSR  # rows: profiles first, then sessions; columns: catalogue positions
    row_profile: np.ndarray  # int64 profile id of each row
    is_session: np.ndarray  # bool per row
    profile_row: dict[int, int]  # profile id -> its (non-session) row
    by_item: CSR = field(init=False)  # videos x rows
    item_norms: np.ndarray = field(init=False)  # sqrt(rows that hold the video): binary cosine

    def __post_init__(self) -> None:
        self.by_item = self.matrix.transpose()
        self.item_norms = np.sqrt(np.bincount(self.matrix.indices, minlength=self.matrix.shape[1])).astype(np.float32)


def sessions(history: History, gap_seconds: float) -> np.ndarray:
    """Session number per event: a new session starts after a pause longer
    than gap_seconds or when the profile changes (events sorted by time)."""
    if len(history) == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((history.timestamp, history.profile))
    p, t = history.profile[order], history.timestamp[order]
    start = np.ones(p.size, dtype=bool)
    start[1:] = (p[1:] != p[:-1]) | (t[1:] - t[:-1] > gap_seconds)
    sid = np.cumsum(start) - 1
    out = np.empty_like(sid)
    out[order] = sid
    return out


def build_interactions(
    history: History,
    n_items: int,
    durations: np.ndarray,
    cfg: SignalConfig = SignalConfig(),
    *,
    session_gap_hours: float | None = 3.0,
    session_weight: float = 0.5,
    min_session_items: int = 2,
    max_session_items: int = 50,
) -> Interactions:
    """Profile rows carry each profile's decayed confidences; session rows make
    videos watched close together co-occur (pseudo-users)."""
    prof, items, conf = confidence_triplets(history, n_items, durations, cfg)
    profiles = history.profiles
    profile_row = {int(p): i for i, p in enumerate(profiles.tolist())}
    rows = [np.array([profile_row[int(p)] for p in prof.tolist()], dtype=np.int64)]
    cols, vals = [items], [conf]
    row_profile = [profiles]
    n_rows = profiles.size
    if session_gap_hours is not None and len(history):
        w, _, _ = event_weights(history, durations, cfg)
        sid = sessions(history, session_gap_hours * 3600.0)
        session_profile = np.zeros(int(sid.max()) + 1, dtype=np.int64)
        session_profile[sid] = history.profile
        pos = w > 0
        sid, vid = sid[pos], history.video[pos]
        pairs = np.unique(sid * n_items + vid)
        s_of, v_of = pairs // n_items, pairs % n_items
        size = np.bincount(s_of)
        ok = (size[s_of] >= min_session_items) & (size[s_of] <= max_session_items)
        s_of, v_of = s_of[ok], v_of[ok]
        uniq, s_row = np.unique(s_of, return_inverse=True)
        rows.append(n_rows + s_row)
        cols.append(v_of)
        vals.append(np.full(v_of.size, session_weight, dtype=np.float32))
        row_profile.append(session_profile[uniq])
        n_rows += uniq.size
    rp = np.concatenate(row_profile).astype(np.int64)
    matrix = CSR.from_coo(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), (n_rows, n_items))
    is_session = np.arange(n_rows) >= profiles.size
    return Interactions(matrix, rp, is_session, profile_row)


def best_cowatched(inter: Interactions, candidate: int, liked: np.ndarray, weights: np.ndarray) -> tuple[int, float]:
    """The liked video that co-occurs most with the candidate (cosine over rows),
    and that cosine; (-1, 0) when none does."""
    if liked.size == 0:
        return -1, 0.0
    users, _ = inter.by_item.row(candidate)
    if users.size == 0:
        return -1, 0.0
    counts = inter.matrix.rdot_rows(users, np.ones(users.size, np.float32))
    norms = inter.item_norms
    cos = counts[liked] / np.maximum(norms[liked] * norms[candidate], 1e-12)
    j = int(np.argmax(cos * weights))
    return (int(liked[j]), float(cos[j])) if cos[j] > 0 else (-1, 0.0)
