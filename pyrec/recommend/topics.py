"""Reasons from what videos say and show: "also about storms and harbours,
like X" from the specific words two videos share in their subtitles,
transcripts and on-screen text, and "narrated by X" where a documentary-like
video's container tags name its artist (the voice, for such a film).

Reasons only: nothing here changes a score. Words are weighed like the
graph's entities (:func:`pyrec.recommend.graph.informativeness`): IDF over
the videos that have any such text, so a word most of them use is never a
reason, and stop words are dropped first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from pyrec.recommend.explain import Reason, reason
from pyrec.recommend.graph import REASON_FLOOR, informativeness

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
PER_VIDEO = 40  # a video's most telling words kept (a film's transcript holds thousands)
MAX_WORDS = 3  # at most this many named in one reason
# Spoken and subtitle English is mostly these; IDF alone would let them through
# in a library where few videos have text yet.
STOP_WORDS = frozenset("""
about above after again against all almost also although always among and another any anyone anything are
around because been before being below between both but came can cannot come could did does doing done down
during each either else enough even ever every everyone everything for from further get gets getting give go
goes going gone got had has have having her here hers herself him himself his how however into its itself
just keep know known last least less let like little look made make many may maybe might mine more most much
must myself near need never new next nor not nothing now off often okay old once one only onto other others
our ours ourselves out over own perhaps please put quite rather really right said same say says see seen she
should show since some someone something soon still such sure take than thank thanks that the their theirs
them themselves then there these they thing things think this those though through thus till too took toward
under until upon very want was way well went were what whatever when where whether which while who whom whose
why will with within without would yeah yes yet you your yours yourself yourselves
""".split())


def _key(word: str) -> str:
    """One key for a word and its plural ("storm", "storms")."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class Topics:
    """Per video id: its telling words (key -> (word as said, weight))."""

    words: dict[int, dict[str, tuple[str, float]]] = field(default_factory=dict)
    narrators: dict[int, str] = field(default_factory=dict)  # video id -> its tag's artist line, lower-cased

    @classmethod
    def build(cls, texts: Mapping[int, str], *, narrators: Mapping[int, str] = {},
              per_video: int = PER_VIDEO) -> Topics:
        counts: dict[int, Counter[str]] = {}
        surface: dict[str, Counter[str]] = {}
        for vid, text in texts.items():
            c: Counter[str] = Counter()
            for w in WORD.findall(text.lower()):
                if w not in STOP_WORDS:
                    k = _key(w)
                    c[k] += 1
                    surface.setdefault(k, Counter())[w] += 1
            if c:
                counts[vid] = c
        df = Counter(k for c in counts.values() for k in c)
        keys = list(df)
        info = dict(zip(keys, informativeness(np.array([df[k] for k in keys], dtype=np.float64), len(counts)).tolist()))
        words: dict[int, dict[str, tuple[str, float]]] = {}
        for vid, c in counts.items():
            scored = [(k, (1.0 + math.log(n)) * info[k]) for k, n in c.items()
                      if df[k] >= 2 and info[k] >= REASON_FLOOR]  # on one video only: never shared
            scored.sort(key=lambda kv: -kv[1])
            words[vid] = {k: (surface[k].most_common(1)[0][0], s) for k, s in scored[:per_video]}
        return cls(words, {int(v): " ".join(n.lower().split()) for v, n in narrators.items() if n.strip()})

    def shared(self, a: int, b: int, k: int = MAX_WORDS) -> tuple[list[str], float]:
        """The words videos ``a`` and ``b`` are both about, most telling
        first (as ``a`` says them), and how much they share (0..1)."""
        wa, wb = self.words.get(a, {}), self.words.get(b, {})
        common = sorted(set(wa) & set(wb), key=lambda key: -min(wa[key][1], wb[key][1]))
        if not common:
            return [], 0.0
        norm = math.sqrt(sum(s * s for _, s in wa.values()) * sum(s * s for _, s in wb.values())) or 1.0
        overlap = sum(wa[key][1] * wb[key][1] for key in common) / norm
        return [wa[key][0] for key in common[:k]], min(1.0, overlap)

    def narrated_by(self, video_id: int, name: str) -> bool:
        line = self.narrators.get(video_id, "")
        return bool(line) and " ".join(name.lower().split()) in line

    def narrated(self, video_id: int, r: Reason) -> Reason:
        """A "creator" reason about the voice of a narrated video says "narrated by"
        (a method, so the graph scorer can call it without importing this module)."""
        d = r.data
        if (r.kind != "shared_entity" or d.get("entity_kind") != "person" or d.get("role") != "creator"
                or not self.narrated_by(video_id, str(d.get("name", "")))):
            return r
        return reason(r.kind, r.weight, **{**d, "narrator": True})


def topic_reasons(topics: Topics | None, seed_id: int, seed_title: str, video_id: int, weight: float,
                  found: Iterable[Reason]) -> list[Reason]:
    """``found`` with its people reasons said as narration where the video is
    a narrated one, plus "also about …, like <seed>" when the two share
    specific words. ``weight``: what the strongest reason of this pair is worth."""
    if topics is None:
        return list(found)
    out = [topics.narrated(video_id, r) for r in found]
    words, share = topics.shared(seed_id, video_id)
    if words:
        out.append(reason("shared_topic", weight * (0.5 + 0.5 * share), words=words, video_id=seed_id,
                          title=seed_title))
    return out

