"""Groups from verified pairs, without chaining: every member was verified
directly against the group's reference, one wholly inside the other (a
trim of it, or it with an intro added: parts of one recording), or, where
no such reference is, against every other member. A~B and B~C with A, C unverified
never put all three together, as connected components would."""

from __future__ import annotations

from collections.abc import Mapping, Set


def _partners(verified: Mapping[tuple[int, int], float]) -> dict[int, dict[int, float]]:
    partners: dict[int, dict[int, float]] = {}
    for (i, j), e in verified.items():
        partners.setdefault(i, {})[j] = e
        partners.setdefault(j, {})[i] = e
    return partners


def groups_of(verified: Mapping[tuple[int, int], float], inside: Set[tuple[int, int]] = frozenset(),
              apart: Set[tuple[int, int]] = frozenset()) -> list[set[int]]:
    """Disjoint groups of 2+ items. First around references: the item with
    the most verified partners that it holds or is held by ((i, r) in
    `inside`: i is wholly inside r) takes them all, but never two that are
    known to be `apart` ((i, j), i < j: the same footage with different
    sound); then `cliques` on the verified pairs left."""
    holds: dict[int, set[int]] = {}  # r -> partners verified against r, one wholly inside the other
    for i, r in inside:
        if (min(i, r), max(i, r)) in verified:
            holds.setdefault(r, set()).add(i)
            holds.setdefault(i, set()).add(r)
    taken: set[int] = set()
    groups: list[set[int]] = []
    for r in sorted(holds, key=lambda r: (-len(holds[r]), r)):
        if r in taken:
            continue
        group = {r}
        for m in sorted(holds[r] - taken, key=lambda m: (-verified[(min(m, r), max(m, r))], m)):
            if not any((min(m, o), max(m, o)) in apart for o in group):
                group.add(m)
        if len(group) > 1:
            groups.append(group)
            taken |= group
    rest = {(i, j): e for (i, j), e in verified.items() if i not in taken and j not in taken}
    return groups + cliques(rest)


def cliques(verified: Mapping[tuple[int, int], float]) -> list[set[int]]:
    """Disjoint groups of 2+ items, each fully verified pairwise. Greedy: the
    item with the most verified partners seeds a group, partners join in
    order of evidence if verified with every member already in; repeat on
    what is left."""
    partners = _partners(verified)
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
