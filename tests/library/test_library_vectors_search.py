"""Embedding round trips and full-text search."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from pyrec.errors import LibraryError
from pyrec.library import Library

from .helpers import MODEL


def test_embeddings_round_trip_bit_exact(lib: Library, make_record) -> None:
    rng = np.random.default_rng(7)
    vectors = {}
    for i in range(20):
        v = rng.standard_normal(384).astype(np.float32)
        v[0], v[1], v[2] = -0.0, np.float32(1e-45), np.finfo(np.float32).max  # sign, denormal, extreme
        video_id = lib.upsert_video(make_record(f"/m/{i:02d}.mkv", vector=v))
        vectors[video_id] = v
    ids, matrix = lib.embeddings(MODEL)
    assert ids.dtype == np.int64 and ids.tolist() == sorted(vectors)
    assert matrix.dtype == np.float32 and matrix.shape == (20, 384)
    assert matrix.flags.c_contiguous and matrix.flags.writeable
    for row, video_id in zip(matrix, ids, strict=True):
        assert row.tobytes() == vectors[int(video_id)].tobytes()


def test_float64_input_is_stored_as_float32(lib: Library, make_record) -> None:
    v = np.array([0.1, 0.2, 0.3])
    lib.upsert_video(make_record(vector=v))
    assert lib.embeddings(MODEL)[1][0].tobytes() == v.astype("<f4").tobytes()


def test_unknown_model_gives_empty_arrays(lib: Library) -> None:
    ids, matrix = lib.embeddings("nobody")
    assert ids.shape == (0,) and matrix.shape == (0, 0)


def test_dimension_change_for_a_model_is_refused(lib: Library, make_record) -> None:
    lib.upsert_video(make_record("/m/a.mkv", vector=np.ones(8, np.float32)))
    with pytest.raises(ValueError, match="dim 8"):
        lib.upsert_video(make_record("/m/b.mkv", vector=np.ones(4, np.float32)))
    assert lib.count_videos() == 1
    assert lib.embedding_models() == {MODEL: 8}


def test_inconsistent_stored_dims_are_reported_on_read(lib: Library, make_record) -> None:
    lib.upsert_video(make_record("/m/a.mkv", vector=np.ones(8, np.float32)))
    video_id = lib.upsert_video(make_record("/m/b.mkv", vector=np.ones(8, np.float32)))
    conn = sqlite3.connect(lib.path)  # as another tool or a bug might have written it
    conn.execute("UPDATE embeddings SET dim = 2, vector = ? WHERE video_id = ?",
                 (np.ones(2, "<f4").tobytes(), video_id))
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError) as info:
        lib.embeddings(MODEL)
    assert f"video {video_id}" in info.value.reason and info.value.path == str(lib.path)


def test_search_finds_plot_people_tags_subtitles_and_prefixes(lib: Library, make_record) -> None:
    hunt = lib.upsert_video(make_record("/m/hunt.mkv"))
    amelie = lib.upsert_video(make_record("/m/amelie.mkv", title="Amélie", plot="A shy waitress in Montmartre.",
                                          people=("Audrey Tautou",), genres=("Romance",), labels=(),
                                          subtitles="les gnomes voyagent"))
    assert [h.video_id for h in lib.search("submarine")] == [hunt]  # plot
    assert [h.video_id for h in lib.search("Tautou")] == [amelie]  # a person
    assert [h.video_id for h in lib.search("audrey tautou")] == [amelie]
    assert [h.video_id for h in lib.search("romance")] == [amelie]  # a genre
    assert [h.video_id for h in lib.search("gnomes")] == [amelie]  # subtitles
    assert [h.video_id for h in lib.search("amelie")] == [amelie]  # accents folded
    assert [h.video_id for h in lib.search("montm")] == [amelie]  # prefix while typing
    assert lib.search("submarine tautou") == []  # every word must match
    for hostile in ('"', "AND(", "NEAR/3 *", "title:x", "-", ""):
        assert lib.search(hostile) == []


def test_title_match_ranks_above_subtitle_match(lib: Library, make_record) -> None:
    in_title = lib.upsert_video(make_record("/m/1.mkv", title="Rabbit", plot="", subtitles=""))
    in_subs = lib.upsert_video(make_record("/m/2.mkv", title="Other", plot="", subtitles="rabbit"))
    hits = lib.search("rabbit")
    assert [h.video_id for h in hits] == [in_title, in_subs]
    assert hits[0].score > hits[1].score
