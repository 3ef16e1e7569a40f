"""Every write to candidate outcomes, voting rounds and ballots."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from network.access import ENABLERS, LEADERS, PROPOSERS
from network.errors import DomainError
from network.models import AllianceMember, Membership
from network.services import alliance_for_outcome, alliance_join
from outcomes.models import Ballot, BallotRank, CandidateOutcome, VotingRound
from outcomes.tally import schulze


def _check_role(membership: Membership, roles: frozenset[str], action: str) -> None:
    if membership.role not in roles:
        raise DomainError(f"Your role in this site does not allow you to {action}.")


def outcome_propose(*, membership: Membership, statement: str, why_it_matters: str) -> CandidateOutcome:
    _check_role(membership, PROPOSERS, "propose outcomes")
    statement = statement.strip()
    if membership.site.candidate_outcomes.filter(statement__iexact=statement).exists():
        raise DomainError("That outcome has already been proposed.", field="statement")
    return CandidateOutcome.objects.create(
        site=membership.site, statement=statement, why_it_matters=why_it_matters.strip(), proposed_by=membership
    )


@transaction.atomic
def round_open(*, membership: Membership, title: str) -> VotingRound:
    """Open a round over every candidate outcome the site has not yet adopted."""
    _check_role(membership, ENABLERS, "open a voting round")
    site = membership.site
    candidates = list(site.candidate_outcomes.filter(alliance__isnull=True))
    if len(candidates) < 2:
        raise DomainError("A round needs at least two candidate outcomes to choose between.")
    if site.voting_rounds.filter(status=VotingRound.Status.OPEN).exists():
        raise DomainError("A round is already open. Close it before opening another.")
    try:
        with transaction.atomic():
            voting_round = VotingRound.objects.create(site=site, title=title.strip())
    except IntegrityError:
        raise DomainError("A round is already open. Close it before opening another.") from None
    voting_round.candidates.set(candidates)
    return voting_round


def _validated_ranks(voting_round: VotingRound, ranks: Mapping[int, int]) -> dict[int, int]:
    candidate_ids = set(voting_round.candidates.values_list("pk", flat=True))
    unknown = set(ranks) - candidate_ids
    if unknown:
        raise DomainError("That ballot names an outcome that is not in this round.")
    cleaned = {}
    for outcome_id, rank in ranks.items():
        if not 1 <= rank <= len(candidate_ids):
            raise DomainError(f"Ranks run from 1 to {len(candidate_ids)}.")
        cleaned[outcome_id] = rank
    if not cleaned:
        raise DomainError("Rank at least one outcome.")
    return cleaned


def ballot_submit(*, voting_round: VotingRound, voter: Membership, ranks: Mapping[int, int]) -> Ballot:
    """Save a leader's ranking, replacing any earlier one, while the round is open.

    The database allows one ballot per leader per round; two submissions at
    once both end up updating that one ballot.
    """
    _check_role(voter, LEADERS, "vote")
    if voter.site_id != voting_round.site_id:
        raise DomainError("You can only vote in your own site.")
    cleaned = _validated_ranks(voting_round, ranks)
    for attempt in range(2):
        try:
            with transaction.atomic():
                # Lock the round so it cannot close half-way through a ballot.
                locked = VotingRound.objects.select_for_update().get(pk=voting_round.pk)
                if not locked.is_open:
                    raise DomainError("This round has closed; ballots can no longer change.")
                ballot, _ = Ballot.objects.get_or_create(round=locked, voter=voter)
                ballot.ranks.all().delete()
                BallotRank.objects.bulk_create(
                    BallotRank(ballot=ballot, outcome_id=outcome_id, rank=rank) for outcome_id, rank in cleaned.items()
                )
                ballot.save(update_fields=["updated_at"])
                return ballot
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def round_close(*, voting_round: VotingRound, membership: Membership) -> VotingRound:
    """Close the round and tally it with the Schulze method. A closed round never changes."""
    _check_role(membership, ENABLERS, "close a voting round")
    locked = VotingRound.objects.select_for_update().get(pk=voting_round.pk, site=membership.site)
    if not locked.is_open:
        raise DomainError("This round is already closed.")
    candidate_ids = list(locked.candidates.order_by("pk").values_list("pk", flat=True))
    ballots: dict[int, dict[int, int]] = {}
    for ballot_id, outcome_id, rank in BallotRank.objects.filter(ballot__round=locked).values_list(
        "ballot_id", "outcome_id", "rank"
    ):
        ballots.setdefault(ballot_id, {})[outcome_id] = rank
    result = schulze(candidate_ids, ballots.values())
    locked.status = VotingRound.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.ranking = result.tiers
    locked.pairwise = {"candidates": result.candidates, "counts": result.pairwise}
    # A tie at the top is reported as a tie: no outcome is named.
    locked.winner_id = result.winners[0] if ballots and len(result.winners) == 1 else None
    locked.save()
    return locked


@transaction.atomic
def outcome_commit(*, voting_round: VotingRound, membership: Membership, pledge: str = "") -> AllianceMember:
    """Commit a leader to the round's winning outcome, forming its alliance on the first commitment."""
    _check_role(membership, LEADERS, "commit to an outcome")
    if voting_round.is_open or voting_round.winner_id is None:
        raise DomainError("There is no chosen outcome to commit to in this round.")
    outcome = CandidateOutcome.objects.select_for_update().get(pk=voting_round.winner_id)
    alliance = outcome.alliance
    if alliance is None:
        alliance = alliance_for_outcome(site=membership.site, purpose=outcome.statement)
        outcome.alliance = alliance
        outcome.save(update_fields=["alliance"])
    return alliance_join(alliance=alliance, membership=membership, pledge=pledge)
