"""One definition of "watched" (pyrec.records.is_watched), used by the
library's watched filter, the recommender's signals and the desktop app; and
one list of interaction kinds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from pyrec.library import Library
from pyrec.recommend.catalog import INTERACTION_KINDS as RECOMMEND_KINDS
from pyrec.recommend.catalog import History
from pyrec.recommend.signals import event_weights
from pyrec.records import INTERACTION_KINDS, FileStat, MediaProbe, TextInfo, VideoRecord, is_watched

# (seconds seen, duration, watched?) near the rule's edges (not on them: the
# history keeps fractions in float32, SQL compares seconds, so an exact 90 %
# may fall either side by one rounding)
CASES = [
    (90.1, 100.0, True),  # 90 % of a short clip
    (89.0, 100.0, False),  # 89 %: no credits on a short clip
    (850.0, 1000.0, False),  # 150 s left of a 16-minute video: too short to have credits
    (1331.0, 1500.0, True),  # 25 minutes, 169 s left (89 %): the end credits are rolling
    (1310.0, 1500.0, False),  # 190 s left: not yet
    (6500.0, 7200.0, True),  # a film, 90 %
    (7000.0, 7200.0, True),  # a film, 200 s left but 97 %
    (0.0, 7200.0, False),
]


@pytest.mark.parametrize(("seconds", "duration", "watched"), CASES)
def test_the_watched_rule(seconds: float, duration: float, watched: bool) -> None:
    assert is_watched(seconds / duration, duration) is watched


def test_the_rule_works_on_arrays_and_never_on_nan() -> None:
    seconds, duration, expected = (np.array(c) for c in zip(*CASES))
    assert is_watched(seconds / duration, duration).tolist() == expected.tolist()
    assert not is_watched(np.array([np.nan]), np.array([7200.0])).any()
    assert is_watched(0.95, 0.0) and not is_watched(0.5, 0.0)  # unknown length: the share alone


def test_one_list_of_interaction_kinds(tmp_path: Path) -> None:
    assert RECOMMEND_KINDS is INTERACTION_KINDS
    import pyrec.library

    assert pyrec.library.INTERACTION_KINDS is INTERACTION_KINDS
    with Library.open(tmp_path / "lib.sqlite"):
        pass
    conn = sqlite3.connect(tmp_path / "lib.sqlite")
    try:  # the schema's CHECK (an append-only migration) lists the same kinds
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'interactions'").fetchone()
    finally:
        conn.close()
    assert all(f"'{k}'" in sql for k in INTERACTION_KINDS)


def test_library_filter_and_signals_agree_with_the_rule(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.sqlite") as lib:
        profile = lib.ensure_profile("me").id
        ids = []
        for i, (seconds, duration, _) in enumerate(CASES):
            video = lib.upsert_video(VideoRecord(file=FileStat(f"/v/{i}.mkv", 1000, 1),
                                                 probe=MediaProbe(duration, 25.0, 640, 360, "avc1"),
                                                 text=TextInfo(title=f"v{i}")))
            lib.add_interaction(profile, video, "play", watched_seconds=seconds, duration=duration, position=seconds)
            ids.append(video)
        in_library = {v.id for v in lib.videos(profile_id=profile, watched="watched")}
    expected = [w for _, _, w in CASES]
    assert [v in in_library for v in ids] == expected
    durations = np.array([d for _, d, _ in CASES])
    history = History.from_events((profile, i, "play", None, s / d, s, 1.0 + i) for i, (s, d, _) in enumerate(CASES))
    _, watched, _ = event_weights(history, durations)
    assert watched.tolist() == expected
