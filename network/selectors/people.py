"""Reads for managing people and agencies: one person or agency of a site, who is still to be invited,
archives and the activity log, and whose email preferences a signed link opens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from network import activity_text, tokens
from network.models import Agency, ImportBatch, InvitationStatus, Membership, PilotSite, User
from network.paging import ListPage, clean_query, page_of
from network.selectors.sites import memberships_for_user, people_for_site


def site_member_get(*, site: PilotSite, membership_id: int) -> Membership:
    """A person of this site, removed or not; anyone else's id is a 404."""
    membership = site.memberships.select_related("user", "agency", "site").filter(pk=membership_id).first()
    if membership is None:
        raise Http404(_("No such person in this site"))
    return membership


def site_agency_get(*, site: PilotSite, agency_id: int) -> Agency:
    agency = site.agencies.select_related("site").filter(pk=agency_id).first()
    if agency is None:
        raise Http404(_("No such agency in this site"))
    return agency


def agency_choices(*, site: PilotSite) -> QuerySet[Agency]:
    """The agencies a person can be put in: the site's own, not archived."""
    return site.agencies.filter(archived_at__isnull=True).order_by("name")


def archived_people_for_site(*, site: PilotSite) -> QuerySet[Membership]:
    return site.memberships.filter(archived_at__isnull=False).select_related("user", "agency").order_by("user__name")


def archived_people_page(*, site: PilotSite, page: object = 1) -> ListPage[Membership]:
    """A page of the people removed from the site, by name (one query, as `page_of`): a site removes people
    over the years, and the activity page lists them to restore, 50 at a time."""
    return page_of(archived_people_for_site(site=site).order_by("user_name", "pk"), page=page)


def archived_agencies_for_site(*, site: PilotSite) -> QuerySet[Agency]:
    return site.agencies.filter(archived_at__isnull=False).order_by("name")


class LogLine(NamedTuple):
    """A line of the activity log as the page shows it: when, who (empty: nobody, or a person since deleted), and
    what, in the reader's language."""

    created_at: dt.datetime
    actor_name: str
    summary_text: str


def activity_for_site(*, site: PilotSite, limit: int = 200) -> list[LogLine]:
    """The site's latest activity, newest first: the four columns shown, not 200 entries and their users."""
    rows = site.activity.order_by("-created_at", "-pk").values_list("created_at", "actor__name", "params", "summary")
    return [
        LogLine(created_at, actor_name or "", activity_text.shown(params, summary))
        for created_at, actor_name, params, summary in rows[:limit]
    ]


def import_batch_get(*, site: PilotSite, user: User, batch_id: int) -> ImportBatch:
    """An upload awaiting confirmation, only for the enabler who made it, in the site it was made for."""
    batch = ImportBatch.objects.filter(pk=batch_id, site=site, created_by=user, confirmed_at__isnull=True).first()
    if batch is None:
        raise Http404(_("No such upload"))
    return batch


def landing_site_for(*, user: User, site_slug: str = "") -> PilotSite | None:
    """Where a link signs someone in to: the site it was sent for, or their only site."""
    memberships = list(memberships_for_user(user=user)[:2])
    for membership in memberships:
        if membership.site.slug == site_slug:
            return membership.site
    return memberships[0].site if len(memberships) == 1 else None


def invitable_for_site(*, site: PilotSite) -> QuerySet[Membership]:
    """Everyone in the site who has not been invited yet, or whose invitation failed."""
    return site.memberships.filter(
        archived_at__isnull=True, invitation_status__in=[InvitationStatus.PENDING, InvitationStatus.FAILED]
    )


@dataclass(frozen=True)
class InvitationList:
    """The invitations page: a page of everyone but the enabler looking, and how many are still to be invited."""

    people: ListPage[Membership]
    invitable: int


def invitation_list_for_site(
    *, site: PilotSite, viewer: Membership, query: str = "", page: object = 1
) -> InvitationList:
    """An enabler is signed in already and never invites themself, so they are left out.

    The page shows 50 people who match the search (by name, email, role title or agency); the
    count still to be invited is of everyone, as "invite everyone" invites them all.
    """
    query = clean_query(query)
    people = people_for_site(site=site).exclude(pk=viewer.pk)
    if query:
        people = people.filter(
            Q(user__name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(role_title__icontains=query)
            | Q(agency__name__icontains=query)
        )
    return InvitationList(
        people=page_of(people, page=page, query=query),
        invitable=invitable_for_site(site=site).exclude(pk=viewer.pk).count(),
    )


def membership_for_unsubscribe_token(token: str) -> Membership | None:
    """Whose email preferences a signed link from an email opens, or None for a link that is not ours."""
    membership_id = tokens.unsubscribe_token_read(token)
    if membership_id is None:
        return None
    return Membership.objects.select_related("user", "site").filter(pk=membership_id).first()


def people_page_for_site(*, site: PilotSite, query: str = "", page: str | int = 1) -> ListPage[Membership]:
    """A page of the site's people, searched by name, email, role title or agency (network/paging.py: one
    query whatever the site's size)."""
    query = clean_query(query)
    people = people_for_site(site=site)
    if query:
        people = people.filter(
            Q(user__name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(role_title__icontains=query)
            | Q(agency__name__icontains=query)
        )
    return page_of(people, page=page, query=query)  # in people_for_site's order, which an index serves
