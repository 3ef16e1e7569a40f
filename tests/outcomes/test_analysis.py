"""The pure analysis behind results and the system view: support, secrecy merging, splits, divergence."""

from __future__ import annotations

import random
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes import analysis, groups
from outcomes.analysis import Entry
from outcomes.groups import Group
from outcomes.result_schema import Divergence


def test_support_follows_the_method() -> None:
    assert analysis.supports("schulze", Entry(rank=4), 12)  # top third of twelve
    assert not analysis.supports("schulze", Entry(rank=5), 12)
    assert not analysis.supports("irv", Entry(rank=None, energy=2), 12)
    assert analysis.supports("score", Entry(points=4), 5) and not analysis.supports("score", Entry(points=3), 5)
    assert analysis.supports("dots", Entry(points=1), 5) and not analysis.supports("dots", Entry(points=None), 5)
    assert analysis.supports("approval", Entry(points=1), 5)


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=12),
    min_size=st.integers(min_value=2, max_value=6),
)
def test_a_secret_ballot_never_shows_a_group_smaller_than_the_minimum(sizes: list[int], min_size: int) -> None:
    every = [Group(name=f"g{i}", voters=n, support={1: n // 2}) for i, n in enumerate(sizes)]
    shown = groups.shown_groups(every, secret=True, min_size=min_size)
    total = sum(sizes)
    assert sum(g.voters for g in shown) == total  # nobody dropped, nobody counted twice
    assert sum(g.support.get(1, 0) for g in shown) == sum(n // 2 for n in sizes)
    if total >= min_size:
        assert all(g.voters >= min_size for g in shown)
    else:
        assert len(shown) <= 1  # everyone in one group: no finer split is shown
    assert [g.name for g in shown].count(groups.OTHER) <= 1


def test_an_open_round_shows_every_group() -> None:
    every = [Group("a", 1, {1: 1}), Group("b", 5, {}), Group("c", 0, {})]
    assert [g.name for g in groups.shown_groups(every, secret=False, min_size=3)] == ["a", "b"]


def test_what_really_matters_names_missing_sectors_and_energy() -> None:
    sectors = [Group("Local authority", 4, {1: 3}), Group("NHS", 3, {}), Group("Police", 2, {2: 1})]
    verdict = analysis.what_really_matters(
        outcome_id=1, sectors=sectors, site_sectors=["Fire", "NHS"], energy=1, min_sectors=2, min_energy=3
    )
    assert not verdict.named
    assert verdict.reasons == [
        "support from at least 2 sectors (so far 1): no support yet from the NHS, Police or Fire",
        "at least 3 leaders committing energy to it (so far 1)",
    ]
    named = analysis.what_really_matters(
        outcome_id=1,
        sectors=[*sectors[:1], Group("NHS", 3, {1: 1})],
        site_sectors=[],
        energy=3,
        min_sectors=2,
        min_energy=3,
    )
    assert named.named and named.supporting == ["Local authority", "NHS"]


def test_it_finds_consensus_contest_and_divergent_pairs() -> None:
    sectors = [Group("A", 2, {1: 2, 2: 2}), Group("B", 4, {1: 3, 3: 4}), Group("C", 2, {1: 1})]
    consensus, contested = analysis.consensus_and_contested([1, 2, 3], sectors)
    assert [s.outcome_id for s in consensus] == [1]
    assert {s.outcome_id for s in contested} == {2, 3}
    pairs = analysis.divergent_pairs([1, 2, 3], sectors, limit=1)
    assert (pairs[0].first, pairs[0].second) == ("A", "B")
    assert pairs[0].outcome_id in (2, 3)


def _agency(name: str, sector: str, voters: int, support: dict[int, int]) -> Group:
    return Group(name=name, voters=voters, support=support, sector=sector)


def test_a_secret_sector_row_never_gives_away_a_hidden_agency() -> None:
    stored = [
        _agency("Council A", "Local authority", 4, {1: 2}),
        _agency("Council B", "Local authority", 1, {1: 1}),  # one leader: must stay hidden
        _agency("Trust", "NHS", 3, {1: 0}),
        _agency("Police", "Police", 3, {1: 3}),
    ]
    agencies = groups.shown_groups(stored, secret=True, min_size=3)
    sectors = groups.shown_sector_groups(stored, secret=True, min_size=3)
    hidden = {m for g in agencies if g.name == groups.OTHER for m in g.members}
    assert "Council B" in hidden
    # Every sector row other than "Other" is exactly the sum of agency rows shown on their own,
    # so subtracting one from the other reveals nothing new.
    shown_agencies = {g.name: g for g in agencies if g.name != groups.OTHER}
    for sector in sectors:
        if sector.name == groups.OTHER:
            continue
        parts = [g for g in stored if g.sector == sector.name and g.name not in hidden]
        assert sector.voters == sum(shown_agencies[p.name].voters for p in parts)
        assert sector.support.get(1, 0) == sum(shown_agencies[p.name].support.get(1, 0) for p in parts)
    assert sum(g.voters for g in sectors) == sum(g.voters for g in stored)
    # The hidden agency's sector still counts as present, so it is not reported as missing.
    verdict = analysis.what_really_matters(
        outcome_id=1,
        sectors=sectors,
        site_sectors=["Local authority", "NHS", "Police"],
        energy=5,
        min_sectors=1,
        min_energy=1,
    )
    assert "Local authority" not in verdict.missing


def divergent_pairs_oracle(outcome_ids: list[int], groups: list[Group], *, limit: int = 5) -> list[Divergence]:
    """The pure-Python loop the vectorised `analysis.divergent_pairs` replaced: obviously right, and slow."""
    if not outcome_ids:
        return []
    pairs = []
    for a, b in combinations(groups, 2):
        diffs = [(abs(a.share(o) - b.share(o)), o) for o in outcome_ids]
        widest = max(diffs)
        pairs.append(
            Divergence(
                first=a.name,
                second=b.name,
                distance=sum(d for d, _ in diffs) / len(diffs),
                outcome_id=widest[1],
                first_share=a.share(widest[1]),
                second_share=b.share(widest[1]),
            )
        )
    pairs.sort(key=lambda p: (-p.distance, p.first, p.second))
    return pairs[:limit]


@settings(max_examples=300, deadline=None)
@given(
    voters=st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=9),
    outcomes=st.lists(st.integers(min_value=1, max_value=10_000), min_size=0, max_size=8, unique=True),
    seed=st.integers(min_value=0, max_value=10_000),
    limit=st.integers(min_value=1, max_value=8),
)
def test_the_vectorised_divergence_is_the_loops_exactly(
    voters: list[int], outcomes: list[int], seed: int, limit: int
) -> None:
    """Small counts, so many pairs and outcomes tie: the order of ties must match too."""
    rng = random.Random(seed)
    groups_ = [
        Group(name=rng.choice("ABCD") + str(i % 3), voters=n, support={o: rng.randint(0, n) for o in outcomes})
        for i, n in enumerate(voters)
    ]
    assert analysis.divergent_pairs(outcomes, groups_, limit=limit) == divergent_pairs_oracle(
        outcomes, groups_, limit=limit
    )


def test_the_vectorised_divergence_matches_at_the_size_of_a_big_site() -> None:
    rng = random.Random(16)
    outcomes = list(range(100, 300))  # 200 outcomes
    groups_ = []
    for i in range(100):  # 100 agencies
        n = rng.randint(1, 400)
        groups_.append(Group(name=f"Agency {i:03d}", voters=n, support={o: rng.randint(0, n) for o in outcomes}))
    assert analysis.divergent_pairs(outcomes, groups_) == divergent_pairs_oracle(outcomes, groups_)
