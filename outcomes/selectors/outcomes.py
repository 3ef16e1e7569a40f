"""Reads of candidate outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from network.models import PilotSite
from network.paging import PAGE_SIZE, CountOf, ListPage, page_number
from outcomes.access import RoundCounts
from outcomes.models import CandidateOutcome, VotingRound


@dataclass(frozen=True)
class OutcomeCard:
    """One outcome as the list's card shows it, read as plain values (what `access.editable_outcome_ids` asks
    of an outcome included)."""

    pk: int
    site_id: int
    statement: str
    why_it_matters: str
    proposed_by_id: int | None
    proposer_name: str  # "" for a former member
    proposer_agency: str
    alliance_id: int | None
    is_active: bool
    co_proposer_names: list[str]
    agency_names: str  # ", " between them, by name


@dataclass(frozen=True)
class OutcomeList:
    #: A page of the outcomes (PAGE_SIZE of them, newest first), and the count of them all.
    outcomes: ListPage[OutcomeCard]
    #: Outcome id -> its rounds, what `access.editable_outcome_ids` needs to ask no more queries.
    rounds: dict[int, RoundCounts]


_CARD_VALUES = (
    "pk",
    "site_id",
    "statement",
    "why_it_matters",
    "proposed_by_id",
    "proposed_by__user__name",
    "proposed_by__agency__name",
    "alliance_id",
    "open_rounds",
    "opened_rounds",
)


def outcomes_for_site(*, site: PilotSite, page: object = 1) -> OutcomeList:
    """A page of the site's outcomes still in play or adopted (withdrawn and merged ones drop out), newest first,
    in three queries: the page (with the count of them all), and its co-proposers' and agencies' names.

    Plain values, not outcomes with their proposer, user and agency, co-proposers and agencies: building some
    500 model instances was most of the selector's time for a page of 50.
    """
    listed = (
        site.candidate_outcomes.filter(withdrawn_at__isnull=True, merged_into__isnull=True)
        .annotate(
            open_rounds=Count("rounds", filter=Q(rounds__status=VotingRound.Status.OPEN)),
            opened_rounds=Count("rounds", filter=~Q(rounds__status=VotingRound.Status.DRAFT)),
        )
        .order_by("-created_at", "-pk")
    )
    # As `page_of` pages, with each row carrying the count of them all; named values, not outcomes.
    values = listed.annotate(list_matches=CountOf(listed)).values_list(*_CARD_VALUES, "list_matches", named=True)
    number = page_number(page)
    rows = list(values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if not rows and number > 1:  # past the end: the last page
        number = max(1, -(-listed.count() // PAGE_SIZE))
        rows = list(values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    total = rows[0].list_matches if rows else 0
    ids = [row.pk for row in rows]
    co_proposers: dict[int, list[str]] = {pk: [] for pk in ids}
    agencies: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        through = CandidateOutcome.co_proposers.through.objects.filter(candidateoutcome_id__in=ids)
        for outcome_id, name in through.order_by("membership__user__name", "membership_id").values_list(
            "candidateoutcome_id", "membership__user__name"
        ):
            co_proposers[outcome_id].append(name)
        touched = CandidateOutcome.agencies.through.objects.filter(candidateoutcome_id__in=ids)
        for outcome_id, name in touched.order_by("agency__name", "agency_id").values_list(
            "candidateoutcome_id", "agency__name"
        ):
            agencies[outcome_id].append(name)
    cards = [
        OutcomeCard(
            pk=row.pk,
            site_id=row.site_id,
            statement=row.statement,
            why_it_matters=row.why_it_matters,
            proposed_by_id=row.proposed_by_id,
            proposer_name=row.proposed_by__user__name or "",
            proposer_agency=row.proposed_by__agency__name or "",
            alliance_id=row.alliance_id,
            is_active=row.alliance_id is None,  # withdrawn and merged ones are not listed (`is_active`)
            co_proposer_names=co_proposers[row.pk],
            agency_names=", ".join(agencies[row.pk]),
        )
        for row in rows
    ]
    return OutcomeList(
        outcomes=ListPage(rows=cards, total=total, number=number, pages=max(1, -(-total // PAGE_SIZE)), query=""),
        rounds={row.pk: RoundCounts(open=row.open_rounds, opened=row.opened_rounds) for row in rows},
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
