"""Pilot sites: your sites, setting one up, and a site's overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network import selectors, services
from network.access import ENABLERS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.sites import SiteForm, SiteSettingsForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.actions import open_actions_for_user
from network.selectors.alliances import alliance_current_for
from network.selectors.meetings import upcoming_meetings_for_membership
from network.selectors.overview import site_overview
from network.services.sites import SITE_SETTINGS_FIELDS, site_update
from outcomes.selectors import for_network


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_for_user(user=request.user))
    context = {
        "memberships": memberships,
        "may_create_site": selectors.site_create_allowed(user=request.user, memberships=memberships),
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
    alliance, in_alliance = alliance_current_for(membership=membership)
    outcomes = for_network.site_outcomes(site=site)
    context = {
        "membership": membership,
        "site": site,
        "alliance": alliance,
        "meetings": upcoming_meetings_for_membership(membership=membership, limit=5),
        "outcomes": outcomes,
        "overview": site_overview(membership=membership, outcomes=outcomes, alliance=alliance, in_alliance=in_alliance),
    }
    return render_page(request, "network/site_detail.html", context)


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def site_settings(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """The site's name and place, and its privacy notice: enablers only."""
    site = membership.site
    initial = {key: getattr(site, key) for key in SITE_SETTINGS_FIELDS}
    form = SiteSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site_update(site=site, actor=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved the settings of %(site)s.") % {"site": site.name})
            return redirect("network:site-settings", site_slug=site.slug)
    context = {"membership": membership, "site": site, "form": form}
    return render_page(request, "network/site_settings.html", context, status=422 if form.errors else 200)


@site_view()
def site_privacy(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    """The site's privacy notice, for everyone in it; what the enabler left empty reads from the service's own."""
    context = {"membership": membership, "site": membership.site}
    return render_page(request, "network/site_privacy.html", context)
