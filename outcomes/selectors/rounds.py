"""Reads of candidate outcomes, rounds and a leader's own ballot."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from network.models import Agency, Membership, PilotSite
from outcomes.models import Ballot, CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeSummary:
    candidate_count: int
    open_round: VotingRound | None
    latest_closed: VotingRound | None


def site_outcome_summary(*, site: PilotSite) -> OutcomeSummary:
    # Drafts are left out, so any number of them cannot push the open round off the list;
    # only one round is open at a time, and it is the one opened last.
    rounds = list(
        site.voting_rounds.exclude(status=VotingRound.Status.DRAFT)
        .select_related("winner")
        .order_by("-opened_at", "-pk")[:2]
    )
    return OutcomeSummary(
        candidate_count=site.candidate_outcomes.active().count(),
        open_round=next((r for r in rounds if r.is_open), None),
        latest_closed=next((r for r in rounds if r.is_closed), None),
    )


def outcomes_for_site(*, site: PilotSite) -> QuerySet[CandidateOutcome]:
    """Every outcome of the site still in play or adopted (withdrawn and merged ones drop out)."""
    return (
        site.candidate_outcomes.filter(withdrawn_at__isnull=True, merged_into__isnull=True)
        .select_related("proposed_by__user", "proposed_by__agency")
        .prefetch_related(
            Prefetch("co_proposers", queryset=Membership.objects.select_related("user")),
            Prefetch("agencies", queryset=Agency.objects.order_by("name")),
        )
        # What access.editable_outcome_ids needs, so the list asks can_edit_outcome's rule with no query per outcome.
        .annotate(
            open_rounds=Count("rounds", filter=Q(rounds__status=VotingRound.Status.OPEN)),
            opened_rounds=Count("rounds", filter=~Q(rounds__status=VotingRound.Status.DRAFT)),
        )
        .order_by("-created_at", "-pk")
    )


def outcome_get(*, site: PilotSite, outcome_id: int) -> CandidateOutcome:
    outcome = (
        CandidateOutcome.objects.select_related("site", "proposed_by")
        .prefetch_related("agencies")
        .filter(pk=outcome_id, site=site)
        .first()
    )
    if outcome is None:
        raise Http404("No such outcome")
    return outcome


def rounds_for_site(*, site: PilotSite) -> QuerySet[VotingRound]:
    return site.voting_rounds.select_related("winner").annotate(ballot_count=Count("ballots"))


def round_get(*, site: PilotSite, round_id: int) -> VotingRound:
    voting_round = VotingRound.objects.select_related("site", "winner").filter(pk=round_id, site=site).first()
    if voting_round is None:
        raise Http404("No such voting round")
    return voting_round


def round_candidates(*, voting_round: VotingRound) -> list[CandidateOutcome]:
    return list(voting_round.candidates.order_by("pk"))


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


def round_ballot_count(*, voting_round: VotingRound) -> int:
    return voting_round.ballots.count()


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


def _order(entry) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return (entry.rank or 10_000, -(entry.points or 0))


def _describe(voting_round: VotingRound, entry, by_id: dict[int, str]) -> str:  # type: ignore[no-untyped-def]
    statement = by_id.get(entry.outcome_id, "")
    energy = {1: "; some energy", 2: "; a lot of energy"}.get(entry.energy, "")
    if voting_round.is_ranked:
        head = f"{entry.rank}. {statement}" if entry.rank else f"Unranked: {statement}"
    elif voting_round.method == "approval":
        head = f"Approved: {statement}" if entry.points else f"{statement}"
    elif voting_round.method == "dots":
        head = f"{entry.points or 0} dots: {statement}"
    else:
        head = f"Score {entry.points or 0}: {statement}"
    return head + energy
