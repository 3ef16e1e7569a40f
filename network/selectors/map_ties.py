"""Where the living map's ties come from: one list of tie sources, each reading the site's own records.

`tie_sources()` is the seam: a new kind of tie (commitments made "with" someone, for one) is one more
`TieSource` in `TIE_SOURCES`, with a key, a label and a function that reads its ties in a fixed number
of queries. Everything downstream (analysis, summary, exports, the page's table) takes its sources from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from network.map_analysis import AgencyInfo, Person, PersonTie
from network.models import (
    Agency,
    AllianceMember,
    Commitment,
    MeetingAttendance,
    MeetingResponse,
    Membership,
    RelationshipAnswer,
    Rsvp,
)
from outcomes.selectors.for_network import proposal_teams


class TieSource(NamedTuple):
    key: str
    label: StrPromise
    # (site id, now) -> the ties it finds, between membership ids
    collect: Callable[[int, dt.datetime], Iterable[PersonTie]]


def _together(source: str, ids: Iterable[int], when: dt.datetime) -> Iterator[PersonTie]:
    for a, b in combinations(sorted(set(ids)), 2):
        yield PersonTie(a, b, source, when)


def meeting_ties(site_id: int, now: dt.datetime) -> Iterator[PersonTie]:
    """People at the same meeting: those ticked off as there, or, where nobody took attendance, those who
    had a place. Only meetings that have started and were not cancelled. Two queries."""
    held = Q(meeting__site_id=site_id, meeting__cancelled_at__isnull=True, meeting__starts_at__lte=now)
    present: dict[int, tuple[dt.datetime, list[int]]] = {}
    for meeting_id, starts_at, membership_id in MeetingAttendance.objects.filter(
        held, membership__isnull=False
    ).values_list("meeting_id", "meeting__starts_at", "membership_id"):
        present.setdefault(meeting_id, (starts_at, []))[1].append(membership_id)
    going: dict[int, tuple[dt.datetime, list[int]]] = {}
    for meeting_id, starts_at, membership_id in MeetingResponse.objects.filter(
        held, rsvp=Rsvp.GOING, waitlisted_at__isnull=True
    ).values_list("meeting_id", "meeting__starts_at", "membership_id"):
        if meeting_id not in present:
            going.setdefault(meeting_id, (starts_at, []))[1].append(membership_id)
    for starts_at, ids in [*present.values(), *going.values()]:
        yield from _together("meeting", ids, starts_at)


def alliance_ties(site_id: int, now: dt.datetime) -> Iterator[PersonTie]:
    """People who pledged to the same outcome, and so are in the same alliance, since the later joined. One query."""
    members: dict[int, list[tuple[int, dt.datetime]]] = {}
    for alliance_id, membership_id, joined_at in AllianceMember.objects.filter(alliance__site_id=site_id).values_list(
        "alliance_id", "membership_id", "joined_at"
    ):
        members.setdefault(alliance_id, []).append((membership_id, joined_at))
    for rows in members.values():
        for (a, joined_a), (b, joined_b) in combinations(sorted(rows), 2):
            if a != b:
                yield PersonTie(a, b, "alliance", max(joined_a, joined_b))


def proposal_ties(site_id: int, now: dt.datetime) -> Iterator[PersonTie]:
    """People credited with proposing the same outcome (through outcomes' seam). Two queries."""
    for team in proposal_teams(site_id=site_id):
        yield from _together("proposal", team.membership_ids, team.proposed_at)


def checkin_ties(site_id: int, now: dt.datetime) -> Iterator[PersonTie]:
    """Each check-in answer, with its trust: private to the enablers at the person level. One query."""
    for respondent, partner, updated_at, trust in RelationshipAnswer.objects.filter(
        respondent__site_id=site_id
    ).values_list("respondent_id", "partner_id", "updated_at", "trust"):
        yield PersonTie(respondent, partner, "checkin", updated_at, trust)


def commitment_ties(site_id: int, now: dt.datetime) -> Iterator[PersonTie]:
    """A commitment made "with" someone ties its owner to them, from the day it was made; made "with" an
    agency, to each of the agency's current people. Dropped commitments too: the working together was
    planned. Three queries."""
    in_site = Q(commitment__member__alliance__site_id=site_id)
    for owner, partner, made_at in Commitment.with_members.through.objects.filter(in_site).values_list(
        "commitment__member__membership_id", "membership_id", "commitment__created_at"
    ):
        if owner != partner:
            yield PersonTie(owner, partner, "commitment", made_at)
    named: dict[int, list[tuple[int, dt.datetime]]] = {}
    for owner, agency_id, made_at in Commitment.with_agencies.through.objects.filter(in_site).values_list(
        "commitment__member__membership_id", "agency_id", "commitment__created_at"
    ):
        named.setdefault(agency_id, []).append((owner, made_at))
    if not named:
        return
    for membership_id, agency_id in Membership.objects.filter(
        site_id=site_id, archived_at__isnull=True, agency_id__in=named
    ).values_list("pk", "agency_id"):
        for owner, made_at in named[agency_id]:
            if owner != membership_id:
                yield PersonTie(owner, membership_id, "commitment", made_at)


TIE_SOURCES: tuple[TieSource, ...] = (
    TieSource("meeting", _("At the same meeting"), meeting_ties),
    TieSource("alliance", _("Pledged to the same outcome (same alliance)"), alliance_ties),
    TieSource("proposal", _("Proposed an outcome together"), proposal_ties),
    TieSource("checkin", _("Relationship check-in"), checkin_ties),
    TieSource("commitment", _("A commitment made with them"), commitment_ties),
)


def tie_sources() -> tuple[TieSource, ...]:
    """Every source of ties, in the order the page lists them."""
    return TIE_SOURCES


def tie_source_labels() -> dict[str, StrPromise]:
    return {source.key: source.label for source in TIE_SOURCES}


def ties_for_site(*, site_id: int, now: dt.datetime) -> list[PersonTie]:
    return [tie for source in tie_sources() for tie in source.collect(site_id, now)]


def map_people(*, site_id: int) -> tuple[list[Person], list[AgencyInfo]]:
    """The site's current people and agencies, as the analysis takes them. Two queries."""
    agencies = [
        AgencyInfo(pk, name, sector)
        for pk, name, sector in Agency.objects.filter(site_id=site_id, archived_at__isnull=True).values_list(
            "pk", "name", "sector"
        )
    ]
    live = {a.id: a for a in agencies}
    people = []
    for pk, name, email, agency_id in Membership.objects.filter(site_id=site_id, archived_at__isnull=True).values_list(
        "pk", "user__name", "user__email", "agency_id"
    ):
        agency = live.get(agency_id) if agency_id is not None else None
        people.append(Person(pk, name or email, agency.id if agency else None, agency.sector if agency else ""))
    return people, agencies
