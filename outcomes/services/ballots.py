"""Ballots: a leader's ranking, scores, dots or approvals, and the energy they would commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.errors import DomainError
from network.models import Membership
from outcomes.access import VOTERS, check_role
from outcomes.locks import round_votes_shared
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


def _validated(
    voting_round: VotingRound,
    candidate_ids: set[int],
    ranks: Mapping[int, int],
    points: Mapping[int, int],
    energy: Mapping[int, int],
) -> dict[int, BallotRank]:
    """The ballot's entries once every rule is met: one for every outcome in the round, chosen or not.

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
    entries = {outcome_id: BallotRank(outcome_id=outcome_id) for outcome_id in sorted(candidate_ids)}
    for outcome_id, rank in ranks.items():
        entries[outcome_id].rank = rank
    for outcome_id, value in points.items():
        if value:
            entries[outcome_id].points = value
    for outcome_id, level in energy.items():
        if level:
            entries[outcome_id].energy = level
    return entries


def ballot_submit(
    *,
    voting_round: VotingRound,
    voter: Membership,
    ranks: Mapping[int, int] | None = None,
    points: Mapping[int, int] | None = None,
    energy: Mapping[int, int] | None = None,
) -> Ballot:
    """Save a leader's ballot, replacing any earlier one, while the round is open.

    `ranks` (ranked rounds) or `points` (score, dots, approval as 1/0) per
    outcome id, and `energy` per outcome id (see `Energy`). The database
    allows one ballot per leader per round; two submissions at once both end
    up updating that one ballot.
    """
    check_role(voter, VOTERS, _("Your role in this site does not allow you to vote."))
    if voter.site_id != voting_round.site_id:
        raise DomainError(_("You can only vote in your own site."))
    for attempt in range(2):
        try:
            with transaction.atomic():
                round_votes_shared(voting_round.pk)
                candidate_ids = _open_round_candidates(voting_round.pk)
                # The round's method and budget are fixed when it is made, so the caller's copy serves.
                entries = _validated(voting_round, candidate_ids, ranks or {}, points or {}, energy or {})
                return _ballot_replace(voting_round, voter, entries)
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
            raise DomainError(
                _("This round has closed; ballots can no longer change.")
                if status == VotingRound.Status.CLOSED
                else _("This round has not opened yet.")
            )
    return candidate_ids


def _ballot_replace(voting_round: VotingRound, voter: Membership, entries: dict[int, BallotRank]) -> Ballot:
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
    for row in entries.values():
        row.ballot = ballot
    BallotRank.objects.bulk_create(entries.values())
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
