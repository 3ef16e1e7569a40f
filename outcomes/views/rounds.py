"""Voting round pages: set up and open, the ballot, close, commit and adopt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap

from network.access import site_view
from network.errors import DomainError
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from outcomes import selectors, services
from outcomes.access import MANAGERS, VOTERS, RoundAccess, can_see_voters, can_vote
from outcomes.forms import BallotForm, CommitForm, MoveForm, RoundForm
from outcomes.models import VotingRound


def _round_url(membership: Membership, round_id: int) -> HttpResponse:
    return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=round_id)


@require_POST
@site_view(MANAGERS)
def round_create(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """Create a round from the form: open at once, or keep it as a draft."""
    # Settings left out of the post take their defaults, so a bare title opens a Schulze round.
    defaults = {name: field.initial for name, field in RoundForm.base_fields.items() if field.initial is not None}
    form = RoundForm(defaults | request.POST.dict())
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect("outcomes:outcome-list", site_slug=membership.site.slug)
    as_draft = request.POST.get("action") == "draft"
    create = services.round_create if as_draft else services.round_create_and_open
    try:
        voting_round = create(membership=membership, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("outcomes:outcome-list", site_slug=membership.site.slug)
    if as_draft:
        messages.success(request, gettext("The round is saved as a draft. Open it when you are ready."))
    else:
        messages.success(request, gettext("The round is open. Leaders can now vote."))
    return _round_url(membership, voting_round.pk)


@require_POST
@site_view(MANAGERS)
def round_open_draft(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    try:
        services.round_open_draft(voting_round=voting_round, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, gettext("The round is open. Leaders can now vote."))
    return _round_url(membership, voting_round.pk)


@site_view()
def round_detail(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """A round as it stands: a draft, the ballot (for a leader) while open, or the result once closed."""
    # The result shows no agency's figures (the system view does): its stored result is read without them.
    voting_round = selectors.round_get(site=membership.site, round_id=round_id, agencies=False)
    context: dict[str, object] = {
        "membership": membership,
        "site": membership.site,
        "round": voting_round,
        "access": RoundAccess.of(membership, voting_round),
    }
    if voting_round.is_closed:
        if request.method == "POST":
            messages.error(request, gettext("This round has closed; ballots can no longer change."))
            return _round_url(membership, voting_round.pk)
        page = selectors.result_page(voting_round=voting_round, membership=membership)
        context |= {"result": page.result, "adopted": page.adopted, "joined": page.joined, "invited": page.invited}
        context["commit_form"] = CommitForm()
        context["adopted_forms"] = [(outcome, CommitForm.for_adopted(outcome)) for outcome in page.adopted]
        return render_page(request, "outcomes/round_detail.html", context)
    if voting_round.is_open:
        if can_vote(membership):
            return _ballot(request, membership, voting_round, context)
        context["ballot_count"] = selectors.round_ballot_count(voting_round=voting_round)
    if request.method == "POST":
        raise PermissionDenied(
            gettext("This round has not opened yet.") if voting_round.is_draft else gettext("Only leaders vote.")
        )
    return render_page(request, "outcomes/round_detail.html", context)


def _ballot(
    request: AuthenticatedHttpRequest, membership: Membership, voting_round: VotingRound, context: dict[str, object]
) -> HttpResponse:
    """The leader's ballot: shown, saved whole, or changed by one move up or down."""
    candidates = selectors.round_ballot_candidates(voting_round=voting_round)
    if request.method != "POST":
        current = selectors.own_ballot(voting_round=voting_round, voter=membership)
        initial = BallotForm.initial_for(current)
        form = BallotForm(voting_round=voting_round, candidates=candidates, initial=initial)
        return _ballot_page(request, context, form, saved=current.exists)
    move = MoveForm(request.POST, candidates=candidates) if voting_round.is_ranked and "move" in request.POST else None
    form = BallotForm(request.POST, voting_round=voting_round, candidates=candidates, require_choice=move is None)
    shown = _ballot_save(voting_round=voting_round, voter=membership, form=form, move=move, context=context)
    if shown is None:
        return _ballot_page(request, context, form, saved=False, status=422)
    if not request.htmx:
        messages.success(request, gettext("Your ballot is saved. You can change it until the round closes."))
        response = _round_url(membership, voting_round.pk)
        if move is not None:  # back to the row that moved, so a keyboard user carries on from there
            response["Location"] += f"#row-{move.outcome_id:d}"
        return response
    if move is not None:
        context["moved"] = move.cleaned_data["move"]
    elif "had_errors" not in request.POST:
        # Saved as shown: the ballot on the screen is already what was saved, so only its status changes
        # (out of band). Re-drawing every outcome's row was most of a ballot post's time. A ballot that
        # was shown with errors is re-drawn whole, to clear them.
        status = render_to_string("outcomes/round_detail.html#ballot-status", {"has_ballot": True, "oob": True})
        return reswap(HttpResponse(status + _ballot_count_oob(request, context, voting_round)), "none")
    return _ballot_page(request, context, shown, saved=True)


def _ballot_save(
    *,
    voting_round: VotingRound,
    voter: Membership,
    form: BallotForm,
    move: MoveForm | None,
    context: dict[str, object],
) -> BallotForm | None:
    """Save the posted ballot, or the ranking after a move; the form to show next, or None with errors on `form`.

    Saved, the count of ballots the save returned goes into `context`, so the page does not count them again.
    """
    if move is not None and not move.is_valid():
        form.add_error(None, gettext("That move is not possible."))
        return None
    if not form.is_valid():
        return None
    ranks = form.ranks()
    if move is not None:
        ranks = services.ranks_after_move([c.pk for c in form.candidates], ranks, move.outcome_id, move.direction)
    try:
        saved = services.ballot_submit(
            voting_round=voting_round, voter=voter, ranks=ranks, points=form.points(), energy=form.energy()
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    context["ballot_count"] = saved.ballot_count
    return form.with_ranks(ranks) if move is not None else form


def _ballot_page(
    request: AuthenticatedHttpRequest,
    context: dict[str, object],
    form: BallotForm,
    *,
    saved: bool,
    status: int = 200,
) -> HttpResponse:
    # Counted only for a page that shows it: a ballot saved by htmx answers with its status alone.
    form.moved = str(context.get("moved", ""))
    if "ballot_count" not in context:
        context["ballot_count"] = selectors.round_ballot_count(voting_round=form.voting_round)
    context |= {"form": form, "has_ballot": saved}
    response = render_page(request, "outcomes/round_detail.html", context, partial="ballot", status=status)
    if request.htmx and saved:  # the count of leaders who have voted, above the ballot, now counts this one
        response.content += _ballot_count_oob(request, context, form.voting_round).encode()
    return response


def _ballot_count_oob(request: AuthenticatedHttpRequest, context: dict[str, object], voting_round: VotingRound) -> str:
    """The "N leaders have voted so far" line, to swap out of band after a ballot is saved."""
    count = context.get("ballot_count")
    if count is None:
        count = selectors.round_ballot_count(voting_round=voting_round)
    return render_to_string(
        "outcomes/round_detail.html#ballot-count",
        {**context, "ballot_count": count, "oob": True},
        request=request,
    )


@site_view(MANAGERS)
@require_http_methods(["GET", "POST"])
def round_close(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """GET asks "Are you sure"; only a POST from that page (confirm=yes) closes. Any other POST shows the question."""
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.round_close(voting_round=voting_round, membership=membership)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("The round is closed and counted."))
        return _round_url(membership, voting_round.pk)
    if request.method == "POST":
        return redirect("outcomes:round-close", site_slug=membership.site.slug, round_id=voting_round.pk)
    ballots = selectors.round_ballot_count(voting_round=voting_round)
    context = {
        "membership": membership,
        "site": membership.site,
        "caption": voting_round.title,
        "heading": gettext("Are you sure you want to close this round?"),
        "consequences": [
            ngettext(
                "the %(count)s ballot cast so far is counted now, and the result is shown",
                "the %(count)s ballots cast so far are counted now, and the result is shown",
                ballots,
            )
            % {"count": ballots},
            gettext("nobody can vote or change their ballot after this"),
        ],
        "warning": gettext("You cannot undo this: a closed round cannot be reopened or changed."),
        "action_url": request.path,
        "button_label": gettext("Yes, close the round and count it"),
        "back_url": reverse("outcomes:round-detail", args=[membership.site.slug, voting_round.pk]),
        "back_label": gettext("No, keep voting open"),
    }
    return render_page(request, "confirm.html", context)


@require_POST
@site_view(VOTERS)
def outcome_commit(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Keep your pledge to one line of 280 characters or fewer."))
        return _round_url(membership, round_id)
    try:
        services.outcome_commit(
            voting_round=voting_round,
            membership=membership,
            pledge=form.cleaned_data["pledge"],
            outcome_id=form.cleaned_data["outcome"],
        )
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, gettext("You have joined the alliance. Welcome."))
    return redirect("network:alliance-detail", site_slug=membership.site.slug)


def _outcome_id(request: AuthenticatedHttpRequest) -> int | None:
    try:
        return int(request.POST["outcome"])
    except (KeyError, ValueError):
        return None


@require_POST
@site_view(MANAGERS)
def outcome_adopt(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    outcome_id = _outcome_id(request)
    try:
        if outcome_id is None:
            raise DomainError(gettext("Choose an outcome to adopt."))
        outcome = services.outcome_adopt(voting_round=voting_round, outcome_id=outcome_id, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if voting_round.is_secret:
            text = gettext(
                "“%(statement)s” is adopted. Every leader who voted in this secret round is invited to join its "
                "alliance."
            )
        else:
            text = gettext(
                "“%(statement)s” is adopted. Every leader who said they would commit energy to it is invited to "
                "join its alliance."
            )
        messages.success(request, text % {"statement": outcome.statement})
    return _round_url(membership, voting_round.pk)


@site_view()
def round_voters(request: AuthenticatedHttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """Who has voted (enablers always; others when names are shown), and how, when the round shows names."""
    voting_round = selectors.round_get(site=membership.site, round_id=round_id, with_result=False)
    if not can_see_voters(membership, voting_round):
        raise PermissionDenied(gettext("Only enablers see who has voted in this round."))
    # Each outcome's id and statement: all the ballots shown say of them.
    candidates = selectors.round_ballot_candidates(voting_round=voting_round)
    context = {
        "membership": membership,
        "site": membership.site,
        "round": voting_round,
        "voters": selectors.round_voters(
            voting_round=voting_round,
            candidates=candidates,
            query=request.GET.get("q", ""),
            page=request.GET.get("page", 1),
        ),
    }
    # A search or a page link sent by htmx swaps only the list of voters.
    return render_page(request, "outcomes/round_voters.html", context, partial="voters-list")
