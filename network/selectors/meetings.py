"""Every read of pilot sites, people, alliances and meetings.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from network.models import Alliance, AllianceMember, Meeting, PilotSite


def meetings_for_alliance(*, alliance: Alliance) -> QuerySet[Meeting]:
    return alliance.meetings.annotate(going_count=Count("responses", filter=Q(responses__rsvp="going"))).order_by(
        "starts_at"
    )


def meeting_get(*, site: PilotSite, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("alliance__site").filter(pk=meeting_id, alliance__site=site).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


@dataclass(frozen=True)
class AttendeeRow:
    member_id: int
    name: str
    email: str
    agency: str
    sector: str
    role_title: str
    rsvp: str
    rsvp_label: str


_RSVP_LABELS = {"going": "Going", "maybe": "Maybe", "not_going": "Not going", "": "No reply"}


def meeting_attendee_rows(*, meeting: Meeting) -> list[AttendeeRow]:
    """Every alliance member with their reply to this meeting, in one query."""
    members = (
        AllianceMember.objects.filter(alliance_id=meeting.alliance_id)
        .select_related("membership__user", "membership__agency")
        .prefetch_related(Prefetch("responses", queryset=meeting.responses.all(), to_attr="meeting_responses"))
        .order_by("membership__user__name", "pk")
    )
    rows = []
    for member in members:
        membership = member.membership
        agency = membership.agency
        responses = member.meeting_responses
        rsvp = responses[0].rsvp if responses else ""
        rows.append(
            AttendeeRow(
                member_id=member.pk,
                name=membership.user.name,
                email=membership.user.email,
                agency=agency.name if agency else "",
                sector=agency.get_sector_display() if agency else "",
                role_title=membership.role_title,
                rsvp=rsvp,
                rsvp_label=_RSVP_LABELS[rsvp],
            )
        )
    return rows
