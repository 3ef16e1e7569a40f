"""Reads of ballots: a leader's own, who gave an outcome energy, and who voted (and how, when that is shown)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from network.models import Membership
from outcomes.models import Ballot, BallotRank, CandidateOutcome, Energy, Method, VotingRound


@dataclass(frozen=True)
class OwnBallot:
    exists: bool
    ranks: dict[int, int]
    points: dict[int, int]
    energy: dict[int, int]


def own_ballot(*, voting_round: VotingRound, voter: Membership) -> OwnBallot:
    """The leader's own ballot in this round: only ever shown to that leader."""
    ballot = Ballot.objects.filter(round=voting_round, voter=voter).prefetch_related("ranks").first()
    if ballot is None:
        return OwnBallot(False, {}, {}, {})
    rows = list(ballot.ranks.all())
    return OwnBallot(
        exists=True,
        ranks={r.outcome_id: r.rank for r in rows if r.rank},
        points={r.outcome_id: r.points for r in rows if r.points},
        energy={r.outcome_id: r.energy for r in rows if r.energy},
    )


def gave_energy(*, voting_round: VotingRound, voter: Membership, outcomes: Iterable[CandidateOutcome]) -> set[int]:
    """Which of these outcomes the leader said, on their own ballot, they would commit energy to."""
    return set(
        BallotRank.objects.filter(
            ballot__round=voting_round, ballot__voter=voter, outcome__in=list(outcomes), energy__gte=Energy.SOME
        ).values_list("outcome_id", flat=True)
    )


def energy_givers(*, voting_round: VotingRound, outcome: CandidateOutcome) -> list[Membership]:
    """The leaders still in the site whose ballot in this round would commit some energy to the outcome."""
    voter_ids = BallotRank.objects.filter(
        ballot__round=voting_round, outcome=outcome, energy__gte=Energy.SOME
    ).values_list("ballot__voter_id", flat=True)
    return list(Membership.objects.filter(pk__in=voter_ids, archived_at__isnull=True).select_related("user", "site"))


@dataclass(frozen=True)
class VoterRow:
    name: str
    agency: str
    #: How they voted, in words, or None when the round does not show it (yet).
    choices: list[str] | None


def round_voters(*, voting_round: VotingRound, candidates: list[CandidateOutcome]) -> list[VoterRow]:
    """Who has voted; and how, only when the round's visibility shows names now.

    Under a secret ballot this reads no ballot entry at all, so nothing here
    can reveal a choice.
    """
    ballots = (
        Ballot.objects.filter(round=voting_round)
        .select_related("voter__user", "voter__agency")
        .order_by("voter__user__name", "pk")
    )
    show = voting_round.shows_names
    if show:
        ballots = ballots.prefetch_related("ranks")
    by_id = {c.pk: c.statement for c in candidates}
    rows = []
    for ballot in ballots:
        choices = None
        if show:
            choices = [_describe(voting_round, entry, by_id) for entry in sorted(ballot.ranks.all(), key=_order)]
            choices = [c for c in choices if c]
        agency = ballot.voter.agency.name if ballot.voter.agency else ""
        rows.append(VoterRow(name=ballot.voter.user.name or ballot.voter.user.email, agency=agency, choices=choices))
    return rows


def _order(entry: BallotRank) -> tuple[int, int]:
    return (entry.rank or 10_000, -(entry.points or 0))


def _describe(voting_round: VotingRound, entry: BallotRank, by_id: dict[int, str]) -> str:
    statement = by_id.get(entry.outcome_id, "")
    energy = {Energy.SOME: "; some energy", Energy.A_LOT: "; a lot of energy"}.get(Energy(entry.energy), "")
    if voting_round.is_ranked:
        head = f"{entry.rank}. {statement}" if entry.rank else f"Unranked: {statement}"
    elif voting_round.method == Method.APPROVAL:
        head = f"Approved: {statement}" if entry.points else f"{statement}"
    elif voting_round.method == Method.DOTS:
        head = f"{entry.points or 0} dots: {statement}"
    else:
        head = f"Score {entry.points or 0}: {statement}"
    return head + energy
