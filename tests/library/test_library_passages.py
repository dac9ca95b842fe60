"""Passages in the library (migration 13): the moments triggers drop a
kind's passages whenever its moments change, a store made from moments that
changed meanwhile is refused, and a library scanned before passages existed
gets them from the moments it holds, with no file opened."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyrec.library import Library
from pyrec.records import Moment, Passage
from pyrec.service import PyrecService

MODEL = "minilm-l6-v2/text"


def test_an_upgraded_library_embeds_passages_from_stored_moments(tmp_path: Path, library_at) -> None:
    db = tmp_path / "old.sqlite"
    library_at(db, 11)  # moments, no passages; the seeded file does not exist, so nothing can be opened
    empty = tmp_path / "empty"
    empty.mkdir()
    with PyrecService(db, cache_dir=tmp_path / "cache") as service:
        assert service.library.passage_todo(MODEL) == [(1, "subtitle")]
        service.scan([empty], jobs=1)
        assert service.library.passage_todo(MODEL) == []
        hits = service.search("one sonar ping")  # not every word is in the line: no word hit
    assert hits[0]["id"] == 1 and hits[0]["moments"][0]["where"] == "said at 0:12"


def test_changed_moments_drop_their_passages_and_a_stale_store_is_refused(tmp_path: Path, library_at) -> None:
    db = tmp_path / "old.sqlite"
    library_at(db, 11)
    vector = np.eye(1, 4, dtype=np.float32)
    with Library.open(db) as lib:
        moments, stamp = lib.moments_to_group(1, "subtitle")
        assert lib.store_passages(1, "subtitle", stamp, [Passage(12.0, 14.0, "subtitle", moments[0].text)], vector, MODEL)
        assert lib.passage_todo(MODEL) == []
        todo = lib.deep_pending("speech", 1)[0]
        assert lib.store_deep(todo, "speech", 1, [Moment(30.0, 32.0, "speech", "Re-verify our range to target.")], 1.0)
        # Only the kind that changed is to be embedded again; the subtitle passage stays.
        assert lib.passage_todo(MODEL) == [(1, "speech")]
        lines, said = lib.moments_to_group(1, "speech")
        assert lib.store_deep(todo, "speech", 2, [Moment(40.0, 41.0, "speech", "One ping only.")], 1.0)
        # Made from lines that changed meanwhile: refused, and still to do.
        assert not lib.store_passages(1, "speech", said, [Passage(30.0, 32.0, "speech", lines[0].text)], vector, MODEL)
        assert lib.passage_todo(MODEL) == [(1, "speech")]
        assert lib.passage_vectors(MODEL).kinds == ("subtitle",)
        lib.delete_videos([1])
        assert lib.passage_vectors(MODEL).ids.size == 0
