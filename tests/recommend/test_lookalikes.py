"""Look-alikes are recommended, never hidden: on a real scanned library of
several visual styles (test_lookalikes_lib), liking three clips of one style
fills the top of "For you" with that style, "More like this" returns the
style's siblings, and only a true copy of what was watched is held back."""

from __future__ import annotations

import pytest

from pyrec.service import PyrecService

from .test_lookalikes_lib import (  # noqa: F401 (fixtures lib, svc)
    COPY_OF,
    PER_STYLE,
    STYLES,
    Scanned,
    fresh_profile,
    lib_fixture,
    svc_fixture,
)


@pytest.mark.parametrize("style", STYLES)
def test_liking_three_of_a_style_fills_the_top_five_with_it(lib: Scanned, svc: PyrecService, style: str) -> None:
    liked = lib.of_style(style)[:3]
    with fresh_profile(svc, f"likes-{style}") as profile:
        for v in liked:
            svc.like(v, profile)
        top = svc.recommend(profile, n=5)
    styles = [lib.style.get(c["id"], "copy") for c in top]
    assert sum(s == style for s in styles) >= 4, (style, [(c["title"], c["reasons"]) for c in top])
    assert not {c["id"] for c in top} & set(liked)


@pytest.mark.parametrize("style", STYLES)
def test_more_like_this_returns_the_siblings(lib: Scanned, svc: PyrecService, style: str) -> None:
    seed, *siblings = lib.of_style(style)
    cards = svc.similar(seed, n=PER_STYLE - 1)
    assert {c["id"] for c in cards} == set(siblings), (style, [(c["title"], lib.style.get(c["id"])) for c in cards])
    # The best match says why in words a person would agree with.
    first = cards[0]["reasons"]
    assert any(t.startswith(("looks like", "same setting as", "same series as")) for t in first), first


def test_only_a_true_copy_of_what_was_watched_is_held_back(lib: Scanned, svc: PyrecService) -> None:
    original = lib.ids[lib.clips[COPY_OF].title]
    groups = svc.dupes()
    assert any({original, lib.copy_id} <= {v["id"] for v in g["items"]} for g in groups), groups
    # No two distinct clips of one style are ever called copies.
    for g in groups:
        members = [v["id"] for v in g["items"] if v["id"] != lib.copy_id]
        assert len(members) <= 1, g

    duration = svc.video(original)["duration"]
    with fresh_profile(svc, "watched-original") as profile:
        svc.record_play(original, profile, position=duration, watched_seconds=duration)
        svc.like(original, profile)
        recs = [c["id"] for c in svc.recommend(profile, n=40)]
    assert lib.copy_id not in recs  # the same recording: already seen
    look_alikes = {v for v in lib.of_style(lib.clips[COPY_OF].style) if v != original}
    assert set(recs[:3]) <= look_alikes  # its look-alikes lead (then the re-rank mixes in other looks)
    assert look_alikes <= set(recs)  # and none is held back
    assert lib.copy_id not in [c["id"] for c in svc.similar(original, n=40)]
