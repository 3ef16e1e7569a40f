"""Every read of candidate outcomes, rounds, ballots and results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from network.models import Membership, PilotSite
from outcomes.models import Ballot, CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeSummary:
    candidate_count: int
    open_round: VotingRound | None
    latest_closed: VotingRound | None


def site_outcome_summary(*, site: PilotSite) -> OutcomeSummary:
    rounds = list(site.voting_rounds.select_related("winner").order_by("-opened_at", "-pk")[:5])
    return OutcomeSummary(
        candidate_count=site.candidate_outcomes.count(),
        open_round=next((r for r in rounds if r.is_open), None),
        latest_closed=next((r for r in rounds if not r.is_open), None),
    )


def outcomes_for_site(*, site: PilotSite) -> QuerySet[CandidateOutcome]:
    return site.candidate_outcomes.select_related("proposed_by__user", "proposed_by__agency").order_by(
        "-created_at", "-pk"
    )


def rounds_for_site(*, site: PilotSite) -> QuerySet[VotingRound]:
    return site.voting_rounds.select_related("winner").annotate(ballot_count=Count("ballots"))


def round_get(*, site: PilotSite, round_id: int) -> VotingRound:
    voting_round = VotingRound.objects.select_related("site", "winner").filter(pk=round_id, site=site).first()
    if voting_round is None:
        raise Http404("No such voting round")
    return voting_round


def round_candidates(*, voting_round: VotingRound) -> list[CandidateOutcome]:
    return list(voting_round.candidates.order_by("pk"))


def ballot_ranks_for(*, voting_round: VotingRound, voter: Membership) -> dict[int, int]:
    ballot = Ballot.objects.filter(round=voting_round, voter=voter).prefetch_related("ranks").first()
    if ballot is None:
        return {}
    return {rank.outcome_id: rank.rank for rank in ballot.ranks.all()}


def round_ballot_count(*, voting_round: VotingRound) -> int:
    return voting_round.ballots.count()


@dataclass(frozen=True)
class RankedOutcome:
    position: int
    outcome: CandidateOutcome
    tied: bool


@dataclass(frozen=True)
class PairwiseRow:
    outcome: CandidateOutcome
    #: (opponent, votes for this outcome over the opponent, votes the other way), None on the diagonal
    cells: list[tuple[CandidateOutcome, int, int] | None]


@dataclass(frozen=True)
class RoundResult:
    ranking: list[RankedOutcome]
    pairwise: list[PairwiseRow]
    winner: CandidateOutcome | None
    tied_at_top: list[CandidateOutcome]
    ballot_count: int


def round_result(*, voting_round: VotingRound) -> RoundResult:
    """The stored result of a closed round, in a shape the result page can show."""
    by_id = {outcome.pk: outcome for outcome in voting_round.candidates.all()}
    ranking: list[RankedOutcome] = []
    position = 1
    for tier in voting_round.ranking:
        for outcome_id in tier:
            ranking.append(RankedOutcome(position=position, outcome=by_id[outcome_id], tied=len(tier) > 1))
        position += len(tier)
    order = [entry.outcome.pk for entry in ranking]
    ids = voting_round.pairwise.get("candidates", [])
    counts = voting_round.pairwise.get("counts", [])
    index = {outcome_id: i for i, outcome_id in enumerate(ids)}
    pairwise = []
    for row_id in order:
        cells: list[tuple[CandidateOutcome, int, int] | None] = []
        for col_id in order:
            if row_id == col_id:
                cells.append(None)
            else:
                i, j = index[row_id], index[col_id]
                cells.append((by_id[col_id], counts[i][j], counts[j][i]))
        pairwise.append(PairwiseRow(outcome=by_id[row_id], cells=cells))
    top = voting_round.ranking[0] if voting_round.ranking else []
    return RoundResult(
        ranking=ranking,
        pairwise=pairwise,
        winner=by_id.get(voting_round.winner_id) if voting_round.winner_id else None,
        tied_at_top=[by_id[i] for i in top] if len(top) > 1 else [],
        ballot_count=voting_round.ballots.count(),
    )
