"""What the base template needs on every page, under names no view uses.

The header's site link and the site's navigation come from the membership that `site_view` resolved
for this request, not from a view's `site` or `membership`: a view whose context happens to hold
something else by that name (django.contrib.auth's sign-in page puts the current `Site` there) cannot
break the header.
"""

from __future__ import annotations

from django.http import HttpRequest

from network.models import Membership


def site_navigation(request: HttpRequest) -> dict[str, Membership | None]:
    return {"site_nav": getattr(request, "site_membership", None)}
