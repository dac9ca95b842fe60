"""Groups from verified pairs, without chaining: every member of a group was
verified against every other (A~B and B~C with A, C unverified never puts
all three together, as connected components would)."""

from __future__ import annotations

from collections.abc import Mapping


def cliques(verified: Mapping[tuple[int, int], float]) -> list[set[int]]:
    """Disjoint groups of 2+ items, each fully verified pairwise. Greedy: the
    item with the most verified partners seeds a group, partners join in
    order of evidence if verified with every member already in; repeat on
    what is left."""
    partners: dict[int, dict[int, float]] = {}
    for (i, j), e in verified.items():
        partners.setdefault(i, {})[j] = e
        partners.setdefault(j, {})[i] = e
    left = set(partners)
    groups: list[set[int]] = []
    while left:
        seed = min(left, key=lambda i: (-len(partners[i].keys() & left), i))
        group = {seed}
        for j, _ in sorted(((j, e) for j, e in partners[seed].items() if j in left), key=lambda je: (-je[1], je[0])):
            if all(j in partners[m] for m in group):
                group.add(j)
        left -= group
        if len(group) > 1:
            groups.append(group)
    return groups
