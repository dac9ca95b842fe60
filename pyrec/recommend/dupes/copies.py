"""Copies as one video when serving: duplicate groups mapped onto catalogue
positions (`DupeIndex` for filtering, `group_of` for the re-ranker)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pyrec.recommend.dupes.items import DupeGroup


def group_of(groups: Sequence[DupeGroup], catalog_ids: np.ndarray) -> np.ndarray:
    """Group number per catalogue position (-1 = none), for the re-ranker."""
    pos = {int(v): i for i, v in enumerate(np.asarray(catalog_ids).tolist())}
    out = np.full(len(pos), -1, dtype=np.int64)
    for g, group in enumerate(g for g in groups if g.kind == "copies"):
        for v in group.video_ids:
            if v in pos:
                out[pos[v]] = g
    return out


@dataclass(frozen=True)
class DupeIndex:
    """Duplicate groups over catalogue positions, built once per catalogue
    (`build`) so that serving costs O(videos that have a copy), never
    O(catalogue): copies of one video are treated as that one video.

    Per profile (`hidden`): a group with a watched, disliked or hidden member
    is consumed and none of its copies is recommended as new; any other group
    shows one copy: the one the profile last played (its resume point lives
    there), else the best copy (most pixels, bitrate, duration)."""

    group: np.ndarray  # int64 per position, -1 = no copy
    members: np.ndarray  # int64 positions that are in a group, grouped (group order)
    indptr: np.ndarray  # int64 [groups + 1]: members[indptr[g]:indptr[g + 1]] are group g
    best: np.ndarray  # int64 per group: position of the copy to show by default
    member_group: np.ndarray = field(init=False)  # int64 group of each member

    def __post_init__(self) -> None:
        groups = np.arange(self.best.size, dtype=np.int64)
        object.__setattr__(self, "member_group", np.repeat(groups, np.diff(self.indptr)))

    @classmethod
    def empty(cls, n: int) -> DupeIndex:
        return cls(np.full(n, -1, np.int64), np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64))

    @classmethod
    def build(cls, groups: Sequence[DupeGroup], catalog_ids: np.ndarray) -> DupeIndex:
        ids = np.asarray(catalog_ids)
        pos = {int(v): i for i, v in enumerate(ids.tolist())}
        group = np.full(ids.size, -1, np.int64)
        members: list[int] = []
        indptr = [0]
        best: list[int] = []
        for g in groups:
            if g.kind != "copies":  # another edit of the same footage is its own video
                continue
            here = sorted({pos[v] for v in g.video_ids if v in pos})
            if len(here) < 2:  # the other copies left the catalogue: nothing to merge
                continue
            group[here] = len(best)
            members.extend(here)
            indptr.append(len(members))
            keep = pos.get(g.best, -1)
            best.append(keep if keep in here else here[0])
        return cls(group, np.array(members, np.int64), np.array(indptr, np.int64), np.array(best, np.int64))

    @property
    def n_groups(self) -> int:
        return int(self.best.size)

    def siblings(self, p: int) -> np.ndarray:
        """p and its other copies (just p when it has none)."""
        g = int(self.group[p])
        if g < 0:
            return np.array([p], np.int64)
        return self.members[self.indptr[g]: self.indptr[g + 1]]

    def key(self, p: int) -> int:
        """One key per video, shared by all its copies."""
        g = int(self.group[p])
        return p if g < 0 else self.group.size + g

    def hidden(
        self, *, consumed: np.ndarray | None = None, seen: np.ndarray | None = None, last_time: np.ndarray | None = None,
    ) -> np.ndarray:
        """Positions not to recommend: every copy in a group with a `consumed`
        member, and all but one copy of every other group."""
        m = self.members
        if m.size == 0:
            return m
        g = self.member_group
        show = self.best.copy()
        if seen is not None and last_time is not None:
            s = seen[m]
            if s.any():  # the copy the profile played last
                sm, sg = m[s], g[s]
                order = np.lexsort((np.nan_to_num(last_time[sm], nan=-np.inf), sg))
                sm, sg = sm[order], sg[order]
                last = np.r_[sg[1:] != sg[:-1], True]
                show[sg[last]] = sm[last]
        hide = m != show[g]
        if consumed is not None:
            bad = np.zeros(self.n_groups, dtype=bool)
            bad[g[consumed[m]]] = True
            hide |= bad[g]
        return m[hide]
