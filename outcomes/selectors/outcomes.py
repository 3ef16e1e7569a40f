"""Reads of candidate outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _

from network.models import Agency, Membership, PilotSite
from network.paging import ListPage, page_of
from outcomes.access import RoundCounts
from outcomes.models import CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeList:
    #: A page of the outcomes (PAGE_SIZE of them, newest first), and the count of them all.
    outcomes: ListPage[CandidateOutcome]
    #: Outcome id -> its rounds, what `access.editable_outcome_ids` needs to ask no more queries.
    rounds: dict[int, RoundCounts]


def outcomes_for_site(*, site: PilotSite, page: object = 1) -> OutcomeList:
    """A page of the site's outcomes still in play or adopted (withdrawn and merged ones drop out), newest first.

    Each carries `co_proposer_names` and `agency_names`, read here so the page's cards ask nothing of a related
    manager: a page of outcomes, not all of them, as 200 outcomes' cards were most of the page.
    """
    found = page_of(
        site.candidate_outcomes.filter(withdrawn_at__isnull=True, merged_into__isnull=True)
        .select_related("proposed_by__user", "proposed_by__agency")
        .annotate(
            open_rounds=Count("rounds", filter=Q(rounds__status=VotingRound.Status.OPEN)),
            opened_rounds=Count("rounds", filter=~Q(rounds__status=VotingRound.Status.DRAFT)),
        )
        .order_by("-created_at", "-pk"),
        page=page,
    )
    outcomes = found.rows
    prefetch_related_objects(
        outcomes,
        # Into lists (to_attr), not through a related manager per outcome: making 100 managers cost ~10 ms.
        Prefetch("co_proposers", queryset=Membership.objects.select_related("user"), to_attr="co_proposer_list"),
        Prefetch("agencies", queryset=Agency.objects.order_by("name"), to_attr="agency_list"),
    )
    for outcome in outcomes:
        annotated = cast("Any", outcome)
        annotated.co_proposer_names = [m.user.name for m in annotated.co_proposer_list]
        annotated.agency_names = ", ".join(a.name for a in annotated.agency_list)
    return OutcomeList(
        outcomes=cast("ListPage[CandidateOutcome]", found),
        rounds={o.pk: RoundCounts(open=o.open_rounds, opened=o.opened_rounds) for o in cast("list[Any]", outcomes)},
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
