"""The tally arithmetic: worked examples, reported ties, and property tests against independent implementations.

Nothing here needs the database. The reference implementations are votelib
(Schulze), pyrankvote (instant runoff), and, for instant runoff with every
possible way of breaking ties, a deliberately naive one written below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import pyrankvote
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from votelib.convert import RankedToCondorcetVotes
from votelib.evaluate.condorcet import Schulze

from outcomes.tally import (
    UNRANKED,
    IrvReason,
    IrvResult,
    approval,
    dot_vote,
    instant_runoff,
    instant_runoff_from_ranks,
    irv_ranking,
    pairwise_counts,
    rank_matrix,
    schulze,
    schulze_from_ranks,
    score,
)

# A ballot in these tests: tiers of candidate positions, best first; the
# candidates in one tier share a rank.
Tiers = list[list[int]]


def candidate_id(position: int) -> int:
    # Ids that are neither 0-based nor contiguous, as database ids are not.
    return 100 + 7 * position


def as_mapping(tiers: Tiers) -> dict[int, int]:
    return {candidate_id(c): rank for rank, tier in enumerate(tiers, start=1) for c in tier}


def ballots_from(spec: Iterable[tuple[int, str]], ids: dict[str, int]) -> list[dict[int, int]]:
    """`(count, "ACB")` pairs as that many ballots ranking A, C, B in order."""
    return [
        {ids[name]: rank for rank, name in enumerate(order, start=1)} for count, order in spec for _ in range(count)
    ]


# --------------------------------------------------------------------------
# Worked examples
# --------------------------------------------------------------------------

WIKIPEDIA = {name: i for i, name in enumerate("ABCDE", start=1)}
WIKIPEDIA_BALLOTS = ballots_from(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ],
    WIKIPEDIA,
)


def test_it_ranks_the_wikipedia_schulze_example_e_a_c_b_d() -> None:
    result = schulze(list(WIKIPEDIA.values()), WIKIPEDIA_BALLOTS)

    a, b, c, d, e = (WIKIPEDIA[name] for name in "ABCDE")
    assert result.ballot_count == 45
    assert result.tiers == [[e], [a], [c], [b], [d]]
    assert result.winners == [e]
    # The pairwise preferences, as the worked example tabulates them.
    assert result.pairwise[0] == [0, 20, 26, 30, 22]  # A over B, C, D, E
    assert result.pairwise[1][0] == 25  # B over A
    assert result.pairwise[3][4] == 14  # D over E
    assert result.pairwise[4][3] == 31  # E over D
    # And the strongest paths.
    assert result.strongest[4] == [25, 28, 28, 31, 0]  # from E
    assert result.strongest[0] == [0, 28, 28, 30, 24]  # from A
    assert result.strongest[3][4] == 24  # D to E
    assert result.strongest[4][0] > result.strongest[0][4]  # so E beats A


TENNESSEE = {"M": 11, "N": 12, "C": 13, "K": 14}
TENNESSEE_BALLOTS = ballots_from([(42, "MNCK"), (26, "NCKM"), (15, "CKNM"), (17, "KCNM")], TENNESSEE)


def test_it_elects_nashville_by_schulze_in_the_tennessee_example() -> None:
    result = schulze(list(TENNESSEE.values()), TENNESSEE_BALLOTS)

    # Nashville is the Condorcet winner; Memphis, preferred by 42%, is last.
    assert result.tiers == [[TENNESSEE["N"]], [TENNESSEE["C"]], [TENNESSEE["K"]], [TENNESSEE["M"]]]


def test_it_elects_knoxville_by_instant_runoff_in_the_tennessee_example() -> None:
    m, n, c, k = (TENNESSEE[name] for name in "MNCK")

    result = instant_runoff([m, n, c, k], TENNESSEE_BALLOTS)

    assert result.winner == k
    assert [(r.counts, r.reason, r.eliminated) for r in result.rounds] == [
        ({m: 42, n: 26, c: 15, k: 17}, IrvReason.FEWEST_VOTES, [c]),
        ({m: 42, n: 26, k: 32}, IrvReason.FEWEST_VOTES, [n]),
        ({m: 42, k: 58}, IrvReason.MAJORITY, []),
    ]
    assert all(r.continuing == 100 and r.exhausted == 0 for r in result.rounds)
    assert result.rounds[-1].majority == 51


def test_it_reports_the_published_tennessee_tie_as_a_tie_either_city_could_win() -> None:
    # "TNexampleTie", a modified Tennessee example that ends in an IRV tie, published with its round-by-round
    # table at https://abif.electorama.com/id/TNexampleTie/IRV (84 ballots; the classic Tennessee orders,
    # with 42 for Memphis, 20 Nashville, 10 Chattanooga, 12 Knoxville). The table shows Chattanooga out
    # first, Nashville next (Knoxville 22, then 42) and Memphis and Knoxville tied on 42 each; the page
    # notes San Francisco and Maine would eliminate one of them at random. Under the stated rule, every
    # order is considered instead: eliminating either one elects the other, so both could win and no
    # winner is named.
    m, n, c, k = (TENNESSEE[name] for name in "MNCK")
    ballots = ballots_from([(42, "MNCK"), (20, "NCKM"), (10, "CKNM"), (12, "KCNM")], TENNESSEE)

    result = instant_runoff([m, n, c, k], ballots)

    assert [(r.counts, r.reason, r.eliminated) for r in result.rounds] == [
        ({m: 42, n: 20, c: 10, k: 12}, IrvReason.FEWEST_VOTES, [c]),
        ({m: 42, n: 20, k: 22}, IrvReason.FEWEST_VOTES, [n]),
        ({m: 42, k: 42}, IrvReason.TIE, []),
    ]
    assert result.winner is None
    assert result.tied == [m, k]
    assert result.could_win == [m, k]


def test_it_counts_the_published_three_voter_scenario_with_a_tie_among_the_first_choices() -> None:
    # A small vote described at https://politics.stackexchange.com/questions/9749 : three voters each put a
    # different first choice and the same second choice (Hamill), and nobody ranks Hamill, Jones or Oz
    # first. Those three, on no votes, cannot catch up with anyone, so every order eliminates them first
    # (Hamill with them: instant runoff counts first choices only). The three first choices are then tied
    # on one vote each, and whoever is left last wins: each of them could.
    ford, fisher, hamill, jones, oz, lucas = range(1, 7)
    ballots = [{ford: 1, hamill: 2, oz: 3}, {fisher: 1, hamill: 2, jones: 3}, {lucas: 1, hamill: 2, jones: 3}]

    result = instant_runoff([ford, fisher, hamill, jones, oz, lucas], ballots)

    first = result.rounds[0]
    assert (first.reason, first.eliminated) == (IrvReason.CANNOT_CATCH_UP, [hamill, jones, oz])
    assert result.winner is None
    assert result.could_win == [ford, fisher, lucas]
    in_order = [[[c - 1] for c in ballot] for ballot in ballots]  # each ballot above lists its choices in order
    assert naive_irv_winners(6, in_order) == {0, 1, 5}  # the brute-force oracle agrees


def test_it_ranks_the_tennessee_runoff_like_the_count() -> None:
    m, n, c, k = (TENNESSEE[name] for name in "MNCK")
    result = instant_runoff([m, n, c, k], TENNESSEE_BALLOTS)

    # Knoxville wins, Memphis is the runner-up in the last round, Nashville went in round 2, Chattanooga in round 1.
    assert irv_ranking([m, n, c, k], result.rounds, result.winner) == [[k], [m], [n], [c]]


def test_it_ranks_candidates_eliminated_together_by_their_votes() -> None:
    ballots = [{1: 1}] * 9 + [{2: 1}] * 8 + [{3: 1}] * 2 + [{4: 1, 3: 2}] + [{5: 1, 3: 2}]
    result = instant_runoff([1, 2, 3, 4, 5], ballots)

    assert result.rounds[0].eliminated == [3, 4, 5]  # C (2 votes) with D and E (1 each)
    assert irv_ranking([1, 2, 3, 4, 5], result.rounds, result.winner) == [[1], [2], [3], [4, 5]]


def test_it_ranks_a_count_stopped_by_a_tie_with_everyone_standing_level() -> None:
    ballots = [{1: 1}] * 3 + [{2: 1, 3: 2}] * 2 + [{3: 1, 2: 2}] * 2
    result = instant_runoff([1, 2, 3], ballots)

    assert result.winner is None
    assert irv_ranking([1, 2, 3], result.rounds, result.winner) == [[1, 2, 3]]


# --------------------------------------------------------------------------
# Ties are reported, never broken
# --------------------------------------------------------------------------


def test_it_reports_an_even_split_as_one_schulze_tier_of_two() -> None:
    result = schulze([1, 2], [{1: 1, 2: 2}, {2: 1, 1: 2}])

    assert result.tiers == [[1, 2]]
    assert result.winners == [1, 2]


def test_it_reports_an_even_split_as_an_instant_runoff_tie() -> None:
    result = instant_runoff([1, 2], [{1: 1, 2: 2}, {2: 1, 1: 2}])

    assert result.winner is None
    assert result.tied == [1, 2]
    assert result.could_win == [1, 2]
    assert result.rounds[-1].reason == IrvReason.TIE


def test_it_stops_when_the_order_of_eliminating_tied_candidates_decides_the_winner() -> None:
    # B and C tie for last. Eliminate B and C wins; eliminate C and B wins.
    ballots = [{1: 1}] * 3 + [{2: 1, 3: 2}] * 2 + [{3: 1, 2: 2}] * 2

    result = instant_runoff([1, 2, 3], ballots)

    assert result.winner is None
    assert result.tied == [2, 3]
    assert {2, 3} <= set(result.could_win)
    assert [(r.counts, r.reason, r.eliminated) for r in result.rounds] == [({1: 3, 2: 2, 3: 2}, IrvReason.TIE, [])]


def test_it_lists_only_who_wins_when_tied_candidates_go_one_at_a_time() -> None:
    # A, B and C tie for last on one vote each; D has two. Dropping B, then C, elects A; dropping A, then B,
    # elects C; dropping C, then B, elects A. D wins only if all three are dropped at once, which the rule
    # (one at a time, every order considered) never does: D is not someone who could win.
    a, b, c, d = 1, 2, 3, 4
    ballots = [
        {d: 1, b: 2, a: 3, c: 4},
        {c: 1, a: 2, b: 3, d: 4},
        {b: 1, a: 2, c: 3},
        {d: 1, b: 2, c: 3, a: 4},
        {a: 1, c: 2, d: 3},
    ]

    result = instant_runoff([a, b, c, d], ballots)

    assert result.winner is None
    assert result.tied == [a, b, c]
    assert result.could_win == [a, c]


def test_it_goes_on_when_every_order_of_eliminating_tied_candidates_gives_the_same_winner() -> None:
    # B and C tie for last, and together they could overtake A, but both
    # groups of voters go on to A, whichever of them goes first. The count
    # goes on one at a time (B first, as the order makes no difference), so
    # every round shown is one the rule can reach.
    ballots = [{1: 1}] * 3 + [{2: 1, 1: 2}] * 2 + [{3: 1, 1: 2}] * 2

    result = instant_runoff([1, 2, 3], ballots)

    assert result.winner == 1
    assert [(r.reason, r.tied, r.eliminated) for r in result.rounds] == [
        (IrvReason.ORDER_IRRELEVANT, [2, 3], [2]),
        (IrvReason.MAJORITY, [], []),
    ]


def test_it_eliminates_a_tied_group_that_cannot_catch_up_together() -> None:
    # D and E tie on 1; even with C's 2 the three of them hold 4, fewer than B's 8.
    ballots = [{1: 1}] * 9 + [{2: 1}] * 8 + [{3: 1}] * 2 + [{4: 1, 3: 2}] + [{5: 1, 3: 2}]

    result = instant_runoff([1, 2, 3, 4, 5], ballots)

    first, last = result.rounds[0], result.rounds[-1]
    assert (first.reason, first.tied, first.eliminated) == (IrvReason.CANNOT_CATCH_UP, [4, 5], [3, 4, 5])
    assert (last.counts, last.exhausted, last.continuing, last.reason) == ({1: 9, 2: 8}, 4, 17, IrvReason.MAJORITY)
    assert result.winner == 1


def test_it_eliminates_candidates_nobody_ranked_together() -> None:
    result = instant_runoff([1, 2, 3, 4, 5], [{1: 1}] * 3 + [{2: 1, 1: 2}] * 2 + [{3: 1, 1: 2}])

    assert [(r.reason, r.tied, r.eliminated) for r in result.rounds] == [
        (IrvReason.CANNOT_CATCH_UP, [4, 5], [4, 5]),
        (IrvReason.FEWEST_VOTES, [], [3]),
        (IrvReason.MAJORITY, [], []),
    ]
    assert result.winner == 1


def test_it_reports_exhausted_ballots_per_round() -> None:
    # Two of C's three voters ranked nobody else; their ballots exhaust with C.
    ballots = [{1: 1}] * 6 + [{2: 1}] * 4 + [{3: 1}] * 2 + [{3: 1, 2: 2}]

    result = instant_runoff([1, 2, 3], ballots)

    assert [(r.counts, r.exhausted, r.continuing, r.reason) for r in result.rounds] == [
        ({1: 6, 2: 4, 3: 3}, 0, 13, IrvReason.FEWEST_VOTES),
        ({1: 6, 2: 5}, 2, 11, IrvReason.MAJORITY),
    ]
    assert result.winner == 1


def test_it_sets_aside_a_ballot_whose_best_choices_are_equal_until_one_remains() -> None:
    # The last ballot ranks B and C equal first: it counts for neither while
    # both continue, but it still counts towards the majority needed.
    ballots = [{1: 1}] * 3 + [{2: 1}] * 2 + [{3: 1, 2: 2}] + [{2: 1, 3: 1}]

    result = instant_runoff([1, 2, 3], ballots)

    first, second = result.rounds[0], result.rounds[1]
    assert (first.counts, first.set_aside, first.continuing) == ({1: 3, 2: 2, 3: 1}, 1, 7)
    assert first.eliminated == [3]
    assert (second.counts, second.set_aside) == ({1: 3, 2: 4}, 0)
    assert result.winner == 2


def test_it_handles_no_candidates_one_candidate_and_no_ballots() -> None:
    assert instant_runoff([], [{1: 1}]) == IrvResult([], [], None, [], [], 1)
    assert instant_runoff([7], []).winner == 7
    assert schulze([], []).winners == []
    assert schulze([7, 8], []).tiers == [[7, 8]]
    assert instant_runoff([7, 8], []).tied == [7, 8]


# --------------------------------------------------------------------------
# Rank matrices
# --------------------------------------------------------------------------


def test_it_builds_a_rank_matrix_ignoring_candidates_not_being_tallied() -> None:
    ranks = rank_matrix([30, 10, 20], iter([{10: 1, 99: 2, 30: 3}, {}]))

    assert ranks.tolist() == [[3, 1, UNRANKED], [UNRANKED, UNRANKED, UNRANKED]]


def test_it_rejects_duplicate_candidates_and_ranks_out_of_range() -> None:
    with pytest.raises(ValueError, match="only once"):
        rank_matrix([1, 1], [{1: 1}])
    with pytest.raises(ValueError, match="Ranks must be"):
        rank_matrix([1], [{1: int(UNRANKED)}])
    with pytest.raises(ValueError, match="rank matrix"):
        schulze_from_ranks([1, 2], np.zeros((3, 3), dtype=np.int32))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.lists(
            st.lists(
                st.one_of(st.integers(-3, 3), st.integers(-(2**31), 2**31 - 2), st.just(int(UNRANKED))),
                min_size=n,
                max_size=n,
            ),
            max_size=8,
        ).map(lambda rows: (n, rows))
    )
)
def test_it_counts_pairwise_preferences_like_the_definition(case: tuple[int, list[list[int]]]) -> None:
    # Small and huge rank values exercise each of the compact representations.
    n, rows = case
    ranks = np.array(rows, dtype=np.int32).reshape(len(rows), n)

    expected = [[sum(row[i] < row[j] for row in rows) for j in range(n)] for i in range(n)]

    assert pairwise_counts(ranks).tolist() == expected


# --------------------------------------------------------------------------
# Property tests against independent implementations
# --------------------------------------------------------------------------


@st.composite
def tiered_ballot(draw: st.DrawFn, n: int, *, ties: bool, partial: bool) -> Tiers:
    order = draw(st.permutations(range(n)))
    length = draw(st.integers(1, n)) if partial else n
    new_tier = draw(st.lists(st.booleans(), min_size=length - 1, max_size=length - 1)) if ties else [True] * n
    tiers = [[order[0]]]
    for candidate, starts_tier in zip(order[1:length], new_tier, strict=False):
        if starts_tier:
            tiers.append([candidate])
        else:
            tiers[-1].append(candidate)
    return tiers


def elections(
    *, max_candidates: int, min_ballots: int = 1, max_ballots: int, ties: bool, partial: bool
) -> st.SearchStrategy[tuple[int, list[Tiers]]]:
    return st.integers(2, max_candidates).flatmap(
        lambda n: st.lists(
            tiered_ballot(n, ties=ties, partial=partial), min_size=min_ballots, max_size=max_ballots
        ).map(lambda ballots: (n, ballots))
    )


@settings(max_examples=1000, deadline=None)
@given(elections(max_candidates=6, max_ballots=12, ties=True, partial=True))
def test_it_agrees_with_votelib_schulze(case: tuple[int, list[Tiers]]) -> None:
    _, ballots = case
    # votelib only knows the candidates that appear on some ballot.
    candidates = sorted({candidate_id(c) for tiers in ballots for tier in tiers for c in tier})
    votes = Counter(
        tuple(frozenset(map(candidate_id, t)) if len(t) > 1 else candidate_id(t[0]) for t in b) for b in ballots
    )
    reference_pairwise = RankedToCondorcetVotes(unranked_at_bottom=True).convert(votes)
    reference_paths = Schulze.widest_paths(reference_pairwise)

    result = schulze(candidates, [as_mapping(b) for b in ballots])

    others = [(i, a, j, b) for i, a in enumerate(candidates) for j, b in enumerate(candidates) if i != j]
    for i, a, j, b in others:
        assert result.pairwise[i][j] == reference_pairwise.get((a, b), 0)
        assert result.strongest[i][j] == reference_paths.get((a, b), 0)
    # Schulze's winners are those whose strongest path to each rival is at
    # least as strong as the rival's path back.
    unbeaten = [
        a
        for a in candidates
        if all(reference_paths.get((a, b), 0) >= reference_paths.get((b, a), 0) for b in candidates if b != a)
    ]
    assert result.winners == unbeaten
    # votelib ranks by number of path wins, which is the Schulze order
    # exactly when no two path strengths tie.
    if len(candidates) > 1 and all(
        reference_paths.get((a, b), 0) != reference_paths.get((b, a), 0) for _, a, _, b in others
    ):
        ranking = Schulze().evaluate(reference_pairwise, n_seats=len(candidates))
        assert result.tiers == [[c] for c in ranking]


@settings(max_examples=800, deadline=None)
@given(elections(max_candidates=5, min_ballots=3, max_ballots=30, ties=False, partial=True))
def test_it_agrees_with_pyrankvote_instant_runoff_when_no_tie_arises(case: tuple[int, list[Tiers]]) -> None:
    n, ballots = case
    candidates = [candidate_id(c) for c in range(n)]

    result = instant_runoff(candidates, [as_mapping(b) for b in ballots])

    # pyrankvote breaks ties by a rule of its own, and elects a candidate with
    # exactly half; compare only where neither can come into play.
    assume(all(r.reason not in (IrvReason.TIE, IrvReason.ORDER_IRRELEVANT) for r in result.rounds))
    assume(all(2 * max(r.counts.values()) != r.continuing for r in result.rounds))
    people = [pyrankvote.Candidate(str(c)) for c in candidates]
    reference = pyrankvote.instant_runoff_voting(
        people, [pyrankvote.Ballot([people[c] for tier in b for c in tier]) for b in ballots]
    )
    assert result.winner == int(reference.get_winners()[0].name)


def naive_count(ballots: Sequence[Tiers], continuing: frozenset[int]) -> tuple[dict[int, int], int]:
    """Votes per continuing candidate, and ballots still ranking one of them.

    Written for clarity, not speed, and independently of the numpy code: a
    ballot counts for its best continuing candidate if it alone holds that
    rank, for nobody if several share it, and is exhausted if none continue.
    """
    votes, live = dict.fromkeys(continuing, 0), 0
    for tiers in ballots:
        best = next((set(tier) & continuing for tier in tiers if set(tier) & continuing), None)
        if best is None:
            continue
        live += 1
        if len(best) == 1:
            votes[best.pop()] += 1
    return votes, live


def naive_irv_winners(n: int, ballots: Sequence[Tiers]) -> frozenset[int]:
    """Everyone who wins instant runoff under some way of breaking ties for last, one elimination at a time."""

    @cache
    def winners(continuing: frozenset[int]) -> frozenset[int]:
        if len(continuing) == 1:
            return continuing
        votes, live = naive_count(ballots, continuing)
        leader = max(votes, key=lambda c: votes[c])
        if 2 * votes[leader] > live:
            return frozenset({leader})
        fewest = min(votes.values())
        return frozenset().union(*(winners(continuing - {c}) for c in continuing if votes[c] == fewest))

    return winners(frozenset(range(n)))


@settings(max_examples=700, deadline=None)
@given(elections(max_candidates=5, max_ballots=10, ties=True, partial=True))
def test_it_never_names_an_instant_runoff_winner_that_a_tie_break_could_change(
    case: tuple[int, list[Tiers]],
) -> None:
    n, ballots = case
    candidates = [candidate_id(c) for c in range(n)]
    position = {candidate_id(c): c for c in range(n)}
    reference_winners = naive_irv_winners(n, ballots)

    result = instant_runoff(candidates, [as_mapping(b) for b in ballots])

    if result.winner is not None:
        assert reference_winners == {position[result.winner]}
    else:
        assert result.rounds[-1].reason == IrvReason.TIE
        # Exactly those who win under some order of one-at-a-time eliminations: no more, no fewer.
        assert {position[c] for c in result.could_win} == reference_winners
    if len(reference_winners) > 1:
        assert result.winner is None
    # Each round's count is the count for its set of continuing candidates.
    exhausted_so_far = 0
    for r in result.rounds:
        votes, live = naive_count(ballots, frozenset(position[c] for c in r.counts))
        assert {position[c]: v for c, v in r.counts.items()} == votes
        assert r.continuing == live == len(ballots) - r.exhausted
        assert sum(r.counts.values()) + r.set_aside + r.exhausted == len(ballots)
        assert r.exhausted >= exhausted_so_far
        exhausted_so_far = r.exhausted


@settings(max_examples=300, deadline=None)
@given(elections(max_candidates=6, max_ballots=15, ties=True, partial=True))
def test_an_instant_runoff_ranking_places_every_candidate_once(case: tuple[int, list[Tiers]]) -> None:
    n, ballots = case
    candidates = [candidate_id(c) for c in range(n)]
    result = instant_runoff(candidates, [as_mapping(b) for b in ballots])

    tiers = irv_ranking(candidates, result.rounds, result.winner)

    assert sorted(c for tier in tiers for c in tier) == sorted(candidates)
    assert all(tiers)
    if result.winner is not None:
        assert tiers[0] == [result.winner]


@settings(max_examples=200, deadline=None)
@given(elections(max_candidates=6, max_ballots=15, ties=True, partial=True))
def test_it_tallies_the_same_from_a_ready_rank_matrix(case: tuple[int, list[Tiers]]) -> None:
    n, ballots = case
    candidates = [candidate_id(c) for c in range(n)]
    mappings = [as_mapping(b) for b in ballots]
    ranks = rank_matrix(candidates, mappings)

    assert schulze_from_ranks(candidates, ranks) == schulze(candidates, mappings)
    assert instant_runoff_from_ranks(candidates, ranks) == instant_runoff(candidates, mappings)


# --------------------------------------------------------------------------
# Score, approval and dot voting
# --------------------------------------------------------------------------


def assert_tiers_follow_totals(tiers: list[list[int]], totals: dict[int, int], candidates: list[int]) -> None:
    assert [c for tier in tiers for c in sorted(tier, key=candidates.index)] == [c for tier in tiers for c in tier]
    assert sorted(c for tier in tiers for c in tier) == sorted(candidates)
    tier_totals = [{totals[c] for c in tier} for tier in tiers]
    assert all(len(t) == 1 for t in tier_totals)
    levels = [t.pop() for t in tier_totals]
    assert levels == sorted(levels, reverse=True)
    assert len(set(levels)) == len(levels)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.integers(0, 7), st.integers(0, 5), max_size=6), max_size=12),
)
def test_it_adds_up_scores(ballots: list[dict[int, int]]) -> None:
    candidates = [0, 1, 2, 3, 4, 5]  # 6 and 7 are not being tallied

    result = score(candidates, ballots)

    assert result.totals == {c: sum(b.get(c, 0) for b in ballots) for c in candidates}
    assert result.ballot_count == len(ballots)
    assert_tiers_follow_totals(result.tiers, result.totals, candidates)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 7), max_size=8), max_size=12))
def test_it_counts_approvals(ballots: list[list[int]]) -> None:
    candidates = [5, 3, 1, 0, 2, 4]

    result = approval(candidates, ballots)

    assert result.totals == {c: sum(c in b for b in ballots) for c in candidates}
    assert_tiers_follow_totals(result.tiers, result.totals, candidates)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10).flatmap(
        lambda budget: st.tuples(st.just(budget), st.lists(st.lists(st.integers(0, 4), max_size=budget), max_size=10))
    )
)
def test_it_adds_up_dots(case: tuple[int, list[list[int]]]) -> None:
    budget, placements = case
    ballots = [Counter(dots) for dots in placements]  # one dot per list entry
    candidates = [0, 1, 2, 3]  # dots on 4 are not being tallied

    result = dot_vote(candidates, ballots, budget)

    assert result.totals == {c: sum(dots.count(c) for dots in placements) for c in candidates}
    assert_tiers_follow_totals(result.tiers, result.totals, candidates)


def test_it_groups_equal_totals_into_one_tier() -> None:
    result = score([1, 2, 3], [{1: 4, 2: 4, 3: 1}])

    assert result.tiers == [[1, 2], [3]]
    assert result.winners == [1, 2]


@pytest.mark.parametrize("value", [6, -1, 2.5, True, "5"])
def test_it_rejects_a_score_outside_zero_to_five(value: object) -> None:
    with pytest.raises(ValueError, match=r"Ballot 2 gives candidate 1 a score of .*from 0 to 5"):
        score([1], [{1: 3}, {1: value}])  # type: ignore[dict-item]


@pytest.mark.parametrize("budget", [0, -3, 2.5, True, None])
def test_it_rejects_a_dot_budget_that_is_not_a_positive_whole_number(budget: object) -> None:
    with pytest.raises(ValueError, match="dot budget must be a whole number of at least 1"):
        dot_vote([1], [], budget)  # type: ignore[arg-type]


def test_it_rejects_a_dot_ballot_over_budget_or_with_negative_dots() -> None:
    with pytest.raises(ValueError, match="Ballot 1 places 4 dots, more than the budget of 3"):
        dot_vote([1, 2], [{1: 2, 2: 1, 9: 1}], 3)
    with pytest.raises(ValueError, match="Ballot 1 places -1 dots on candidate 2"):
        dot_vote([1, 2], [{1: 2, 2: -1}], 3)
