"""Pilot sites: your sites, setting one up, and a site's overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from network import selectors, services
from network.access import site_view
from network.forms.sites import SiteForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.actions import open_actions_for_user
from network.selectors.meetings import upcoming_meetings_for_membership
from network.selectors.overview import site_overview
from outcomes.selectors import for_network


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_user(user=request.user)
    context = {
        "memberships": memberships,
        "may_create_site": selectors.site_create_allowed(user=request.user),
        "actions": open_actions_for_user(user=request.user),
        "today": timezone.localdate(),
    }
    return render_page(request, "network/home.html", context)


@login_required
def site_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.site_create_allowed(user=request.user):
        raise PermissionDenied
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = services.site_create(creator=request.user, **form.cleaned_data)
        messages.success(request, _("%(site)s is set up. Add its agencies and leaders next.") % {"site": site.name})
        return redirect("network:site-people", site_slug=site.slug)
    return render_page(request, "network/site_create.html", {"form": form})


@site_view()
def site_detail(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    alliance = selectors.alliance_current(site=site)
    outcomes = for_network.site_outcomes(site=site)
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        "meetings": upcoming_meetings_for_membership(membership=membership, limit=5),
        "outcomes": outcomes,
        "overview": site_overview(membership=membership, outcomes=outcomes, alliance=alliance),
    }
    return render_page(request, "network/site_detail.html", context)
