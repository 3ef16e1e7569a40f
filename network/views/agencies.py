"""Editing one agency of a site: rename it, change its sector, archive or restore it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.access import ENABLERS, site_view
from network.errors import DomainError
from network.forms import add_domain_error
from network.forms.agencies import AgencyForm
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.people import site_agency_get
from network.services import agencies


@site_view(ENABLERS)
@require_http_methods(["GET", "POST"])
def agency_edit(request: AuthenticatedHttpRequest, membership: Membership, agency_id: int) -> HttpResponse:
    site = membership.site
    agency = site_agency_get(site=site, agency_id=agency_id)
    form = AgencyForm(request.POST or None, initial={"name": agency.name, "sector": agency.sector})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "archive":
                agencies.agency_archive(agency=agency, actor=request.user)
                messages.success(request, _("Archived %(agency)s.") % {"agency": agency.name})
                return redirect("network:site-people", site_slug=site.slug)
            if action == "restore":
                agencies.agency_restore(agency=agency, actor=request.user)
                messages.success(request, _("Restored %(agency)s.") % {"agency": agency.name})
                return redirect("network:agency-edit", site_slug=site.slug, agency_id=agency.pk)
            if form.is_valid():
                agencies.agency_update(agency=agency, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Saved the changes to %(agency)s.") % {"agency": agency.name})
                return redirect("network:agency-edit", site_slug=site.slug, agency_id=agency.pk)
        except DomainError as error:
            add_domain_error(form, error)
    context = {"membership": membership, "site": site, "agency": agency, "form": form}
    return render_page(request, "network/agency_edit.html", context, status=422 if form.errors else 200)
