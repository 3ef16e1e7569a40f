"""A site's activity log: who changed what, and the people and agencies removed, to restore."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse

from network.access import ENABLERS, site_view
from network.http import AuthenticatedHttpRequest, render_page
from network.models import Membership
from network.selectors.people import activity_for_site, archived_agencies_for_site, archived_people_page


@site_view(ENABLERS)
def site_activity(request: AuthenticatedHttpRequest, membership: Membership) -> HttpResponse:
    site = membership.site
    context = {
        "membership": membership,
        "site": site,
        "entries": activity_for_site(site=site),
        "archived_people": archived_people_page(site=site, page=request.GET.get("page", 1)),
        "archived_agencies": archived_agencies_for_site(site=site),
        # Built once, not per row: where each is restored is this and their id.
        "member_url": reverse("network:member-edit", args=[site.slug, 0]).removesuffix("0/"),
        "agency_url": reverse("network:agency-edit", args=[site.slug, 0]).removesuffix("0/"),
    }
    # A page link sent by htmx swaps only the list of removed people and archived agencies.
    return render_page(request, "network/site_activity.html", context, partial="archived")
