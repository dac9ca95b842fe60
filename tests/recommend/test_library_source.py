"""The recommender on a real (temporary) pyrec library: snapshot builders,
recommendations with reasons, search over the library's FTS, dupes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyrec.library import Library
from pyrec.recommend import Recommender, find_duplicates
from pyrec.recommend.dupes import library_items
from pyrec.recommend.library_source import catalog_from_library, history_from_library
from pyrec.records import Embedding, EntityRef, FileStat, Keyframe, Label, MediaProbe, TextInfo, VideoRecord

T0 = 1_717_320_600.0
MODEL = "efficientnet-lite0/pool"


def record(path: str, title: str, vec: list[float], entities: list[EntityRef], *, hashes: list[int] = (),
           width: int = 1920, size: int = 4_000_000, duration: float = 6000.0, labels: list[Label] = ()) -> VideoRecord:
    return VideoRecord(
        file=FileStat(path, size, 1),
        probe=MediaProbe(duration, 25.0, width, width * 9 // 16, "avc1"),
        text=TextInfo(title=title, plot=f"{title} plot"),
        keyframes=[Keyframe(10.0 * i, h) for i, h in enumerate(hashes)],
        embeddings=[Embedding(MODEL, np.array(vec, dtype=np.float32))],
        labels=list(labels),
        entities=entities,
    )


@pytest.fixture
def lib(tmp_path: Path):
    rng = np.random.default_rng(0)
    hashes = [int(h) for h in rng.integers(-(2**63), 2**63 - 1, size=8, dtype=np.int64)]
    library = Library.open(tmp_path / "lib.db")
    ids = {}
    for path, title, vec, ents, extra in [
        ("/v/alien.mkv", "Alien", [1, 0, 0], [EntityRef("person", "Ridley Scott", "director"), EntityRef("genre", "Sci-Fi")], {}),
        ("/v/blade.mkv", "Blade Runner", [0.9, 0.1, 0], [EntityRef("person", "Ridley Scott", "director"), EntityRef("genre", "Sci-Fi")], {}),
        ("/v/notting.mkv", "Notting Hill", [0, 1, 0], [EntityRef("person", "Hugh Grant", "actor"), EntityRef("genre", "Romance")], {}),
        ("/v/beach.mkv", "Holiday 2023", [0, 0, 1], [EntityRef("folder", "/v")],
         {"hashes": hashes, "labels": [Label("golden retriever", 0.9), Label("seashore", 0.7)]}),
        ("/v/beach-small.mkv", "Holiday 2023 (copy)", [0, 0.05, 1], [EntityRef("folder", "/v")],
         {"hashes": [h ^ 0b101 for h in hashes], "width": 1280, "size": 1_000_000}),
    ]:
        ids[title] = library.upsert_video(record(path, title, vec, ents, **extra))
    p = library.ensure_profile("ana")
    library.add_interaction(p.id, ids["Alien"], "play", position=5900.0, watched_seconds=5900.0, duration=6000.0, at=T0 - 86400)
    library.add_interaction(p.id, ids["Alien"], "like", at=T0 - 86000)
    library.add_interaction(p.id, ids["Notting Hill"], "dislike", at=T0 - 80000)
    yield library, ids, p.id
    library.close()


def test_snapshot_from_library(lib) -> None:
    library, ids, profile = lib
    cat = catalog_from_library(library)
    assert cat.n == 5 and cat.embeddings[MODEL].present.all()
    assert {cat.graph.names[e] for e in cat.graph.edges_of(cat.pos(ids["Alien"]))[0]} == {"Ridley Scott", "Sci-Fi"}
    assert set(cat.label_names) == {"golden retriever", "seashore"}
    h = history_from_library(library, cat)
    assert len(h) == 3 and set(h.profile.tolist()) == {profile}
    assert h.fraction[0] == pytest.approx(5900 / 6000)


def test_recommend_from_library(lib) -> None:
    library, ids, profile = lib
    rec = Recommender.from_library(library)
    recs = rec.recommend(profile, n=10, now=T0)
    titles = [r.title for r in recs]
    assert titles[0] == "Blade Runner"
    assert "Notting Hill" not in titles and "Alien" not in titles
    assert "same director as Alien" in [x.text for x in recs[0].reasons]


def test_search_with_library_fts(lib) -> None:
    library, ids, _ = lib
    rec = Recommender.from_library(library)
    fts = [hit.video_id for hit in library.search("holiday")]
    assert ids["Holiday 2023"] in fts
    names = rec.catalog.label_names
    label_vectors = np.eye(len(names), 3, dtype=np.float32)
    rec.set_label_vectors(label_vectors)
    hits = rec.search("holiday", query_vector=label_vectors[names.index("seashore")], fts=fts)
    assert hits[0].title == "Holiday 2023"
    assert {r.kind for r in hits[0].reasons} == {"search_text", "search_label"}


def test_dupes_from_library(lib) -> None:
    library, ids, _ = lib
    groups = find_duplicates(library_items(library))
    assert [g.video_ids for g in groups] == [sorted([ids["Holiday 2023"], ids["Holiday 2023 (copy)"]])]
    assert groups[0].best == ids["Holiday 2023"]
