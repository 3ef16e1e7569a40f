"""Every read of pilot sites, people, alliances and meetings.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from django.db.models import QuerySet

from network.models import Alliance, AllianceMember, PilotSite


def alliance_current(*, site: PilotSite) -> Alliance | None:
    """The site's newest alliance: the one formed around the latest outcome adopted."""
    return site.alliances.order_by("-created_at", "-pk").first()


def alliance_members(*, alliance: Alliance) -> QuerySet[AllianceMember]:
    return alliance.members.select_related("membership__user", "membership__agency").order_by("membership__user__name")
