"""Reads for managing people and agencies: one person or agency of a site, who is still to be invited,
archives and the activity log, and whose email preferences a signed link opens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet, Window
from django.http import Http404

from network import tokens
from network.models import ActivityEntry, Agency, ImportBatch, InvitationStatus, Membership, PilotSite, User
from network.paging import MAX_PAGE, PAGE_SIZE, ListPage, PageLink, clean_query, page_of
from network.selectors.sites import memberships_for_user, people_for_site

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def site_member_get(*, site: PilotSite, membership_id: int) -> Membership:
    """A person of this site, removed or not; anyone else's id is a 404."""
    membership = site.memberships.select_related("user", "agency", "site").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such person in this site")
    return membership


def site_agency_get(*, site: PilotSite, agency_id: int) -> Agency:
    agency = site.agencies.select_related("site").filter(pk=agency_id).first()
    if agency is None:
        raise Http404("No such agency in this site")
    return agency


def agency_choices(*, site: PilotSite) -> QuerySet[Agency]:
    """The agencies a person can be put in: the site's own, not archived."""
    return site.agencies.filter(archived_at__isnull=True).order_by("name")


def archived_people_for_site(*, site: PilotSite) -> QuerySet[Membership]:
    return site.memberships.filter(archived_at__isnull=False).select_related("user", "agency").order_by("user__name")


def archived_agencies_for_site(*, site: PilotSite) -> QuerySet[Agency]:
    return site.agencies.filter(archived_at__isnull=False).order_by("name")


def activity_for_site(*, site: PilotSite, limit: int = 200) -> QuerySet[ActivityEntry]:
    return site.activity.select_related("actor").order_by("-created_at", "-pk")[:limit]


def import_batch_get(*, site: PilotSite, user: User, batch_id: int) -> ImportBatch:
    """An upload awaiting confirmation, only for the enabler who made it, in the site it was made for."""
    batch = ImportBatch.objects.filter(pk=batch_id, site=site, created_by=user, confirmed_at__isnull=True).first()
    if batch is None:
        raise Http404("No such upload")
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
        people=page_of(people.order_by("role", "user__name", "pk"), page=page, query=query),
        invitable=invitable_for_site(site=site).exclude(pk=viewer.pk).count(),
    )


def membership_for_unsubscribe_token(token: str) -> Membership | None:
    """Whose email preferences a signed link from an email opens, or None for a link that is not ours."""
    membership_id = tokens.unsubscribe_token_read(token)
    if membership_id is None:
        return None
    return Membership.objects.select_related("user", "site").filter(pk=membership_id).first()


class _Matches(TypedDict):
    matches: int


if TYPE_CHECKING:  # a person with the count of everyone their search matched (django-stubs' annotated model)
    MembershipInSearch = WithAnnotations[Membership, _Matches]


PEOPLE_PAGE_SIZE = PAGE_SIZE  # people per page: what a person reads, whatever the site's size


@dataclass(frozen=True)
class PeoplePage:
    """One page of the people of a site that match a search (all of them when the search is empty)."""

    people: list[MembershipInSearch]
    total: int
    number: int
    pages: int
    query: str

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def links(self) -> list[PageLink]:
        """Page numbers as GOV.UK shows them: the first, the last, the current one and its neighbours."""
        shown = sorted({1, self.pages, self.number - 1, self.number, self.number + 1} & set(range(1, self.pages + 1)))
        links: list[PageLink] = []
        for number in shown:
            if links and number - links[-1].number > 1:
                links.append(PageLink(0))
            links.append(PageLink(number, current=number == self.number))
        return links if self.pages > 1 else []


def people_page_for_site(*, site: PilotSite, query: str = "", page: str | int = 1) -> PeoplePage:
    """A page of the site's people, searched by name, email, role title or agency.

    One query whatever the site's size: the page's rows (LIMIT/OFFSET), each carrying the count of
    every match (a window over the whole search, computed before the LIMIT), so the page has no
    separate COUNT. A page past the end (or not a number) shows the last page (or the first), never
    an error; only that case costs a second query.
    """
    query = clean_query(query)
    people = people_for_site(site=site)
    if query:
        people = people.filter(
            Q(user__name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(role_title__icontains=query)
            | Q(agency__name__icontains=query)
        )
    # pk: a stable order to page by, as names repeat.
    people = people.annotate(matches=Window(Count("pk"))).order_by("role", "user__name", "pk")
    try:
        number = min(max(1, int(page)), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows = _people_page_rows(people, number)
    if not rows and number > 1:
        number = max(1, -(-people.count() // PEOPLE_PAGE_SIZE))
        rows = _people_page_rows(people, number)
    total = rows[0].matches if rows else 0
    pages = max(1, -(-total // PEOPLE_PAGE_SIZE))
    return PeoplePage(people=rows, total=total, number=number, pages=pages, query=query)


def _people_page_rows(people: QuerySet[MembershipInSearch], number: int) -> list[MembershipInSearch]:
    start = (number - 1) * PEOPLE_PAGE_SIZE
    return list(people[start : start + PEOPLE_PAGE_SIZE])
