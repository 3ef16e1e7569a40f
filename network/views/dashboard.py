"""Who is missing: the enabler's dashboard of sectors, agencies and people not yet there."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from network.access import ENABLERS, site_view
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.dashboard import LIST_LIMIT, dashboard_for_site


@site_view(ENABLERS)
def site_dashboard(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    context = {
        "membership": membership,
        "site": membership.site,
        "dashboard": dashboard_for_site(site=membership.site),
        "limit": LIST_LIMIT,
        # Built once, not per row: an agency's link is this and its id.
        "agency_url": reverse("network:agency-edit", args=[membership.site.slug, 0]).removesuffix("0/"),
    }
    return render_page(request, "network/site_dashboard.html", context)
