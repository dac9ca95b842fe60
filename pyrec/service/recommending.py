"""Answers: recommendations, shelves, "more like this", search, duplicates,
each as cards (pyrec.shapes.Card) built from one bulk read of the library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pyrec import shapes
from pyrec.recommend.blend import Recommendation
from pyrec.recommend.explain import Reason, reason
from pyrec.records import Moment
from pyrec.service.behaviour import NOBODY, Behaviour
from pyrec.service.passage_lines import REFINED_HITS, best_lines
from pyrec.service.store import Ref, Store
from pyrec.service.warm import WarmRecommender

if TYPE_CHECKING:
    from pyrec.features.text import TextEncoder

MOMENTS_PER_CARD = 3  # where in a search hit its words are: the best few places


def reason_json(reason: Reason) -> shapes.ReasonJson:
    return {"kind": reason.kind, "data": dict(reason.data), "weight": round(float(reason.weight), 4),
            "text": reason.text}


class Recommending:
    def __init__(self, store: Store, behaviour: Behaviour, warm: WarmRecommender) -> None:
        self.store = store
        self.behaviour = behaviour  # whose history an answer is for
        self.warm = warm

    # -- cards -------------------------------------------------------------------------
    def cards(self, *lists: Sequence[Recommendation]) -> list[list[shapes.Card]]:
        """Each list of recommendations as cards: video + thumbnail + score +
        reasons. All lists are read together: one read of the videos, one of
        their thumbnails, however many cards."""
        lib = self.store.library
        ids = list(dict.fromkeys(r.video_id for recs in lists for r in recs))
        videos = lib.videos_by_ids(ids)
        thumbs = lib.first_thumbnails(ids)
        out: list[list[shapes.Card]] = []
        for recs in lists:
            cards: list[shapes.Card] = []
            for r in recs:
                info = videos.get(r.video_id)
                card = shapes.card_json(info if info is not None else lib.video(r.video_id), thumbs.get(r.video_id))
                card["score"] = round(float(r.score), 6)
                card["reasons"] = [reason.text for reason in r.reasons if reason.text]
                card["reason_details"] = [reason_json(reason) for reason in r.reasons]
                # A video being continued says where playback stopped (the card's progress bar).
                resume = next((reason.data.get("position") for reason in r.reasons if reason.kind == "continue"), None)
                if resume is not None:
                    card["position"] = float(resume)
                cards.append(card)
            out.append(cards)
        return out

    def _answer_id(self, profile: str | None) -> int | None:
        """The profile id that filters an answer (None: nobody's history yet)."""
        profile_id = self.behaviour.reading_id(profile)
        return None if profile_id == NOBODY else profile_id

    # -- answers ----------------------------------------------------------------------
    def recommend(self, profile: str | None = None, n: int = 20) -> list[shapes.Card]:
        profile_id = self.behaviour.reading_id(profile)
        with self.warm.serving() as rec:
            recs = rec.recommend(profile_id, n)
        return self.cards(recs)[0]

    def shelves(self, profile: str | None = None, limit: int = 20) -> list[shapes.Shelf]:
        from pyrec.recommend.shelves import ShelfConfig

        profile_id = self.behaviour.reading_id(profile)
        with self.warm.serving() as rec:
            shelves = [s for s in rec.shelves(profile_id, config=ShelfConfig(n=limit)) if s.items]
        cards = self.cards(*(s.items for s in shelves))
        return [{"id": s.key, "title": s.title, "items": items} for s, items in zip(shelves, cards)]

    def similar(self, ref: Ref, n: int = 20, profile: str | None = None) -> list[shapes.Card]:
        video = self.store.resolve(ref)
        profile_id = self._answer_id(profile)
        with self.warm.serving() as rec:
            if not rec.catalog.has(video.id):
                return []  # a failed or missing file has nothing to compare
            recs = rec.similar(video.id, n, profile=profile_id)
        return self.cards(recs)[0]

    def search(self, query: str, n: int = 50, profile: str | None = None) -> list[shapes.Card]:
        query = query.strip()
        if not query:
            return []
        lib = self.store.library
        limit = max(n, 50)
        # A video whose own text matches ranks before one found only by a line
        # of it; each says where its words are (the card's moments).
        moments = lib.search_moments(query, limit=limit * MOMENTS_PER_CARD, per_video=MOMENTS_PER_CARD)
        fts = list(dict.fromkeys([hit.video_id for hit in lib.search(query, limit=limit)]
                                 + [hit.video_id for hit in moments]))
        encoder = _text_encoder()
        vector = encoder.encode([query])[0]
        profile_id = self._answer_id(profile)
        passages = self.warm.passage_matches(vector, encoder.model_id)
        with self.warm.searchable() as rec:
            recs = rec.search(query, query_vector=vector, fts=fts, n=n, profile=profile_id, passages=passages)
        # A hit by meaning says where too: its passage, after the word hits;
        # for the first few, the very line of it that means what was asked.
        meant = {r.video_id: int(reason.data["passage"]) for r in recs for reason in r.reasons
                 if reason.kind == "search_passage"}
        stored = lib.passages_by_ids(meant.values())
        first = {meant[r.video_id] for r in recs[:REFINED_HITS] if r.video_id in meant}
        lines = best_lines(lib, encoder, vector, {pid: stored[pid] for pid in first if pid in stored})
        for r in recs:
            r.reasons = [_at_line(x, lines) for x in r.reasons]
        cards = self.cards(recs)[0]
        where: dict[int, list[shapes.MomentJson]] = {}
        for hit in moments:
            where.setdefault(hit.video_id, []).append(shapes.moment_json(hit.moment))
        for video_id, passage_id in meant.items():
            found = stored.get(passage_id)
            if found is None:
                continue
            p = found.passage
            said = where.setdefault(video_id, [])
            if not any(m["kind"] == p.kind and p.start <= m["time"] <= p.end for m in said):
                said.append(shapes.moment_json(lines.get(passage_id) or Moment(p.start, p.end, p.kind, p.text)))
        for card in cards:
            if card["id"] in where:
                card["moments"] = where[card["id"]]
        return cards

    def dupes(self) -> list[shapes.DupeGroupJson]:
        lib = self.store.library
        groups = self.warm.duplicate_groups()
        ids = [v for g in groups for v in g.video_ids]
        videos = lib.videos_by_ids(ids)
        thumbs = lib.first_thumbnails(ids)
        out: list[shapes.DupeGroupJson] = []
        for g in groups:
            items = [shapes.card_json(videos[v] if v in videos else lib.video(v), thumbs.get(v)) for v in g.video_ids]
            best = next(v for v in items if v["id"] == g.best)
            out.append({
                "id": g.id,
                "items": items,
                "keep": g.best,
                "reason": f"keep {best['width']}x{best['height']}, {best['duration'] or 0:.0f}s, "
                          f"{(best['size'] or 0) / 1e6:.1f} MB: {g.why or f'the best of {len(items)} copies'}"
                          if g.kind == "copies" else
                          f"same footage, different edit: the pictures align but the sound differs "
                          f"({len(items)} videos; not copies, keep them all)",
                "kind": g.kind,
                "pairs": [{"a": a, "b": b, "evidence": round(e, 3)} for a, b, e in g.pairs],
            })
        return out

    def evaluate_library(self, k: int = 10) -> list[dict[str, Any]]:
        from pyrec.recommend.evaluate import evaluate_history

        with self.warm.serving() as rec:
            catalog, history = rec.catalog, rec.history
        return evaluate_history(catalog, history, k=k)


def _at_line(r: Reason, lines: dict[int, Moment]) -> Reason:
    """A passage reason moved to the time of the line found in it (see passage_lines)."""
    line = lines.get(int(r.data.get("passage", -1))) if r.kind == "search_passage" else None
    return r if line is None else reason(r.kind, r.weight, **{**r.data, "time": line.start})


def _text_encoder() -> TextEncoder:
    from pyrec.features.text import default_text_encoder

    return default_text_encoder()
