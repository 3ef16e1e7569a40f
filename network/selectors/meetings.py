"""Every read of meetings: lists, one meeting, its attendee rows, and the streamed export.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from network.models import (
    Alliance,
    AllianceMember,
    Meeting,
    MeetingAttendance,
    MeetingResponse,
    PilotSite,
    Sector,
)


def meetings_for_alliance(*, alliance: Alliance) -> QuerySet[Meeting]:
    return alliance.meetings.annotate(
        going_count=Count("responses", filter=Q(responses__rsvp="going", responses__waitlisted_at__isnull=True))
    ).order_by("starts_at")


def meetings_for_site(*, site: PilotSite) -> QuerySet[Meeting]:
    return Meeting.objects.filter(alliance__site=site).select_related("alliance__site").order_by("starts_at")


def meeting_get(*, site: PilotSite, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("alliance__site").filter(pk=meeting_id, alliance__site=site).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def meeting_is_open_for_replies(*, meeting: Meeting) -> bool:
    return meeting.cancelled_at is None and meeting.starts_at > timezone.now()


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
    waitlisted: bool = False
    attended: bool = False
    walk_in: bool = False


_RSVP_LABELS = {"going": "Going", "maybe": "Maybe", "not_going": "Not going", "": "No reply"}
_SECTORS = dict(Sector.choices)
WAITING_LIST_LABEL = "Waiting list"


def _rsvp_label(rsvp: str, waitlisted: bool) -> str:
    return WAITING_LIST_LABEL if waitlisted else _RSVP_LABELS[rsvp or ""]


def meeting_attendee_rows(*, meeting: Meeting, search: str = "") -> list[AttendeeRow]:
    """Every alliance member with their reply and attendance, in a fixed number of queries."""
    members = (
        AllianceMember.objects.filter(alliance_id=meeting.alliance_id)
        .select_related("membership__user", "membership__agency")
        .prefetch_related(Prefetch("responses", queryset=meeting.responses.all(), to_attr="meeting_responses"))
        .annotate(was_there=Exists(MeetingAttendance.objects.filter(meeting=meeting, member=OuterRef("pk"))))
        .order_by("membership__user__name", "pk")
    )
    if search.strip():
        words = search.strip()
        members = members.filter(
            Q(membership__user__name__icontains=words)
            | Q(membership__user__email__icontains=words)
            | Q(membership__agency__name__icontains=words)
        )
    rows = []
    for member in members:
        membership = member.membership
        agency = membership.agency
        responses = member.meeting_responses
        rsvp = responses[0].rsvp if responses else ""
        waitlisted = bool(responses and responses[0].waitlisted_at is not None)
        rows.append(
            AttendeeRow(
                member_id=member.pk,
                name=membership.user.name,
                email=membership.user.email,
                agency=agency.name if agency else "",
                sector=agency.get_sector_display() if agency else "",
                role_title=membership.role_title,
                rsvp=rsvp,
                rsvp_label=_rsvp_label(rsvp, waitlisted),
                waitlisted=waitlisted,
                attended=member.was_there,
            )
        )
    return rows


def meeting_walk_ins(*, meeting: Meeting) -> QuerySet[MeetingAttendance]:
    return meeting.attendances.filter(member__isnull=True).order_by("walk_in_name", "pk")


EXPORT_HEADER = ["Name", "Email", "Agency", "Sector", "Role", "RSVP", "Attended", "Walk-in"]


def meeting_export_rows(*, meeting: Meeting, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The attendee list as rows of text, streamed from the database in chunks.

    `.iterator()` uses a server-side cursor on PostgreSQL, so memory stays flat
    however many rows there are; walk-ins follow the invitees.
    """
    # Joins, not a subquery per row: PostgreSQL then sorts once and streams, as its own COPY would.
    members = (
        AllianceMember.objects.filter(alliance_id=meeting.alliance_id)
        .annotate(
            reply=FilteredRelation("responses", condition=Q(responses__meeting=meeting)),
            presence=FilteredRelation("attendances", condition=Q(attendances__meeting=meeting)),
        )
        .order_by("membership__user__name", "pk")
        .values_list(
            "membership__user__name",
            "membership__user__email",
            "membership__agency__name",
            "membership__agency__sector",
            "membership__role_title",
            "reply__rsvp",
            "reply__waitlisted_at",
            "presence__id",
        )
    )
    for name, email, agency, sector, role, rsvp, waitlisted, was_there in members.iterator(chunk_size=chunk_size):
        yield [
            name,
            email,
            agency or "",
            _SECTORS.get(sector, "") if sector else "",
            role,
            _rsvp_label(rsvp or "", waitlisted is not None),
            "Yes" if was_there is not None else "No",
            "No",
        ]
    walk_ins = meeting_walk_ins(meeting=meeting).values_list("walk_in_name", "walk_in_email", "walk_in_agency")
    for name, email, agency in walk_ins.iterator(chunk_size=chunk_size):
        yield [name, email, agency, "", "", "", "Yes", "Yes"]


def rsvp_member_get(*, meeting_id: int, member_id: int) -> tuple[Meeting, AllianceMember] | None:
    """The meeting and invitee a signed RSVP link names, if both still exist and belong together."""
    # Someone removed from the site can no longer reply from an old email.
    member = (
        AllianceMember.objects.select_related("membership__user", "alliance__site")
        .filter(pk=member_id, membership__archived_at__isnull=True)
        .first()
    )
    meeting = Meeting.objects.select_related("alliance__site").filter(pk=meeting_id).first()
    if member is None or meeting is None or member.alliance_id != meeting.alliance_id:
        return None
    return meeting, member


def member_rsvp(*, meeting: Meeting, member: AllianceMember) -> MeetingResponse | None:
    return MeetingResponse.objects.filter(meeting=meeting, member=member).first()


def meeting_present_count(*, meeting: Meeting) -> int:
    return meeting.attendances.count()
