"""Result downloads and the system view of a closed round."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext

from network.access import site_view
from network.csv_cells import SafeWriter
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from outcomes import selectors
from outcomes.models import VotingRound
from outcomes.result_schema import StoredResult


def _closed_round(membership: Membership, round_id: int, *, agencies: bool = True) -> VotingRound:
    """The closed round, or 404; `agencies=False` for a download that shows no agency's figures (`round_get`)."""
    voting_round = selectors.round_get(site=membership.site, round_id=round_id, agencies=agencies)
    if not voting_round.is_closed:
        raise Http404(gettext("This round has no result yet"))
    return voting_round


@site_view()
def round_results_csv(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """The result table as CSV: totals per outcome only, never anyone's ballot."""
    voting_round = _closed_round(membership, round_id, agencies=False)
    result = selectors.round_result(voting_round=voting_round)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(voting_round.title) or 'round'}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeWriter(response)  # outcome text is a leader's own words
    writer.writerow(
        [
            gettext("Position"),
            gettext("Outcome"),
            gettext("Tied"),
            result.figure_label,
            gettext("Supporters"),
            gettext("Energy: some"),
            gettext("Energy: a lot"),
        ]
    )
    tied, not_tied = pgettext("tied, in the results export", "yes"), pgettext("tied, in the results export", "no")
    for entry in result.ranking:
        writer.writerow(
            [
                entry.position,
                entry.outcome.statement,
                tied if entry.tied else not_tied,
                entry.figure,
                entry.supporters,
                entry.energy_some,
                entry.energy_a_lot,
            ]
        )
    return response


@site_view()
def round_pairwise_csv(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """The whole head-to-head table as CSV (the page shows its top): counts of ballots, never anyone's ballot."""
    voting_round = _closed_round(membership, round_id, agencies=False)
    rows = selectors.round_pairwise(voting_round=voting_round)
    if not rows:
        raise Http404(gettext("Only a Schulze round has a head-to-head table"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(voting_round.title) or 'round'}-head-to-head.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeWriter(response)
    # Each cell: how many leaders preferred the row's outcome to the column's (the other way is the mirror cell).
    writer.writerow(
        [gettext("Leaders preferring the row's outcome to the column's")] + [row.outcome.statement for row in rows]
    )
    writer.writerows([row.outcome.statement] + ["" if cell is None else cell[1] for cell in row.cells] for row in rows)
    return response


@site_view()
def round_support_csv(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """The system view's whole support table as CSV (the page draws the top outcomes): for every agency and
    sector, the leaders who voted and how many supported each outcome. Groups as the page shows them (a secret
    round's small ones merged), never anyone's ballot."""
    voting_round = _closed_round(membership, round_id)
    stored = StoredResult.from_round(voting_round)  # read once, for the ranking and every group's support
    result = selectors.round_result(voting_round=voting_round, stored=stored)
    ranked = [entry.outcome for entry in result.ranking]
    support = stored.support
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(voting_round.title) or 'round'}-support.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeWriter(response)
    writer.writerow([gettext("Kind"), gettext("Group"), gettext("Leaders who voted")] + [o.statement for o in ranked])
    for kind, groups in ((gettext("Sector"), support.sectors), (gettext("Agency"), support.agencies)):
        writer.writerows([kind, g.name, g.voters] + [g.support.get(o.pk, 0) for o in ranked] for g in groups)
    return response


@site_view()
def round_system(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = _closed_round(membership, round_id)
    candidates = selectors.round_candidates(voting_round=voting_round)
    stored = StoredResult.from_round(voting_round)  # read once, for the ranking and every group's support
    result = selectors.round_result(voting_round=voting_round, candidates=candidates, stored=stored)
    ranked = [entry.outcome for entry in result.ranking]
    context = {
        "membership": membership,
        "site": membership.site,
        "round": voting_round,
        "result": result,
        "view": selectors.system_view(voting_round=voting_round, ranked=ranked, stored=stored),
    }
    return render_page(request, "outcomes/round_system.html", context)
