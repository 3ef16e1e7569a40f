"""Voting round pages: set up and open, the ballot, close, commit and adopt."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from network.access import site_view
from network.errors import DomainError
from network.models import AllianceMember, Membership
from outcomes import selectors, services
from outcomes.access import MANAGERS, VOTERS, RoundAccess, can_see_voters, can_vote
from outcomes.forms import BallotForm, CommitForm, RoundForm
from outcomes.models import BallotRank, Energy, VotingRound


def _round_url(membership: Membership, round_id: int) -> HttpResponse:
    return redirect("outcomes:round-detail", site_slug=membership.site.slug, round_id=round_id)


@require_POST
@site_view(MANAGERS)
def round_create(request: HttpRequest, membership: Membership) -> HttpResponse:
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
        messages.success(request, "The round is saved as a draft. Open it when you are ready.")
    else:
        messages.success(request, "The round is open. Leaders can now vote.")
    return _round_url(membership, voting_round.pk)


@require_POST
@site_view(MANAGERS)
def round_open_draft(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    try:
        services.round_open_draft(voting_round=voting_round, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The round is open. Leaders can now vote.")
    return _round_url(membership, voting_round.pk)


@site_view()
def round_detail(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    site = membership.site
    voting_round = selectors.round_get(site=site, round_id=round_id)
    context: dict[str, object] = {
        "membership": membership,
        "site": site,
        "round": voting_round,
        "access": RoundAccess.of(membership, voting_round),
    }
    if voting_round.is_draft:
        if request.method == "POST":
            raise PermissionDenied("This round has not opened yet.")
        return render(request, "outcomes/round_detail.html", context)
    if voting_round.is_open:
        context["ballot_count"] = selectors.round_ballot_count(voting_round=voting_round)
        if can_vote(membership):
            return _ballot(request, membership, voting_round, context)
        if request.method == "POST":
            raise PermissionDenied("Only leaders vote.")
        return render(request, "outcomes/round_detail.html", context)
    if request.method == "POST":
        messages.error(request, "This round has closed; ballots can no longer change.")
        return _round_url(membership, voting_round.pk)
    candidates = list(voting_round.candidates.all())
    result = selectors.round_result(voting_round=voting_round, candidates=candidates)
    context["result"] = result
    adopted = [entry.outcome for entry in result.ranking if entry.outcome.adopted_at is not None]
    context["adopted"] = adopted
    if can_vote(membership):
        alliance_ids = [o.alliance_id for o in [result.winner, *adopted] if o is not None and o.alliance_id]
        context["joined"] = set(
            AllianceMember.objects.filter(alliance_id__in=alliance_ids, membership=membership).values_list(
                "alliance_id", flat=True
            )
        )
        # Only this leader's own energy, to tell them they are invited.
        context["invited"] = set(
            BallotRank.objects.filter(
                ballot__round=voting_round,
                ballot__voter=membership,
                outcome__in=adopted,
                energy__gte=Energy.SOME,
            ).values_list("outcome_id", flat=True)
        )
    context["commit_form"] = CommitForm()
    return render(request, "outcomes/round_detail.html", context)


def _ballot(
    request: HttpRequest, membership: Membership, voting_round: VotingRound, context: dict[str, object]
) -> HttpResponse:
    candidates = selectors.round_candidates(voting_round=voting_round)
    current = selectors.own_ballot(voting_round=voting_round, voter=membership)
    initial: dict[str, object] = {f"rank_{o}": str(r) for o, r in current.ranks.items()}
    initial |= {f"score_{o}": str(p) for o, p in current.points.items()}
    initial |= {f"dots_{o}": p for o, p in current.points.items()}
    initial |= {f"approve_{o}": True for o, p in current.points.items() if p}
    initial |= {f"energy_{o}": str(e) for o, e in current.energy.items()}
    form = BallotForm(request.POST or None, voting_round=voting_round, candidates=candidates, initial=initial)
    status = 200
    saved = current.exists
    moved: int | None = None
    if request.method == "POST":
        move = request.POST.get("move", "")
        if move:
            form.require_choice = False
        if form.is_valid():
            try:
                if move and voting_round.is_ranked:
                    direction, _, outcome_id = move.partition(":")
                    moved = int(outcome_id or 0)
                    ranks = services.ranks_after_move([c.pk for c in candidates], form.ranks(), moved, direction)
                    services.ballot_submit(
                        voting_round=voting_round, voter=membership, ranks=ranks, energy=form.energy()
                    )
                    data = request.POST.copy()
                    for c in candidates:
                        data[f"rank_{c.pk}"] = str(ranks.get(c.pk, ""))
                    form = BallotForm(data, voting_round=voting_round, candidates=candidates)
                    context["moved"] = move
                else:
                    services.ballot_submit(
                        voting_round=voting_round,
                        voter=membership,
                        ranks=form.ranks(),
                        points=form.points(),
                        energy=form.energy(),
                    )
            except (DomainError, ValueError) as error:
                form.add_error(None, getattr(error, "message", "That move is not possible."))
                status = 422
                saved = False
            else:
                if not request.htmx:  # type: ignore[attr-defined]
                    messages.success(request, "Your ballot is saved. You can change it until the round closes.")
                    response = _round_url(membership, voting_round.pk)
                    if moved is not None:  # back to the row that moved, so a keyboard user carries on from there
                        response["Location"] += f"#row-{moved:d}"
                    return response
                saved = True
                context["saved"] = True
        else:
            status = 422
            saved = False
    context.update({"form": form, "has_ballot": saved})
    template = "outcomes/round_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#ballot"
    return render(request, template, context, status=status)


@require_POST
@site_view(MANAGERS)
def round_close(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    try:
        services.round_close(voting_round=voting_round, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The round is closed and counted.")
    return _round_url(membership, voting_round.pk)


def _outcome_id(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["outcome"])
    except (KeyError, ValueError):
        return None


@require_POST
@site_view(VOTERS)
def outcome_commit(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep your pledge to one line of 280 characters or fewer.")
        return _round_url(membership, round_id)
    try:
        services.outcome_commit(
            voting_round=voting_round,
            membership=membership,
            pledge=form.cleaned_data["pledge"],
            outcome_id=_outcome_id(request),
        )
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, "You have joined the alliance. Welcome.")
    return redirect("network:alliance-detail", site_slug=membership.site.slug)


@require_POST
@site_view(MANAGERS)
def outcome_adopt(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    outcome_id = _outcome_id(request)
    try:
        if outcome_id is None:
            raise DomainError("Choose an outcome to adopt.")
        outcome = services.outcome_adopt(voting_round=voting_round, outcome_id=outcome_id, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"“{outcome.statement}” is adopted. Every leader who said they would commit energy to it "
            "is invited to join its alliance.",
        )
    return _round_url(membership, voting_round.pk)


@site_view()
def round_voters(request: HttpRequest, membership: Membership, round_id: int) -> HttpResponse:
    """Who has voted (enablers always; others when names are shown), and how, when the round shows names."""
    voting_round = selectors.round_get(site=membership.site, round_id=round_id)
    if not can_see_voters(membership, voting_round):
        raise PermissionDenied("Only enablers see who has voted in this round.")
    candidates = selectors.round_candidates(voting_round=voting_round)
    context = {
        "membership": membership,
        "site": membership.site,
        "round": voting_round,
        "voters": selectors.round_voters(voting_round=voting_round, candidates=candidates),
    }
    return render(request, "outcomes/round_voters.html", context)
