"""Reads of candidate outcomes."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from network.models import Agency, Membership, PilotSite
from outcomes.models import CandidateOutcome, VotingRound


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
