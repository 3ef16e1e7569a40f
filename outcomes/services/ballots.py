"""Ballots: a leader's ranking, scores, dots or approvals, and the energy they would commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.errors import DomainError
from network.models import Membership
from outcomes.access import VOTERS, check_role
from outcomes.locks import ROUND_NAMESPACE, round_votes_shared
from outcomes.models import Ballot, BallotRank, Energy, Method, VotingRound
from outcomes.tally import SCORE_MAX, SCORE_MIN


def _check_ranks(n_candidates: int, ranks: Mapping[int, int], points: Mapping[int, int]) -> None:
    if points:
        raise DomainError(_("This round is ranked: give ranks, not points."))
    if any(not 1 <= rank <= n_candidates for rank in ranks.values()):
        raise DomainError(_("Ranks run from 1 to %(most)s.") % {"most": n_candidates})
    if not ranks:
        raise DomainError(_("Rank at least one outcome."))


NOTHING_CHOSEN = {
    Method.SCORE: gettext_lazy("Score at least one outcome above 0."),
    Method.DOTS: gettext_lazy("Place at least one dot."),
    Method.APPROVAL: gettext_lazy("Approve at least one outcome."),
}


def _check_points(voting_round: VotingRound, ranks: Mapping[int, int], points: Mapping[int, int]) -> None:
    method = Method(voting_round.method)
    if ranks:
        raise DomainError(_("This round is not ranked: give points, not ranks."))
    for value in points.values():
        if method == Method.SCORE and not SCORE_MIN <= value <= SCORE_MAX:
            raise DomainError(_("Scores run from %(least)s to %(most)s.") % {"least": SCORE_MIN, "most": SCORE_MAX})
        if method == Method.APPROVAL and value not in (0, 1):
            raise DomainError(_("Approve an outcome or leave it."))
        if value < 0:
            raise DomainError(_("Points cannot be negative."))
    placed = sum(points.values())
    if method == Method.DOTS and placed > voting_round.dot_budget:
        raise DomainError(
            _("You have placed %(placed)s dots; you have %(budget)s to spread.")
            % {"placed": placed, "budget": voting_round.dot_budget}
        )
    if not any(points.values()):
        raise DomainError(str(NOTHING_CHOSEN[method]))


class Entry(NamedTuple):
    """One outcome's line of a ballot, as stored in a BallotRank (plain values: a ballot of 200 outcomes
    builds 200 of them on each save)."""

    outcome_id: int
    rank: int | None
    points: int | None
    energy: int


def _validated(
    voting_round: VotingRound,
    candidate_ids: set[int],
    ranks: Mapping[int, int],
    points: Mapping[int, int],
    energy: Mapping[int, int],
) -> list[Entry]:
    """The ballot's entries once every rule is met: one for every outcome in the round, chosen or not, by id.

    A ballot of a fixed size says nothing by its size: not in a count of rows, nor in a list of what
    deleting a person would delete (the admin's confirmation page).
    """
    if (set(ranks) | set(points) | set(energy)) - candidate_ids:
        raise DomainError(_("That ballot names an outcome that is not in this round."))
    if any(level not in Energy.values for level in energy.values()):
        raise DomainError(_("Choose none, some or a lot of energy."))
    if voting_round.is_ranked:
        _check_ranks(len(candidate_ids), ranks, points)
    else:
        _check_points(voting_round, ranks, points)
    none = Energy.NONE.value
    return [
        Entry(outcome_id, ranks.get(outcome_id), points.get(outcome_id) or None, energy.get(outcome_id) or none)
        for outcome_id in sorted(candidate_ids)
    ]


@dataclass(frozen=True)
class SavedBallot:
    """A ballot just saved, and how many leaders had a ballot in its round as it was saved (for "N have voted")."""

    ballot: Ballot
    ballot_count: int


def ballot_submit(
    *,
    voting_round: VotingRound,
    voter: Membership,
    ranks: Mapping[int, int] | None = None,
    points: Mapping[int, int] | None = None,
    energy: Mapping[int, int] | None = None,
) -> SavedBallot:
    """Save a leader's ballot, replacing any earlier one, while the round is open.

    `ranks` (ranked rounds) or `points` (score, dots, approval as 1/0) per
    outcome id, and `energy` per outcome id (see `Energy`). The database
    allows one ballot per leader per round; two submissions at once both end
    up updating that one ballot.
    """
    check_role(voter, VOTERS, _("Your role in this site does not allow you to vote."))
    if voter.site_id != voting_round.site_id:
        raise DomainError(_("You can only vote in your own site."))
    if connection.vendor == "postgresql":
        return _ballot_submit_postgresql(voting_round, voter, ranks or {}, points or {}, energy or {})
    return _ballot_submit_orm(voting_round, voter, ranks or {}, points or {}, energy or {})


def _closed_error(status: str) -> DomainError:
    return DomainError(
        _("This round has closed; ballots can no longer change.")
        if status == VotingRound.Status.CLOSED
        else _("This round has not opened yet.")
    )


# The ballot's hot path on PostgreSQL: BEGIN, the shared lock with the round's outcomes, one statement that
# writes the ballot and all its entries, COMMIT. Each round trip costs about as much as the SQL behind it,
# so the ORM's steps (lock, outcomes, UPDATE, DELETE, INSERT, and a COUNT after) are folded together here.
# `_ballot_submit_orm` is the same rule in the ORM, for SQLite; tests/outcomes/test_ballot_sql.py checks
# that the two leave the same rows.

_LOCK_AND_CANDIDATES = """
SELECT pg_advisory_xact_lock_shared(%(namespace)s, %(round)s), r.status,
       ARRAY(SELECT c.candidateoutcome_id FROM outcomes_votinground_candidates c WHERE c.votinground_id = r.id)
FROM outcomes_votinground r WHERE r.id = %(round)s
"""

# One statement, so one snapshot, taken after the lock above is held: the round is read as open in it, or
# nothing is written (a close that came first has committed, and is seen). The ballot's row is made or
# updated (ON CONFLICT waits for a twin submission of the same leader and then updates it, so no retry), and
# its entries, one per outcome of the round (a ballot of fixed size), are made or overwritten in place:
# updating rows whose indexed columns do not change is cheaper than deleting and inserting them. The count
# is of the ballots before this one, so one made just now is added.
_UPSERT = """
WITH still_open AS (
    SELECT id FROM outcomes_votinground WHERE id = %(round)s AND status = %(open)s
), ballot AS (
    INSERT INTO outcomes_ballot (round_id, voter_id, updated_at)
    SELECT id, %(voter)s, %(now)s FROM still_open
    ON CONFLICT (round_id, voter_id) DO UPDATE SET updated_at = EXCLUDED.updated_at
    RETURNING id, xmax = 0 AS made
), entries AS (
    INSERT INTO outcomes_ballotrank (ballot_id, outcome_id, rank, points, energy)
    SELECT ballot.id, e.outcome_id, e.rank, e.points, e.energy
    FROM ballot, unnest(%(outcomes)s::bigint[], %(ranks)s::smallint[], %(points)s::smallint[], %(energy)s::smallint[])
        AS e(outcome_id, rank, points, energy)
    ON CONFLICT (ballot_id, outcome_id) DO UPDATE
        SET rank = EXCLUDED.rank, points = EXCLUDED.points, energy = EXCLUDED.energy
)
SELECT ballot.id, ballot.made, (SELECT count(*) FROM outcomes_ballot b WHERE b.round_id = %(round)s) FROM ballot
"""


def _ballot_submit_postgresql(
    voting_round: VotingRound,
    voter: Membership,
    ranks: Mapping[int, int],
    points: Mapping[int, int],
    energy: Mapping[int, int],
) -> SavedBallot:
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # The lock's own statement reads the round as it was before the lock was granted; that serves for its
        # outcomes, fixed when it opened (rounds.round_open_draft), but only if it was open by then.
        cursor.execute(_LOCK_AND_CANDIDATES, {"namespace": ROUND_NAMESPACE, "round": voting_round.pk})
        found: tuple[object, str, list[int]] | None = cursor.fetchone()
        if found is None:
            raise DomainError(_("This round has not opened yet."))
        _locked, status, candidate_ids = found
        if status != VotingRound.Status.OPEN:
            raise _closed_error(status)
        # The round's method and budget are fixed when it is made, so the caller's copy serves.
        entries = _validated(voting_round, set(candidate_ids), ranks, points, energy)
        cursor.execute(
            _UPSERT,
            {
                "round": voting_round.pk,
                "open": VotingRound.Status.OPEN.value,
                "voter": voter.pk,
                "now": now,
                "outcomes": [e.outcome_id for e in entries],
                "ranks": [e.rank for e in entries],
                "points": [e.points for e in entries],
                "energy": [e.energy for e in entries],
            },
        )
        saved: tuple[int, bool, int] | None = cursor.fetchone()
        if saved is None:  # closed while this ballot waited for the lock
            raise _closed_error(VotingRound.objects.filter(pk=voting_round.pk).values_list("status", flat=True).get())
    ballot_id, made, before = saved
    ballot = Ballot(pk=ballot_id, round=voting_round, voter=voter, updated_at=now)
    return SavedBallot(ballot=ballot, ballot_count=before + 1 if made else before)


def _ballot_submit_orm(
    voting_round: VotingRound,
    voter: Membership,
    ranks: Mapping[int, int],
    points: Mapping[int, int],
    energy: Mapping[int, int],
) -> SavedBallot:
    for attempt in range(2):
        try:
            with transaction.atomic():
                round_votes_shared(voting_round.pk)
                candidate_ids = _open_round_candidates(voting_round.pk)
                # The round's method and budget are fixed when it is made, so the caller's copy serves.
                entries = _validated(voting_round, candidate_ids, ranks, points, energy)
                ballot = _ballot_replace(voting_round, voter, entries)
                return SavedBallot(ballot=ballot, ballot_count=Ballot.objects.filter(round=voting_round).count())
        except IntegrityError:
            # Two first ballots of one leader at once: the unique constraint let one in; the other
            # now finds it, and replaces it under its row lock.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _open_round_candidates(round_id: int) -> set[int]:
    """The round's outcomes, read under the lock its voters share (outcomes/locks.py), if it is open.

    Voters never queue on one another; closing takes the lock alone, so it waits for every ballot
    in flight, and any later ballot reads the round as closed: nothing lands once the count begins.
    The round's status is read with its outcomes, in one query; only a round that is not open is read again,
    for the reason.
    """
    through = VotingRound.candidates.through
    candidate_ids = set(
        through.objects.filter(votinground_id=round_id, votinground__status=VotingRound.Status.OPEN).values_list(
            "candidateoutcome_id", flat=True
        )
    )
    if not candidate_ids:
        status = VotingRound.objects.filter(pk=round_id).values_list("status", flat=True).get()
        if status != VotingRound.Status.OPEN:
            raise _closed_error(status)
    return candidate_ids


def _ballot_replace(voting_round: VotingRound, voter: Membership, entries: list[Entry]) -> Ballot:
    """The leader's one ballot with these entries: made, or its entries replaced under a lock on it alone."""
    now = timezone.now()
    # One statement takes the ballot's row lock (a second ballot of the same leader waits here) and says
    # which ballot there was to replace, if any: rather than a SELECT ... FOR UPDATE and then a save.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE outcomes_ballot SET updated_at = %s WHERE round_id = %s AND voter_id = %s RETURNING id",
            [now, voting_round.pk, voter.pk],
        )
        found = cursor.fetchone()
    if found is not None:
        ballot = Ballot(pk=found[0], round=voting_round, voter=voter, updated_at=now)
        BallotRank.objects.filter(ballot_id=ballot.pk).delete()
    else:
        with transaction.atomic():  # a savepoint: a twin made just now raises IntegrityError, and the caller retries
            ballot = Ballot.objects.create(round=voting_round, voter=voter)
    BallotRank.objects.bulk_create(BallotRank(ballot=ballot, **entry._asdict()) for entry in entries)
    return ballot


def ranking_order(candidate_ids: Sequence[int], ranks: Mapping[int, int | None]) -> list[int]:
    """Outcomes in ballot order: ranked ones by rank (ties in candidate order), then the unranked."""
    position = {outcome_id: i for i, outcome_id in enumerate(candidate_ids)}
    ranked = sorted((o for o in candidate_ids if ranks.get(o)), key=lambda o: (ranks[o], position[o]))
    return ranked + [o for o in candidate_ids if not ranks.get(o)]


def ranks_after_move(
    candidate_ids: Sequence[int], ranks: Mapping[int, int | None], outcome_id: int, direction: str
) -> dict[int, int]:
    """The ranking after moving one outcome up or down a place, renumbered 1, 2, 3...

    Moving an unranked outcome up adds it to the end of the ranking; moving
    the last ranked outcome down takes it out of the ranking.
    """
    order = ranking_order(candidate_ids, ranks)
    ranked = [o for o in order if ranks.get(o)]
    if outcome_id not in order:
        raise DomainError(_("That outcome is not in this round."))
    if direction == "up":
        if outcome_id not in ranked:
            ranked.append(outcome_id)
        else:
            i = ranked.index(outcome_id)
            if i > 0:
                ranked[i - 1], ranked[i] = ranked[i], ranked[i - 1]
    elif direction == "down":
        if outcome_id in ranked:
            i = ranked.index(outcome_id)
            if i == len(ranked) - 1:
                ranked.pop()
            else:
                ranked[i + 1], ranked[i] = ranked[i], ranked[i + 1]
    else:
        raise DomainError(_("Move an outcome up or down."))
    return {o: n for n, o in enumerate(ranked, start=1)}
