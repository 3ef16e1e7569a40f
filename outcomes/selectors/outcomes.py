"""Reads of candidate outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from network.models import Agency, Membership, PilotSite
from outcomes.access import RoundCounts
from outcomes.models import CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeList:
    outcomes: list[CandidateOutcome]
    #: Outcome id -> its rounds, what `access.editable_outcome_ids` needs to ask no more queries.
    rounds: dict[int, RoundCounts]


def outcomes_for_site(*, site: PilotSite) -> OutcomeList:
    """Every outcome of the site still in play or adopted (withdrawn and merged ones drop out), newest first."""
    outcomes = list(
        site.candidate_outcomes.filter(withdrawn_at__isnull=True, merged_into__isnull=True)
        .select_related("proposed_by__user", "proposed_by__agency")
        .prefetch_related(
            Prefetch("co_proposers", queryset=Membership.objects.select_related("user")),
            Prefetch("agencies", queryset=Agency.objects.order_by("name")),
        )
        .annotate(
            open_rounds=Count("rounds", filter=Q(rounds__status=VotingRound.Status.OPEN)),
            opened_rounds=Count("rounds", filter=~Q(rounds__status=VotingRound.Status.DRAFT)),
        )
        .order_by("-created_at", "-pk")
    )
    return OutcomeList(
        outcomes=list(outcomes),
        rounds={o.pk: RoundCounts(open=o.open_rounds, opened=o.opened_rounds) for o in outcomes},
    )


def outcome_get(*, site: PilotSite, outcome_id: int) -> CandidateOutcome:
    outcome = (
        CandidateOutcome.objects.select_related("site", "proposed_by")
        .prefetch_related("agencies")
        .filter(pk=outcome_id, site=site)
        .first()
    )
    if outcome is None:
        raise Http404(_("No such outcome"))
    return outcome
