"""Context scorers: where the profile is in what it watches, and when.

- ContinueWatching: partially watched videos, most recent first.
- NextEpisode: the next unwatched episode, in (season, episode) order, of each
  series the profile is following.
- Habits: a soft prior from time-of-day and weekday habits ("documentaries on
  Sunday mornings"): genres/tags over-represented in the current time slot.
"""

from __future__ import annotations

import numpy as np

from pyrec.recommend.base import Request, Scores
from pyrec.recommend.catalog import KIND, Catalog, History
from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.signals import DAY, decay, event_weights, is_abandoned
from pyrec.recommend.sparse import ranges
from pyrec.records import ENTITY_KINDS

DAYPART_STARTS = (5, 12, 17, 22)  # morning, afternoon, evening, night


def local_slots(timestamps: np.ndarray, utc_offset: float) -> tuple[np.ndarray, np.ndarray]:
    """(weekday Monday=0.., daypart 0..3) of unix times at a UTC offset."""
    local = np.asarray(timestamps, dtype=np.float64) + utc_offset
    days = np.floor(local / DAY)
    weekday = ((days + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday
    hour = (local - days * DAY) / 3600.0
    daypart = np.select([hour < start for start in DAYPART_STARTS], [3, 0, 1, 2], 3).astype(np.int64)
    # Night runs past midnight: 1 a.m. on Sunday belongs to Saturday night.
    weekday = np.where(hour < DAYPART_STARTS[0], (weekday + 6) % 7, weekday)
    return weekday, daypart


# A resume point this close to where a damaged file stops would play a moment
# and end: not worth offering.
DAMAGE_MARGIN_SECONDS = 5.0


class ContinueWatching:
    def __init__(self, *, name: str = "continue", half_life_days: float = 30.0, max_age_days: float = 180.0) -> None:
        self.name = name
        self.half_life_days = half_life_days
        self.max_age_days = max_age_days

    def fit(self, catalog: Catalog, history: History) -> ContinueWatching:
        return self

    def resume_points(self, req: Request) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions, resume seconds, time of that play) of partially watched videos."""
        h, cat = req.history, req.catalog
        plays = (h.kind == KIND["play"]) | (h.kind == KIND["watched"])
        if not plays.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0)
        w, watched, skipped = event_weights(h, cat.durations, req.cfg)
        idx = np.flatnonzero(plays)
        # Last play per video decides: finished or abandoned videos are not resumed.
        _, first_from_end = np.unique(h.video[idx][::-1], return_index=True)
        last = idx[::-1][first_from_end]
        sel = last[(h.kind[last] == KIND["play"]) & ~watched[last] & ~skipped[last]]
        if sel.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0)
        vid = h.video[sel]
        seconds = np.where(np.isnan(h.position[sel]), h.fraction[sel] * cat.durations[vid], h.position[sel])
        age = req.now - h.timestamp[sel]
        keep = ~req.prefs.negative[vid] & ~np.isnan(seconds) & (age <= self.max_age_days * DAY)
        # Stopped early and left for days: abandoned (counts against it), not paused.
        dur = cat.durations[vid]
        with np.errstate(invalid="ignore", divide="ignore"):
            keep &= ~is_abandoned(np.where(dur > 0, seconds / np.where(dur > 0, dur, 1.0), np.nan), age, req.cfg)
        # A damaged file cannot resume past its damage: there is nothing to play there.
        with np.errstate(invalid="ignore"):
            keep &= ~(seconds >= cat.playable[vid] - DAMAGE_MARGIN_SECONDS)
        return vid[keep], seconds[keep].astype(np.float32), h.timestamp[sel][keep]

    def score(self, req: Request) -> Scores:
        vid, seconds, when = self.resume_points(req)
        if vid.size == 0:
            return Scores.empty(self.name)
        values = decay(when, req.now, self.half_life_days).astype(np.float32)
        at = dict(zip(vid.tolist(), seconds.tolist()))

        def explain(p: int) -> list[Reason]:
            return [reason("continue", 1.0, position=round(float(at[p]), 1))]

        return Scores(self.name, vid.astype(np.int64), values, explain)


class NextEpisode:
    def __init__(self, *, name: str = "next_episode", half_life_days: float = 60.0) -> None:
        self.name = name
        self.half_life_days = half_life_days

    def fit(self, catalog: Catalog, history: History) -> NextEpisode:
        # Viewing order of every series once: (series, season, episode, title).
        members = np.flatnonzero(catalog.series >= 0)
        season = np.where(catalog.season[members] >= 0, catalog.season[members], 1)
        order = sorted(range(members.size), key=lambda i: (int(catalog.series[members[i]]), int(season[i]),
                                                           int(catalog.episode[members[i]]), catalog.titles[members[i]]))
        members = members[order]
        series = catalog.series[members]
        starts = np.flatnonzero(np.r_[True, series[1:] != series[:-1]]) if members.size else np.zeros(0, np.int64)
        ends = np.r_[starts[1:], members.size]
        self._order = {int(series[s]): members[s:e] for s, e in zip(starts, ends)}
        return self

    def episodes(self, catalog: Catalog, series: int) -> np.ndarray:
        """Positions of a series' episodes in viewing order."""
        return self._order.get(series, np.zeros(0, np.int64))

    def score(self, req: Request) -> Scores:
        cat, prefs = req.catalog, req.prefs
        watched = np.flatnonzero(prefs.watched & (cat.series >= 0))
        if watched.size == 0:
            return Scores.empty(self.name)
        out_pos, out_val = [], []
        for s in np.unique(cat.series[watched]).tolist():
            order = self.episodes(cat, s)
            done = prefs.watched[order]
            # Continue after the most recently watched episode, not the furthest
            # one: people rewatch, and skip around less than they resume.
            times = np.where(done, np.nan_to_num(prefs.last_time[order], nan=-np.inf), -np.inf)
            latest = int(np.argmax(times))
            nxt = [i for i in range(latest + 1, order.size) if not done[i] and not prefs.negative[order[i]]]
            if not nxt:
                continue
            out_pos.append(int(order[nxt[0]]))
            out_val.append(float(decay(np.array([times[latest]]), req.now, self.half_life_days)[0]))
        if not out_pos:
            return Scores.empty(self.name)

        def explain(p: int) -> list[Reason]:
            s = int(cat.series[p])
            return [reason("next_episode", 1.0, series=cat.graph.names[s], season=int(cat.season[p]),
                           episode=int(cat.episode[p]), video_id=int(cat.ids[p]), title=cat.titles[p])]

        return Scores(self.name, np.array(out_pos, np.int64), np.array(out_val, np.float32), explain)


class Habits:
    """Lift of each genre/tag in the current (weekday, day part) slot over the
    profile's overall mix, from its positive plays. A prior, never a verdict."""

    def __init__(self, *, name: str = "habits", kinds: tuple[str, ...] = ("genre", "tag"), min_plays: int = 3,
                 smoothing: float = 2.0, max_entities: int = 16) -> None:
        self.name = name
        self.max_entities = max_entities
        self.kinds = kinds
        self.min_plays = min_plays
        self.smoothing = smoothing

    def fit(self, catalog: Catalog, history: History) -> Habits:
        self.kind_mask = np.isin(catalog.graph.kinds, [ENTITY_KINDS.index(k) for k in self.kinds])
        return self

    def score(self, req: Request) -> Scores:
        cat, h = req.catalog, req.history
        w, _, _ = event_weights(h, cat.durations, req.cfg)
        pos = (w > 0) & ((h.kind == KIND["play"]) | (h.kind == KIND["watched"]) | (h.kind == KIND["rate"]))
        if pos.sum() < self.min_plays:
            return Scores.empty(self.name)
        wd, dp = local_slots(h.timestamp[pos], req.utc_offset)
        now_wd, now_dp = (int(a[0]) for a in local_slots(np.array([req.now]), req.utc_offset))
        vids = h.video[pos]
        g = cat.graph
        # Edges (play, entity) for the entities of the kinds we track.
        lo, hi = g.by_video.indptr[vids], g.by_video.indptr[vids + 1]
        reps = hi - lo
        edge = ranges(lo, reps)
        ent = g.by_video.indices[edge]
        keep = self.kind_mask[ent]
        ent = ent[keep]
        play_wd, play_dp = np.repeat(wd, reps)[keep], np.repeat(dp, reps)[keep]
        # Work over the entities this profile's plays touch, not all of them
        # (a large library has ~100k people and tags).
        touched, ent = np.unique(ent, return_inverse=True)
        n_e = touched.size
        total = np.bincount(ent, minlength=n_e).astype(np.float64)
        n_plays = float(pos.sum())
        best = np.zeros(n_e)
        best_day = np.full(n_e, -1)
        a = self.smoothing
        for slot_mask, n_slot, with_day in (
            ((play_wd == now_wd) & (play_dp == now_dp), float(((wd == now_wd) & (dp == now_dp)).sum()), True),
            (play_dp == now_dp, float((dp == now_dp).sum()), False),
        ):
            in_slot = np.bincount(ent[slot_mask], minlength=n_e).astype(np.float64)
            # Smoothed lift of P(entity | slot) over P(entity); log so that
            # "no different from usual" is 0. Evidence caps it at few plays.
            base = total / n_plays
            ratio = ((in_slot + a * base) / (n_slot + a)) / np.maximum(base, 1e-12)
            lift = np.log(np.where(total > 0, ratio, 1.0))
            strength = np.where(in_slot >= self.min_plays, np.maximum(lift, 0.0), 0.0)
            better = strength > best
            best = np.where(better, strength, best)
            best_day = np.where(better, now_wd if with_day else -1, best_day)
        ents = np.flatnonzero(best > 0)
        if ents.size == 0:
            return Scores.empty(self.name)
        best_of = np.zeros(g.n_entities)  # by entity id, for the explanations
        best_of[touched] = best
        day_of = np.full(g.n_entities, -1)
        day_of[touched] = best_day
        best, best_day = best_of, day_of
        # The strongest few carry the habit (a tiebreaker in the blend); each
        # further genre row would cost a pass over thousands of videos.
        ents = touched[ents[np.argsort(-best_of[touched[ents]], kind="stable")[: self.max_entities]]]
        values = np.zeros(cat.n, dtype=np.float32)
        for e in ents.tolist():
            vs, _ = g.by_entity.row(e)
            values[vs] = np.maximum(values[vs], np.float32(best[e]))
        values[req.unscored] = 0.0

        def explain(p: int) -> list[Reason]:
            es, _, _ = g.edges_of(p)
            es = es[best[es] > 0]
            if es.size == 0:
                return []
            e = int(es[np.argmax(best[es])])
            day = int(best_day[e])
            return [reason("habit", float(best[e]), name=g.names[e], weekday=None if day < 0 else day, daypart=now_dp)]

        return Scores.from_dense(self.name, values, explain)
