from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from network import selectors, services
from network.access import ENABLERS, require_role, site_view
from network.errors import DomainError
from network.forms import AgencyForm, MemberForm, SiteForm, add_domain_error
from network.models import Membership, User
from network.selectors.meetings import meetings_for_membership
from outcomes.selectors import for_network


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    memberships = selectors.memberships_for_user(user=user)
    return render(request, "network/home.html", {"memberships": memberships})


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = services.site_create(creator=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, f"{site.name} is set up. Add its agencies and leaders next.")
        return redirect("network:site-people", site_slug=site.slug)
    return render(request, "network/site_create.html", {"form": form})


@site_view()
def site_detail(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        "meetings": meetings_for_membership(membership=membership).filter(
            cancelled_at__isnull=True, starts_at__gt=timezone.now()
        )[:5],
        "outcomes": for_network.site_outcomes(site=site),
    }
    return render(request, "network/site_detail.html", context)


@site_view()
def site_people(request: HttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    agency_form = AgencyForm(prefix="agency")
    member_form = MemberForm(site=site, prefix="member")
    if request.method == "POST":
        require_role(membership, ENABLERS)
        if "agency-name" in request.POST:
            agency_form = AgencyForm(request.POST, prefix="agency")
            if agency_form.is_valid():
                try:
                    agency = services.agency_create(
                        site=site,
                        actor=request.user,  # type: ignore[arg-type]
                        **agency_form.cleaned_data,
                    )
                except DomainError as error:
                    add_domain_error(agency_form, error)
                else:
                    messages.success(request, f"Added {agency.name}.")
                    if not request.htmx:  # type: ignore[attr-defined]
                        return redirect("network:site-people", site_slug=site.slug)
                    agency_form = AgencyForm(prefix="agency")
        else:
            member_form = MemberForm(request.POST, site=site, prefix="member")
            if member_form.is_valid():
                try:
                    added = services.member_add(
                        site=site,
                        actor=request.user,  # type: ignore[arg-type]
                        **member_form.cleaned_data,
                    )
                except DomainError as error:
                    add_domain_error(member_form, error)
                else:
                    messages.success(request, f"Added {added.user.name}. Invite them when you are ready.")
                    if not request.htmx:  # type: ignore[attr-defined]
                        return redirect("network:site-people", site_slug=site.slug)
                    member_form = MemberForm(site=site, prefix="member")
    context = {
        "membership": membership,
        "site": site,
        "agencies": selectors.agencies_for_site(site=site),
        "people": selectors.people_for_site(site=site),
        "agency_form": agency_form,
        "member_form": member_form,
    }
    template = "network/site_people.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#people-setup"
    status = 200 if not (agency_form.errors or member_form.errors) else 422
    return render(request, template, context, status=status if request.method == "POST" else 200)
