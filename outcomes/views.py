from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from network.access import ENABLERS, LEADERS, PROPOSERS, require_role, site_view
from network.errors import DomainError
from network.models import Membership
from network.selectors import alliance_member_for
from outcomes import selectors, services
from outcomes.forms import BallotForm, CommitForm, OutcomeForm, RoundForm
from outcomes.models import VotingRound


@site_view()
def outcome_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        require_role(membership, PROPOSERS)
        if form.is_valid():
            try:
                services.outcome_propose(membership=membership, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, "Thank you: your outcome is now a candidate.")
                return redirect("outcomes:outcome-list", site_slug=site.slug)
    context = {
        "membership": membership,
        "site": site,
        "form": form,
        "can_propose": membership.role in PROPOSERS,
        "outcomes": selectors.outcomes_for_site(site=site),
        "rounds": selectors.rounds_for_site(site=site),
        "round_form": RoundForm() if membership.role in ENABLERS else None,
    }
    return render(request, "outcomes/outcome_list.html", context, status=422 if form.errors else 200)


@require_POST
@site_view(ENABLERS)
def round_open(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the round a title.")
        return redirect("outcomes:outcome-list", site_slug=membership.site.slug)
    try:
        voting_round = services.round_open(membership=membership, title=form.cleaned_data["title"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("outcomes:outcome-list", site_slug=membership.site.slug)
    messages.success(request, "The round is open. Leaders can now rank the outcomes.")
    return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=voting_round.pk)


@site_view()
def round_detail(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    site = membership.site
    voting_round = selectors.round_get(site=site, round_id=round_id)
    context: dict[str, object] = {"membership": membership, "site": site, "round": voting_round}
    if voting_round.is_open:
        context["ballot_count"] = selectors.round_ballot_count(voting_round=voting_round)
        if membership.role in LEADERS:
            return _ballot(request, membership, voting_round, context)
        return render(request, "outcomes/round_detail.html", context)
    result = selectors.round_result(voting_round=voting_round)
    context["result"] = result
    if result.winner is not None and result.winner.alliance_id and membership.role in LEADERS:
        context["alliance_member"] = alliance_member_for(alliance=result.winner.alliance, membership=membership)  # type: ignore[arg-type]
    context["commit_form"] = CommitForm()
    return render(request, "outcomes/round_detail.html", context)


def _ballot(
    request: HttpRequest, membership: Membership, voting_round: VotingRound, context: dict[str, object]
) -> HttpResponse:
    candidates = selectors.round_candidates(voting_round=voting_round)
    current = selectors.ballot_ranks_for(voting_round=voting_round, voter=membership)
    initial = {f"rank_{outcome_id}": str(rank) for outcome_id, rank in current.items()}
    form = BallotForm(request.POST or None, candidates=candidates, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ballot_submit(voting_round=voting_round, voter=membership, ranks=form.ranks())
            except DomainError as error:
                form.add_error(None, error.message)
                status = 422
            else:
                if not request.htmx:  # type: ignore[attr-defined]
                    messages.success(request, "Your ballot is saved. You can change it until the round closes.")
                    return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=voting_round.pk)
                context["saved"] = True
        else:
            status = 422
    context.update({"form": form, "has_ballot": bool(current) or context.get("saved", False)})
    template = "outcomes/round_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#ballot"
    return render(request, template, context, status=status)


@require_POST
@site_view(ENABLERS)
def round_close(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    try:
        services.round_close(voting_round=voting_round, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The round is closed and counted.")
    return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=voting_round.pk)


@require_POST
@site_view(LEADERS)
def outcome_commit(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep your pledge to one line of 280 characters or fewer.")
        return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=round_id)
    try:
        services.outcome_commit(voting_round=voting_round, membership=membership, pledge=form.cleaned_data["pledge"])
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "You have joined the alliance. Welcome.")
    return redirect("network:alliance-detail", site_slug=membership.site.slug)
