"""Reasons must be specific: a folder holding most of the library, or a
likeness no one would see, is no reason; series, people and look-alikes are.
On the real scanned library of test_lookalikes_lib (most of it in "Movies")."""

from __future__ import annotations

import numpy as np
import pytest

from pyrec import shapes
from pyrec.recommend.explain import reason, top_reasons
from pyrec.recommend.graph import REASON_FLOOR, citable, informativeness
from pyrec.service import PyrecService

from .test_lookalikes_lib import (  # noqa: F401 (fixtures lib, svc)
    SERIES_NAME,
    SERIES_STYLE,
    STYLES,
    Scanned,
    fresh_profile,
    lib_fixture,
    svc_fixture,
)

GENERIC = "Movies"  # the folder holding most of the generated library


def reasons_of(cards: list[shapes.Card]) -> list[shapes.ReasonJson]:
    return [r for c in cards for r in c["reason_details"]]


def test_the_generic_folder_holds_most_of_the_library(lib: Scanned, svc: PyrecService) -> None:
    movies = [v for v in svc.videos(limit=None) if f"/{GENERIC}/" in v["path"]]
    assert len(movies) > 0.6 * len(lib.style)  # so the test below means something


def test_no_reason_names_a_folder_holding_most_of_the_library(lib: Scanned, svc: PyrecService) -> None:
    found: list[shapes.ReasonJson] = []
    for style in STYLES:
        with fresh_profile(svc, f"reasons-{style}") as profile:
            for v in lib.of_style(style)[:2]:
                svc.like(v, profile)
            found += reasons_of(svc.recommend(profile, n=30))
            found += [r for shelf in svc.shelves(profile) for r in reasons_of(shelf["items"])]
    for video in lib.style:
        found += reasons_of(svc.similar(video, n=10))
    assert found
    named = [r for r in found if GENERIC in r["text"] or r["data"].get("name") == GENERIC]
    assert named == []
    # Every card that is there says something.
    assert all(r["text"] for r in found)


def test_specific_reasons_come_first(lib: Scanned, svc: PyrecService) -> None:
    episode, *others = lib.of_style(SERIES_STYLE)
    cards = svc.similar(episode, n=len(others))
    assert {c["id"] for c in cards} == set(others)
    title = next(c.title for c in lib.clips if lib.ids[c.title] == episode)
    for card in cards:
        assert f"same series as {title}" in card["reasons"], card["reasons"]
        assert not any(t.startswith("part of Series") for t in card["reasons"])  # said once, by the series
    film = lib.of_style("city-night")[0]
    lookalike = svc.similar(film, n=1)[0]["reasons"]
    assert lookalike[0].startswith(("same setting as", "looks like")), lookalike
    assert SERIES_NAME not in " ".join(lookalike)


def test_informativeness_is_idf_scaled_to_one() -> None:
    n = 1000
    info = informativeness(np.array([1.0, 2.0, 50.0, 300.0, 500.0, 900.0]), n)
    assert info[0] == pytest.approx(1.0) and np.all(np.diff(info) < 0)
    assert info[1] > 0.85  # a director of two films: specific
    assert citable(np.array([300.0, 500.0, 900.0]), n).tolist() == [False, False, False]  # shelves, not reasons
    assert info[2] > REASON_FLOOR  # a genre of 5 %
    assert informativeness(np.array([10.0]), 10)[0] == 0.0  # on every video: says nothing


def test_faint_likeness_is_said_only_when_nothing_else_is() -> None:
    faint = reason("similar_to", 0.9, title="Alien", modality="visual", faint=True)
    director = reason("shared_entity", 0.1, entity_kind="person", role="director", name="R", title="Alien")
    assert [r.text for r in top_reasons([faint, director])] == ["same director as Alien"]
    assert [r.text for r in top_reasons([faint])] == ["a little like Alien"]
