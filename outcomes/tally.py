"""Tallying ballots: Schulze and instant-runoff for ranked ballots; score, approval and dot voting.

This is the product's own arithmetic, so it is written here rather than taken
from a library; tests cross-check it against worked examples and against
independent implementations (votelib, pyrankvote).

Ranked ballots are mappings of candidate id to rank, 1 being best. A candidate
missing from a ballot is ranked below every candidate on it. Equal ranks are
allowed. Candidate ids that are not among the `candidates` being tallied are
ignored, so a ballot that mentions a withdrawn outcome still counts.

Nothing here breaks a tie silently: a tie the ballots cannot settle is reported
as a tie (a tier of several candidates, or `IrvResult.tied`), and people decide.

Every function is pure: it reads its arguments and returns a frozen result.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

#: The rank a ballot gives a candidate it leaves unranked, in a rank matrix.
UNRANKED = np.iinfo(np.int32).max

#: Scores on a score ballot run from SCORE_MIN to SCORE_MAX inclusive.
SCORE_MIN = 0
SCORE_MAX = 5

# A rank matrix after `_compact_ranks`: the same order within each ballot,
# in the narrowest unsigned type that holds it.
_Compact = npt.NDArray[np.unsignedinteger[Any]] | npt.NDArray[np.int32]


# --------------------------------------------------------------------------
# Ranked ballots as a matrix
# --------------------------------------------------------------------------


def rank_matrix(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> npt.NDArray[np.int32]:
    """Ballots as a (ballots × candidates) array of ranks, unranked as `UNRANKED`.

    Column j holds the ranks given to candidates[j]. Ranks must fit in a 32-bit
    integer below `UNRANKED` (ValueError otherwise); ids not in `candidates`
    are ignored.
    """
    candidates = list(candidates)
    ballots = ballots if isinstance(ballots, list) else list(ballots)
    n_ballots, n_candidates = len(ballots), len(candidates)
    ranks = np.full((n_ballots, n_candidates), UNRANKED, dtype=np.int32)
    if n_ballots == 0 or n_candidates == 0:
        return ranks
    # One pass of C-level iteration over every (id, rank) pair, rather than a
    # Python loop per entry: building the matrix from dicts is otherwise the
    # slowest step of a whole tally.
    lengths = np.fromiter(map(len, ballots), dtype=np.intp, count=n_ballots)
    n_entries = int(lengths.sum())
    ids = np.fromiter(itertools.chain.from_iterable(ballots), dtype=np.int64, count=n_entries)
    values = np.fromiter(
        itertools.chain.from_iterable(ballot.values() for ballot in ballots), dtype=np.int64, count=n_entries
    )
    columns = _columns_for(candidates, ids)
    known = columns >= 0
    known_values = values[known]
    if known_values.size and (known_values.min() < np.iinfo(np.int32).min or known_values.max() >= UNRANKED):
        raise ValueError(f"Ranks must be whole numbers from {np.iinfo(np.int32).min} to {UNRANKED - 1}.")
    rows = np.repeat(np.arange(n_ballots, dtype=np.intp), lengths)
    ranks[rows[known], columns[known]] = known_values
    return ranks


# Largest spread of candidate ids for which `_columns_for` uses a lookup table (8 bytes an entry).
_LOOKUP_TABLE_LIMIT = 1 << 21


def _columns_for(candidates: list[int], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """The column of each id in `candidates`, or -1 for an id not among them."""
    candidate_array = np.asarray(candidates, dtype=np.int64)
    order = np.argsort(candidate_array, kind="stable")
    sorted_ids = candidate_array[order]
    if np.any(sorted_ids[1:] == sorted_ids[:-1]):
        raise ValueError("Each candidate may appear only once in `candidates`.")
    lowest, span = int(sorted_ids[0]), int(sorted_ids[-1] - sorted_ids[0])
    if span < _LOOKUP_TABLE_LIMIT:
        # Database ids are usually close together: a direct lookup table is
        # several times faster than a binary search per entry.
        table = np.full(span + 1, -1, dtype=np.intp)
        table[candidate_array - lowest] = np.arange(len(candidates))
        offsets = ids - lowest
        inside = (offsets >= 0) & (offsets <= span)
        return np.where(inside, table[np.where(inside, offsets, 0)], -1)
    positions = np.searchsorted(sorted_ids, ids)
    positions[positions == len(sorted_ids)] = 0
    found = sorted_ids[positions] == ids
    return np.where(found, order[positions], -1).astype(np.intp)


def _checked_ranks(candidates: list[int], ranks: npt.ArrayLike) -> npt.NDArray[np.int32]:
    """`ranks` as an int32 rank matrix with one column per candidate, or ValueError."""
    array = np.asarray(ranks)
    if array.ndim != 2 or array.shape[1] != len(candidates):
        raise ValueError(f"Expected a (ballots × {len(candidates)}) rank matrix, got shape {array.shape}.")
    if array.size and array.dtype.kind not in "iu":
        raise ValueError(f"Ranks must be integers, got {array.dtype}.")
    if array.dtype != np.int32:
        array = np.clip(array, np.iinfo(np.int32).min, UNRANKED).astype(np.int32)
    return array


def _compact_ranks(ranks: npt.NDArray[np.int32]) -> tuple[_Compact, int]:
    """The same preferences in the narrowest type, and the value that now means unranked.

    Comparisons over a (ballots × candidates) matrix are memory-bound, so a
    one-byte matrix compares about four times faster than int32. Ranks are
    shifted so the best rank used is 0, which keeps every ballot's order.
    """
    ranked = ranks < UNRANKED
    if not ranked.any():
        return np.zeros(ranks.shape, dtype=np.uint8), 0
    lowest = int(np.where(ranked, ranks, UNRANKED).min())
    highest = int(np.where(ranked, ranks, np.iinfo(np.int32).min).max())
    span = highest - lowest
    # Unranked entries may wrap around in this subtraction; they are
    # overwritten below, and ranked ones land in 0..span.
    shifted = ranks - np.int32(lowest)
    compact: _Compact
    if span < np.iinfo(np.uint8).max:
        compact = shifted.astype(np.uint8)
    elif span < np.iinfo(np.uint16).max:
        compact = shifted.astype(np.uint16)
    else:
        return ranks, int(UNRANKED)
    unranked = int(np.iinfo(compact.dtype).max)
    compact[~ranked] = unranked
    return compact, unranked


def pairwise_counts(ranks: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """d[i, j]: how many ballots rank candidate i strictly above candidate j."""
    ranks = np.asarray(ranks)
    n_candidates = ranks.shape[1]
    d = np.zeros((n_candidates, n_candidates), dtype=np.int64)
    if ranks.shape[0] == 0 or n_candidates == 0:
        return d
    compact, _ = _compact_ranks(ranks)
    # One row per candidate so that each comparison and each count runs along
    # contiguous memory; counting bytes in int32 is cheaper than summing bools
    # into the default int64.
    by_candidate = np.ascontiguousarray(compact.T)
    for i in range(n_candidates):
        above = by_candidate[i] < by_candidate
        d[i] = np.add.reduce(above.view(np.uint8), axis=1, dtype=np.int32)
    return d


# --------------------------------------------------------------------------
# Schulze
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SchulzeResult:
    candidates: list[int]
    #: pairwise[i][j]: how many ballots prefer candidates[i] to candidates[j].
    pairwise: list[list[int]]
    #: strongest[i][j]: strength of the strongest path from i to j.
    strongest: list[list[int]]
    #: The ranking, best first, as tiers of candidate ids; a tier of more than
    #: one id is a tie that the ballots cannot break.
    tiers: list[list[int]]
    ballot_count: int

    @property
    def winners(self) -> list[int]:
        return self.tiers[0] if self.tiers else []


def schulze(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> SchulzeResult:
    """Tally ranked ballots by the Schulze (beatpath) method."""
    candidates = list(candidates)
    return schulze_from_ranks(candidates, rank_matrix(candidates, ballots))


def schulze_from_ranks(candidates: Sequence[int], ranks: npt.ArrayLike) -> SchulzeResult:
    """`schulze` for ballots already in a rank matrix (see `rank_matrix`)."""
    candidates = list(candidates)
    checked = _checked_ranks(candidates, ranks)
    d = pairwise_counts(checked)
    p = _strongest_paths(d)
    beats = p > p.T
    tiers: list[list[int]] = []
    remaining = np.ones(len(candidates), dtype=bool)
    while remaining.any():
        beaten = beats[remaining].any(axis=0)
        tier = remaining & ~beaten
        if not tier.any():
            # Schulze proves "beats" is a strict partial order, so some
            # remaining candidate is always unbeaten; this guards against a
            # silent endless loop should that ever be broken here.
            raise RuntimeError("Schulze relation has a cycle; this is a bug.")
        tiers.append([candidates[i] for i in np.flatnonzero(tier)])
        remaining &= ~tier
    return SchulzeResult(
        candidates=candidates,
        pairwise=d.tolist(),
        strongest=p.tolist(),
        tiers=tiers,
        ballot_count=int(checked.shape[0]),
    )


def _strongest_paths(d: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Strongest path strengths (Floyd–Warshall over the widest-path semiring).

    A link from i to j exists only where i beats j head to head, with the
    strength of i's support.
    """
    p = np.where(d > d.T, d, 0)
    np.fill_diagonal(p, 0)
    for k in range(p.shape[0]):
        np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]), out=p)
        np.fill_diagonal(p, 0)
    return p


# --------------------------------------------------------------------------
# Instant runoff
# --------------------------------------------------------------------------


class IrvReason(StrEnum):
    """What happened in a round of instant runoff, and why."""

    #: One candidate holds more than half the continuing ballots and wins.
    MAJORITY = "majority"
    #: Only one candidate continues (every other has been eliminated) and wins.
    LAST_REMAINING = "last_remaining"
    #: The one candidate with the fewest votes is eliminated.
    FEWEST_VOTES = "fewest_votes"
    #: Several candidates tie for fewest votes (`tied`). They are eliminated
    #: together, with any candidates just above them (`eliminated`), because
    #: even if every ballot they hold or could receive stayed among them, none
    #: could catch up with any other continuing candidate: every order of
    #: eliminating them one by one ends in the same place.
    CANNOT_CATCH_UP = "cannot_catch_up"
    #: Several candidates tie for fewest votes (`tied`) and their votes could
    #: matter, but every order of eliminating them one at a time (checked
    #: exhaustively, through any later ties too) leads to the same winner. The
    #: first of them in candidate order is eliminated (`eliminated`), since the
    #: order makes no difference, and the count goes on.
    ORDER_IRRELEVANT = "order_irrelevant"
    #: Several candidates tie for fewest votes (`tied`) and the order of
    #: eliminating them would decide the winner. The count stops here.
    TIE = "tie"


@dataclass(frozen=True)
class IrvRound:
    #: Continuing candidate id → ballots counting for it, in `candidates` order.
    counts: dict[int, int]
    #: Ballots that still rank a continuing candidate (including `set_aside`).
    continuing: int
    #: Ballots that rank no continuing candidate. Once exhausted, always exhausted.
    exhausted: int
    #: Continuing ballots whose best continuing rank is shared by several
    #: candidates: they prefer none of them, so count for none of them, but
    #: still count towards the majority needed.
    set_aside: int
    reason: IrvReason
    #: Candidates eliminated at the end of this round (empty if it ended the count).
    eliminated: list[int]
    #: Candidates tied for fewest votes this round, if more than one.
    tied: list[int]

    @property
    def majority(self) -> int:
        """Votes needed to win outright this round: more than half the continuing ballots."""
        return self.continuing // 2 + 1


@dataclass(frozen=True)
class IrvResult:
    candidates: list[int]
    rounds: list[IrvRound]
    #: The winner, or None when the count stopped on a tie (or there are no candidates).
    winner: int | None
    #: When the count stopped on a tie: the candidates tied for fewest votes
    #: whose order of elimination would decide the winner.
    tied: list[int]
    #: When the count stopped on a tie: exactly the candidates who win under
    #: some order of eliminating tied candidates one at a time (here and at
    #: any later tie), in `candidates` order; empty if there were too many
    #: orders to check.
    could_win: list[int]
    ballot_count: int


class CountedRound(Protocol):
    """What `irv_ranking` reads of a round of instant runoff (an `IrvRound`, or one stored from it)."""

    @property
    def counts(self) -> Mapping[int, int]: ...

    @property
    def eliminated(self) -> Sequence[int]: ...


def irv_ranking(candidates: Sequence[int], rounds: Sequence[CountedRound], winner: int | None) -> list[list[int]]:
    """The ranking an instant-runoff count gives, as tiers of candidate ids, best first.

    It reads like the count: the winner; then the others still standing in the
    last round, by their votes there (the runner-up first); then each round's
    eliminated, latest round first, those eliminated together ordered by their
    votes in that round. Equal votes share a tier. When the count stopped on a
    tie there is no winner, and everyone still standing shares the top tier.
    """
    tiers: list[list[int]] = []
    if rounds:
        standing = rounds[-1].counts
        if winner is None:
            tiers.append(list(standing))
        else:
            tiers.append([winner])
            tiers += _tiers_by_total({c: v for c, v in standing.items() if c != winner})
    for r in reversed(rounds):
        tiers += _tiers_by_total({c: r.counts[c] for c in r.eliminated})
    placed = {c for tier in tiers for c in tier}
    rest = [c for c in candidates if c not in placed]
    return [*tiers, rest] if rest else tiers


# Sentinels in the "top choice" column index array.
_EXHAUSTED = -1
_SET_ASIDE = -2

# How much work the search over elimination orders may do when candidates
# tie for last, measured in ballot × candidate cells examined (each state
# examined costs one pass over the rank matrix), and at most how many states.
# Beyond that a tie is reported: conservative, never wrong.
_TIE_SEARCH_CELLS = 50_000_000
_TIE_SEARCH_STATES = 2_000


def instant_runoff(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> IrvResult:
    """Tally ranked ballots by instant runoff (the alternative vote), round by round.

    Each round, every continuing ballot counts for its best-ranked continuing
    candidate. A candidate with more than half the continuing ballots wins (so
    does the last candidate remaining); otherwise the candidate with the fewest
    votes is eliminated and the next round begins.

    Equal ranks: a ballot whose best continuing rank is shared by several
    continuing candidates counts for none of them while that lasts (it is
    "set aside", see `IrvRound.set_aside`), but it is still a continuing ballot
    for the majority, and it counts again once only one of them continues.
    This keeps every round a function of which candidates continue alone.

    Ties for fewest votes are never broken by chance or by a hidden rule. The
    rule: tied candidates are eliminated one at a time, and every order is
    considered.

    1. If the tied candidates, with any just above them, cannot catch up with
       anyone else whatever happens to their ballots, they are eliminated
       together (`IrvReason.CANNOT_CATCH_UP`): every order eliminates all of
       them before anyone else, so this is where every order arrives (the
       classic bulk exclusion).
    2. Otherwise every order of eliminating them one at a time is followed to
       the end, through any later ties too. If all lead to the same winner,
       the first of them is eliminated and the count goes on
       (`IrvReason.ORDER_IRRELEVANT`), so every round shown is one an allowed
       order reaches.
    3. Otherwise the count stops (`IrvReason.TIE`): the result has no winner,
       `tied` names the tied candidates and `could_win` exactly those who win
       under some allowed order. The search in step 2 is bounded; past the
       bound a tie is reported, with `could_win` empty.
    """
    candidates = list(candidates)
    return instant_runoff_from_ranks(candidates, rank_matrix(candidates, ballots))


def instant_runoff_from_ranks(candidates: Sequence[int], ranks: npt.ArrayLike) -> IrvResult:
    """`instant_runoff` for ballots already in a rank matrix (see `rank_matrix`)."""
    candidates = list(candidates)
    checked = _checked_ranks(candidates, ranks)
    n_ballots, n_candidates = checked.shape
    if n_candidates == 0:
        return IrvResult(candidates, [], None, [], [], n_ballots)
    compact, unranked = _compact_ranks(checked)
    continuing = np.ones(n_candidates, dtype=bool)
    top = _top_choices(compact, continuing, unranked)
    search = _TieSearch(compact, unranked)
    rounds: list[IrvRound] = []
    while True:
        counts, exhausted, set_aside = _tally(top, n_candidates)
        live = n_ballots - exhausted
        step = _next_step(compact, unranked, top, continuing, counts, live)
        reason, eliminate, could_win = step.reason, step.eliminate, frozenset[int]()
        if reason is IrvReason.TIE:
            outcomes = search.outcomes_at_tie(continuing, step.tied)
            if outcomes is not None and len(outcomes) == 1:
                reason, eliminate = IrvReason.ORDER_IRRELEVANT, step.tied[:1]
            else:
                could_win = outcomes or frozenset()
        rounds.append(
            IrvRound(
                counts={candidates[i]: int(counts[i]) for i in np.flatnonzero(continuing)},
                continuing=live,
                exhausted=exhausted,
                set_aside=set_aside,
                reason=reason,
                eliminated=[candidates[i] for i in eliminate],
                tied=[candidates[i] for i in step.tied],
            )
        )
        if step.winner is not None or reason is IrvReason.TIE:
            return IrvResult(
                candidates=candidates,
                rounds=rounds,
                winner=None if step.winner is None else candidates[step.winner],
                tied=[candidates[i] for i in step.tied] if reason is IrvReason.TIE else [],
                could_win=[candidates[i] for i in sorted(could_win)],
                ballot_count=n_ballots,
            )
        continuing[list(eliminate)] = False
        # Only ballots that counted for an eliminated candidate, or could not
        # choose, can change; everyone else's top choice is still continuing.
        affected = np.flatnonzero(np.isin(top, eliminate) | (top == _SET_ASIDE))
        top[affected] = _top_choices(compact[affected], continuing, unranked)


@dataclass(frozen=True)
class _Step:
    reason: IrvReason
    winner: int | None = None
    eliminate: tuple[int, ...] = ()
    tied: tuple[int, ...] = ()


def _best_tier(compact: _Compact, continuing: npt.NDArray[np.bool_], unranked: int) -> npt.NDArray[np.bool_]:
    """Per ballot, which continuing candidates share its best continuing rank (none if exhausted)."""
    masked = np.where(continuing, compact, unranked)
    best = masked.min(axis=1, initial=unranked)
    tier: npt.NDArray[np.bool_] = (masked == best[:, None]) & (best != unranked)[:, None]
    return tier


def _top_choices(compact: _Compact, continuing: npt.NDArray[np.bool_], unranked: int) -> npt.NDArray[np.intp]:
    """Per ballot, the column of its best continuing candidate, or _EXHAUSTED / _SET_ASIDE."""
    tier = _best_tier(compact, continuing, unranked)
    top: npt.NDArray[np.intp] = np.argmax(tier, axis=1).astype(np.intp)
    size = np.count_nonzero(tier, axis=1)
    top[size > 1] = _SET_ASIDE
    top[size == 0] = _EXHAUSTED
    return top


def _tally(top: npt.NDArray[np.intp], n_candidates: int) -> tuple[npt.NDArray[np.int64], int, int]:
    """Votes per candidate column, exhausted ballots, set-aside ballots."""
    counting = top >= 0
    counts = np.bincount(top[counting], minlength=n_candidates).astype(np.int64)
    exhausted = int(np.count_nonzero(top == _EXHAUSTED))
    return counts, exhausted, int(top.size - np.count_nonzero(counting) - exhausted)


def _next_step(
    compact: _Compact,
    unranked: int,
    top: npt.NDArray[np.intp],
    continuing: npt.NDArray[np.bool_],
    counts: npt.NDArray[np.int64],
    live: int,
) -> _Step:
    """What this round decides. A tie that needs the search comes back as TIE."""
    alive = np.flatnonzero(continuing)
    if alive.size == 1:
        return _Step(IrvReason.LAST_REMAINING, winner=int(alive[0]))
    alive_counts = counts[alive]
    leader = int(np.argmax(alive_counts))
    if 2 * int(alive_counts[leader]) > live:
        return _Step(IrvReason.MAJORITY, winner=int(alive[leader]))
    ascending = alive[np.argsort(alive_counts, kind="stable")]
    votes = counts[ascending]
    n_tied = int(np.count_nonzero(votes == votes[0]))
    if n_tied == 1:
        return _Step(IrvReason.FEWEST_VOTES, eliminate=(int(ascending[0]),))
    tied = tuple(sorted(int(i) for i in ascending[:n_tied]))
    group = _group_that_cannot_catch_up(compact, unranked, top, continuing, ascending, votes, n_tied)
    if group:
        return _Step(IrvReason.CANNOT_CATCH_UP, eliminate=tuple(sorted(int(i) for i in ascending[:group])), tied=tied)
    return _Step(IrvReason.TIE, tied=tied)


def _group_that_cannot_catch_up(
    compact: _Compact,
    unranked: int,
    top: npt.NDArray[np.intp],
    continuing: npt.NDArray[np.bool_],
    ascending: npt.NDArray[np.intp],
    votes: npt.NDArray[np.int64],
    n_tied: int,
) -> int:
    """The size k of the smallest group of lowest candidates (k >= n_tied) that can be eliminated together, or 0.

    The k lowest can be eliminated together when the most they could ever
    hold between them (their votes, plus set-aside ballots that could only
    come to one of them) is fewer than the votes of the next candidate up.
    Candidates outside the group only gain votes while the group is being
    eliminated, so each member stays strictly last-but-in-the-group and is
    eliminated before anyone outside it, in every order.
    """
    n_alive = ascending.size
    could_gain = np.zeros(n_alive, dtype=np.int64)
    rows = np.flatnonzero(top == _SET_ASIDE)
    if rows.size:
        position = np.full(continuing.size, -1, dtype=np.intp)
        position[ascending] = np.arange(n_alive)
        tiers = _best_tier(compact[rows], continuing, unranked)
        # A set-aside ballot can only ever reach the k lowest if its whole
        # shared tier lies among them, i.e. its highest member sits below k.
        highest = np.where(tiers, position, -1).max(axis=1)
        could_gain = np.cumsum(np.bincount(highest, minlength=n_alive)).astype(np.int64)
    most_they_could_hold = np.cumsum(votes) + could_gain
    sizes = np.arange(n_tied, n_alive)
    safe = most_they_could_hold[sizes - 1] < votes[sizes]
    return int(sizes[np.argmax(safe)]) if safe.any() else 0


class _TieSearch:
    """Follows every way of breaking ties for last, to see whether the winner depends on it.

    States are sets of continuing candidates, memoised, so orders that reach
    the same set share the work. The search stops (answering None, "unknown")
    once its budget is spent.
    """

    def __init__(self, compact: _Compact, unranked: int) -> None:
        self._compact = compact
        self._unranked = unranked
        self._states_left = min(_TIE_SEARCH_STATES, max(1, _TIE_SEARCH_CELLS // max(1, compact.size)))
        self._memo: dict[bytes, frozenset[int] | None] = {}

    def outcomes_at_tie(self, continuing: npt.NDArray[np.bool_], tied: tuple[int, ...]) -> frozenset[int] | None:
        """Winners reachable by eliminating one of `tied` next (never several at once), and so on to the end."""
        reachable: set[int] = set()
        for candidate in tied:
            after = continuing.copy()
            after[candidate] = False
            outcomes = self.outcomes(after)
            if outcomes is None:
                return None
            reachable |= outcomes
        return frozenset(reachable)

    def outcomes(self, continuing: npt.NDArray[np.bool_]) -> frozenset[int] | None:
        """Winners reachable from this set of continuing candidates, or None if the budget ran out."""
        key = continuing.tobytes()
        if key in self._memo:
            return self._memo[key]
        if self._states_left <= 0:
            return None
        self._states_left -= 1
        top = _top_choices(self._compact, continuing, self._unranked)
        counts, exhausted, _ = _tally(top, continuing.size)
        step = _next_step(self._compact, self._unranked, top, continuing, counts, top.size - exhausted)
        result: frozenset[int] | None
        if step.winner is not None:
            result = frozenset({step.winner})
        elif step.reason is IrvReason.TIE:
            result = self.outcomes_at_tie(continuing, step.tied)
        else:
            after = continuing.copy()
            after[list(step.eliminate)] = False
            result = self.outcomes(after)
        self._memo[key] = result
        return result


# --------------------------------------------------------------------------
# Score, approval and dot voting
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalsResult:
    """The result of a method that adds up points: score, approval or dot voting."""

    candidates: list[int]
    #: Candidate id → total, in `candidates` order.
    totals: dict[int, int]
    #: Candidates by total, best first; a tier of several ids is a tie.
    tiers: list[list[int]]
    ballot_count: int

    @property
    def winners(self) -> list[int]:
        return self.tiers[0] if self.tiers else []


def score(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> TotalsResult:
    """Total each candidate's scores (whole numbers 0..5; a candidate left off a ballot scores 0).

    Raises ValueError, naming the ballot, for a score that is not a whole
    number from SCORE_MIN to SCORE_MAX.
    """

    def check(ballot_number: int, points: Mapping[int, int]) -> None:
        for candidate, value in points.items():
            if not _is_whole(value) or not SCORE_MIN <= value <= SCORE_MAX:
                raise ValueError(
                    f"Ballot {ballot_number} gives candidate {candidate} a score of {value!r}; "
                    f"scores are whole numbers from {SCORE_MIN} to {SCORE_MAX}."
                )

    return _add_up(candidates, ballots, check)


def dot_vote(candidates: Sequence[int], ballots: Iterable[Mapping[int, int]], budget: int) -> TotalsResult:
    """Total the dots each candidate received; each voter may place up to `budget` dots.

    A voter may leave dots unplaced. Raises ValueError for a budget that is not
    a whole number of at least 1, and, naming the ballot, for a negative or
    fractional number of dots or a ballot that places more than `budget`
    (dots placed on candidates not being tallied still count towards it).
    """
    if not _is_whole(budget) or budget < 1:
        raise ValueError(f"The dot budget must be a whole number of at least 1, not {budget!r}.")

    def check(ballot_number: int, points: Mapping[int, int]) -> None:
        for candidate, value in points.items():
            if not _is_whole(value) or value < 0:
                raise ValueError(
                    f"Ballot {ballot_number} places {value!r} dots on candidate {candidate}; "
                    "dots are whole numbers, 0 or more."
                )
        placed = sum(points.values())
        if placed > budget:
            raise ValueError(f"Ballot {ballot_number} places {placed} dots, more than the budget of {budget}.")

    return _add_up(candidates, ballots, check)


def approval(candidates: Sequence[int], ballots: Iterable[Collection[int]]) -> TotalsResult:
    """Count, for each candidate, the ballots that approve it. An id listed twice on a ballot counts once."""
    candidates = list(candidates)
    totals = dict.fromkeys(candidates, 0)
    ballot_count = 0
    for ballot in ballots:
        ballot_count += 1
        for candidate in set(ballot):
            if candidate in totals:
                totals[candidate] += 1
    return TotalsResult(candidates, totals, _tiers_by_total(totals), ballot_count)


def _add_up(
    candidates: Sequence[int],
    ballots: Iterable[Mapping[int, int]],
    check: Callable[[int, Mapping[int, int]], None],
) -> TotalsResult:
    """Sum points per candidate after `check(ballot_number, ballot)` has vetted each ballot (1-based)."""
    candidates = list(candidates)
    totals = dict.fromkeys(candidates, 0)
    ballot_count = 0
    for ballot_count, ballot in enumerate(ballots, start=1):
        check(ballot_count, ballot)
        for candidate, value in ballot.items():
            if candidate in totals:
                totals[candidate] += int(value)
    return TotalsResult(candidates, totals, _tiers_by_total(totals), ballot_count)


def _is_whole(value: object) -> bool:
    # bool is an int subclass, but True is not a number of points.
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _tiers_by_total(totals: Mapping[int, int]) -> list[list[int]]:
    """Candidates grouped by equal totals, highest first, each tier in the original order."""
    tiers: list[list[int]] = []
    last: int | None = None
    for candidate, total in sorted(totals.items(), key=lambda item: -item[1]):
        if total != last:
            tiers.append([])
            last = total
        tiers[-1].append(candidate)
    return tiers
