"""Every read of pilot sites, people, alliances and meetings.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from network.models import Alliance, AllianceMember, Membership, PilotSite


def alliance_current(*, site: PilotSite) -> Alliance | None:
    """The site's newest alliance: the one formed around the latest outcome adopted."""
    return site.alliances.order_by("-created_at", "-pk").first()


def alliance_current_for(*, membership: Membership) -> tuple[Alliance | None, bool]:
    """The newest alliance of the person's site (`alliance_current`), and whether they are a member, in one query."""
    belongs = AllianceMember.objects.filter(alliance=OuterRef("pk"), membership=membership)
    alliance = (
        Alliance.objects.filter(site_id=membership.site_id)
        .annotate(has_member=Exists(belongs))
        .order_by("-created_at", "-pk")
        .first()
    )
    return alliance, bool(alliance is not None and alliance.has_member)


def alliance_members(*, alliance: Alliance) -> QuerySet[AllianceMember]:
    return alliance.members.select_related("membership__user", "membership__agency").order_by("membership__user__name")
