"""Candidate outcome pages: the list (propose, open a round), edit, withdraw, merge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.access import require_role, site_view
from network.errors import DomainError
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from outcomes import selectors, services
from outcomes.access import MANAGERS, PROPOSERS, can_edit_outcome, can_manage, can_propose, editable_outcome_ids
from outcomes.cards import outcome_cards_html
from outcomes.forms import MergeForm, OutcomeForm, RoundForm


@site_view()
def outcome_list(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    form = OutcomeForm(request.POST or None, site=site)
    if request.method == "POST":
        require_role(membership, PROPOSERS)
        if form.is_valid():
            try:
                services.outcome_propose(membership=membership, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Thank you: your outcome is now a candidate."))
                return redirect("outcomes:outcome-list", site_slug=site.slug)
    listed = selectors.outcomes_for_site(site=site, page=request.GET.get("page", 1))
    editable = editable_outcome_ids(outcomes=listed.outcomes.rows, rounds=listed.rounds, membership=membership)
    context = {
        "membership": membership,
        "site": site,
        "form": form,
        "can_propose": can_propose(membership),
        "can_manage": can_manage(membership),
        "outcomes": listed.outcomes,
        "outcome_cards": outcome_cards_html(
            listed.outcomes.rows, site_slug=site.slug, editable=editable, can_manage=can_manage(membership)
        ),
        "rounds": selectors.rounds_for_site(site=site),
        "round_form": RoundForm() if can_manage(membership) else None,
    }
    # A page link sent by htmx swaps only the list of candidates.
    partial = "candidates" if request.method == "GET" else None
    return render_page(
        request, "outcomes/outcome_list.html", context, partial=partial, status=422 if form.errors else 200
    )


@site_view(PROPOSERS)
def outcome_edit(request: AuthenticatedHttpRequest, membership: Membership, outcome_id: int) -> HttpResponse:
    site = membership.site
    outcome = selectors.outcome_get(site=site, outcome_id=outcome_id)
    can_edit = can_edit_outcome(outcome=outcome, membership=membership)
    initial = {
        "statement": outcome.statement,
        "why_it_matters": outcome.why_it_matters,
        "agencies": list(outcome.agencies.all()),
    }
    form = OutcomeForm(request.POST or None, site=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_edit(outcome=outcome, membership=membership, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The outcome is updated."))
            return redirect("outcomes:outcome-list", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "outcome": outcome,
        "form": form,
        "can_edit": can_edit,
        "merge_form": MergeForm(outcome=outcome) if can_manage(membership) and outcome.is_active else None,
    }
    return render_page(request, "outcomes/outcome_edit.html", context, status=422 if form.errors else 200)


@require_POST
@site_view(MANAGERS)
def outcome_withdraw(request: AuthenticatedHttpRequest, membership: Membership, outcome_id: int) -> HttpResponse:
    outcome = selectors.outcome_get(site=membership.site, outcome_id=outcome_id)
    try:
        services.outcome_withdraw(outcome=outcome, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("outcomes:outcome-edit", site_slug=membership.site.slug, outcome_id=outcome.pk)
    messages.success(request, _("“%(statement)s” is withdrawn from later rounds.") % {"statement": outcome.statement})
    return redirect("outcomes:outcome-list", site_slug=membership.site.slug)


@require_POST
@site_view(MANAGERS)
def outcome_merge(request: AuthenticatedHttpRequest, membership: Membership, outcome_id: int) -> HttpResponse:
    outcome = selectors.outcome_get(site=membership.site, outcome_id=outcome_id)
    form = MergeForm(request.POST, outcome=outcome)
    if form.is_valid():
        try:
            into = services.outcome_merge(duplicate=outcome, into=form.cleaned_data["into"], membership=membership)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Merged into “%(statement)s”; both proposers are credited.") % {"statement": into.statement}
            )
            return redirect("outcomes:outcome-list", site_slug=membership.site.slug)
    else:
        messages.error(request, _("Choose the outcome to merge into."))
    return redirect("outcomes:outcome-edit", site_slug=membership.site.slug, outcome_id=outcome.pk)
