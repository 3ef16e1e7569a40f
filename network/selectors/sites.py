"""Every read of pilot sites, people, alliances and meetings.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from network.models import Agency, Membership, PilotSite, User
from network.roles import LEADERS, can_create_site

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def membership_get(*, user: User, site_slug: str) -> Membership:
    """The person's own live membership of the site, with its site and agency; a 404 when there is none.

    Every site page pays for this, so it is kept cheap: `get` rather than `first`, as a person has at most
    one membership of a site (membership_unique_per_site) and `first` would sort by Meta.ordering, a join
    to the user; and the user is not joined at all, since it is the one asked about, already in hand.
    """
    try:
        membership = Membership.objects.select_related("site", "agency").get(
            user=user, site__slug=site_slug, archived_at__isnull=True
        )
    except Membership.DoesNotExist:
        raise Http404(_("No such pilot site")) from None
    membership.user = user
    return membership


def site_create_allowed(*, user: User, memberships: Iterable[Membership] | None = None) -> bool:
    """Whether this person may set up a new pilot site (the rule is roles.can_create_site). `memberships`: their
    live memberships (`memberships_for_user`), when the page has read them already, saving a query."""
    if memberships is None:
        roles = list(Membership.objects.filter(user=user, archived_at__isnull=True).values_list("role", flat=True))
    else:
        roles = [membership.role for membership in memberships]
    return can_create_site(roles=roles, is_staff=user.is_staff, self_service=settings.SELF_SERVICE_SITES)


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    # The agency too: the home page says "You are a leader for <agency> in <site>" on every card.
    return (
        Membership.objects.filter(user=user, archived_at__isnull=True)
        .select_related("site", "agency")
        .order_by("site__name")
    )


class _LeaderCount(TypedDict):
    leader_count: int


if TYPE_CHECKING:  # django-stubs' form of an annotated model; at run time it takes one argument only
    AgencyWithLeaders = WithAnnotations[Agency, _LeaderCount]


def agencies_for_site(*, site: PilotSite) -> QuerySet[AgencyWithLeaders]:
    """The site's agencies in use, each with its number of leaders still in the site."""
    return (
        site.agencies.filter(archived_at__isnull=True)
        .annotate(leader_count=Count("members", filter=Q(members__archived_at__isnull=True, members__role__in=LEADERS)))
        .order_by("name")
    )


def people_for_site(*, site: PilotSite) -> QuerySet[Membership]:
    return (
        site.memberships.filter(archived_at__isnull=True)
        .select_related("user", "agency")
        # By role, then name (the database's copy of the user's name: one index serves it, see Membership), then
        # pk: a stable order to page by, as names repeat.
        .order_by("role", "user_name", "pk")
    )
