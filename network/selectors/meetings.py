"""Every read of meetings: lists, one meeting, its attendee rows, and the streamed export.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import IsNull
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from network import tokens
from network.models import (
    Alliance,
    AllianceMember,
    InvitationStatus,
    Meeting,
    MeetingAttendance,
    MeetingResponse,
    Membership,
    PilotSite,
    Rsvp,
    Sector,
)
from network.paging import PAGE_SIZE, CountOf, ListPage, clean_query, page_number
from network.roles import COORDINATORS


def _has_place(prefix: str = "") -> Q:
    """A reply that holds a place: going, and not on the waiting list. `prefix` reaches replies from another model."""
    return Q(**{f"{prefix}rsvp": Rsvp.GOING, f"{prefix}waitlisted_at__isnull": True})


def _waiting(prefix: str = "") -> Q:
    """A reply waiting for a place, from someone still in the site."""
    return Q(
        **{
            f"{prefix}rsvp": Rsvp.GOING,
            f"{prefix}waitlisted_at__isnull": False,
            f"{prefix}membership__archived_at__isnull": True,
        }
    )


def _count(rows: QuerySet[MeetingResponse]) -> Coalesce:
    """COUNT(*) of replies to the outer query's meeting (filtered by `meeting_id=OuterRef(...)`), as a subquery.

    COUNT(*) rather than COUNT(id): it reads nothing but the index the filter uses."""
    counted = rows.order_by().values("meeting_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def _places_taken(meeting_ref: OuterRef) -> CombinedExpression:
    """Places taken at the meeting `meeting_ref` names: those that count against its capacity, held by someone still
    in the site. In a time that does not grow with the site.

    Counted as every place held, less those held by people removed from the site: the first is read from the
    partial index of places held alone (meeting_response_place_idx), the second starts from the few removed
    people (membership_archived_idx). Joining every reply to its membership to read `archived_at` read the
    whole site's memberships for each meeting."""
    held = MeetingResponse.objects.filter(_has_place(), meeting_id=meeting_ref)
    return _count(held) - _count(held.filter(membership__archived_at__isnull=False))


# `_places_taken` and the waiting count again, as SQL over the meeting of a query of meetings (the table's own
# name is its alias at the top of a query; not for a subquery, where `_places_taken` serves): the same
# subqueries, on the same indexes, but building and compiling the ORM's expressions cost a page more than
# PostgreSQL takes to run them (the meeting page's meeting and places: 7,400 calls to Python functions, not
# 1,500). tests/network/test_meeting_replies.py holds the two to agree, meeting by meeting.
_PLACES_TAKEN_SQL = f"""(
    SELECT count(*) FROM network_meetingresponse r
    WHERE r.meeting_id = network_meeting.id AND r.rsvp = '{Rsvp.GOING.value}' AND r.waitlisted_at IS NULL
) - (
    SELECT count(*) FROM network_meetingresponse r JOIN network_membership p ON p.id = r.membership_id
    WHERE r.meeting_id = network_meeting.id AND r.rsvp = '{Rsvp.GOING.value}' AND r.waitlisted_at IS NULL
      AND p.archived_at IS NOT NULL
)"""  # noqa: S608 - made of constants
_WAITING_SQL = f"""(
    SELECT count(*) FROM network_meetingresponse r JOIN network_membership p ON p.id = r.membership_id
    WHERE r.meeting_id = network_meeting.id AND r.rsvp = '{Rsvp.GOING.value}' AND r.waitlisted_at IS NOT NULL
      AND p.archived_at IS NULL
)"""  # noqa: S608 - made of constants


def _places_taken_here() -> RawSQL:
    """Places taken at each meeting of a (top-level) query of meetings: `_places_taken(OuterRef("pk"))`."""
    return RawSQL(_PLACES_TAKEN_SQL, (), output_field=IntegerField())  # noqa: S611 - constants


def _waiting_here() -> RawSQL:
    """How many wait for a place at each meeting of a (top-level) query of meetings."""
    return RawSQL(_WAITING_SQL, (), output_field=IntegerField())  # noqa: S611 - constants


def _meetings_of_site(site: PilotSite) -> QuerySet[Meeting]:
    return Meeting.objects.filter(site=site).select_related("site", "alliance").order_by("starts_at", "pk")


def meetings_for_site(*, site: PilotSite) -> QuerySet[Meeting]:
    """Every meeting of the site, the alliance's and the whole site's, with how many are going."""
    return _meetings_of_site(site).annotate(going_count=_places_taken_here())


def _invited_to(meetings: QuerySet[Meeting], membership: Membership) -> QuerySet[Meeting]:
    """Those of `meetings` the person is invited to: the whole site's, and those of alliances they belong to."""
    belongs = AllianceMember.objects.filter(alliance=OuterRef("alliance_id"), membership=membership)
    return meetings.filter(Q(alliance__isnull=True) | Exists(belongs))


def meetings_for_membership(*, membership: Membership) -> QuerySet[Meeting]:
    """The meetings one person is invited to, with how many are going."""
    return _invited_to(meetings_for_site(site=membership.site), membership)


def meetings_for_calendar(*, membership: Membership) -> QuerySet[Meeting]:
    """The meetings one person is invited to, for their calendar feed, which shows no counts: counting those
    going at every meeting of the site was 3 ms of the feed's 5 ms query, at 12 meetings of a thousand replies."""
    return _invited_to(_meetings_of_site(membership.site), membership)


def upcoming_meetings_for_membership(*, membership: Membership, limit: int) -> QuerySet[Meeting]:
    """The next few meetings this person is invited to that are still on."""
    return meetings_for_membership(membership=membership).filter(
        cancelled_at__isnull=True, starts_at__gt=timezone.now()
    )[:limit]


def meetings_for_alliance(*, alliance: Alliance) -> QuerySet[Meeting]:
    """What an alliance's members are invited to: its own meetings and the whole site's."""
    return meetings_for_site(site=alliance.site).filter(Q(alliance__isnull=True) | Q(alliance=alliance))


def meeting_get(*, site: PilotSite, meeting_id: int) -> Meeting:
    """The site's meeting, or a 404. Every meeting page and reply pays for this, so it is kept cheap, as
    `membership_get` is: `get`, not `first` (no ORDER BY to compile), and the site is the one in hand, not joined."""
    try:
        meeting = Meeting.objects.select_related("alliance").get(pk=meeting_id, site=site)
    except Meeting.DoesNotExist:
        raise Http404(gettext("No such meeting")) from None
    meeting.site = site
    return meeting


def meeting_with_places_get(*, site: PilotSite, meeting_id: int) -> tuple[Meeting, Places]:
    """`meeting_get` and `meeting_places` in one query: the meeting page shows both."""
    try:
        meeting = (
            Meeting.objects.select_related("alliance")
            .annotate(places_going=_places_taken_here(), places_waiting=_waiting_here())
            .get(pk=meeting_id, site=site)
        )
    except Meeting.DoesNotExist:
        raise Http404(gettext("No such meeting")) from None
    meeting.site = site
    return meeting, Places(capacity=meeting.capacity, going=meeting.places_going, waiting=meeting.places_waiting)


# Who a whole-site meeting reaches: enablers and coordinators, and those the enabler has invited.
# Someone imported but not yet invited (or whose invitation bounced) hears of the site first from
# their invitation, never from a meeting email.
_REACHABLE = Q(role__in=COORDINATORS) | Q(invitation_status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED])


def meeting_invitees(*, meeting: Meeting) -> QuerySet[Membership]:
    """Who is invited: the alliance's members, or everyone in the site who has been invited to it.

    Those removed from the site are left out; someone removed after they were marked present
    stays on the list, so the record of who came holds.
    """
    people = Membership.objects.filter(site_id=meeting.site_id)
    if meeting.alliance_id is not None:
        people = people.filter(alliance_memberships__alliance_id=meeting.alliance_id)
    else:
        people = people.filter(_REACHABLE)
    came = MeetingAttendance.objects.filter(meeting=meeting, membership=OuterRef("pk"))
    return people.filter(Q(archived_at__isnull=True) | Exists(came))


# `meeting_invitees`' rule again, as SQL over a meeting `m` and one membership's id (%(member)s), for the
# statement that locks a meeting for a reply (services/meetings.py): compiling the queryset above costs a
# reply more than running it. tests/network/test_reply_sql.py checks the two agree, person by person.
INVITED_SQL = """EXISTS (
    SELECT 1 FROM network_membership p
    WHERE p.id = %(member)s AND p.site_id = m.site_id
      AND CASE WHEN m.alliance_id IS NOT NULL
          THEN EXISTS (
              SELECT 1 FROM network_alliancemember a WHERE a.alliance_id = m.alliance_id AND a.membership_id = p.id
          )
          ELSE p.role = ANY(%(reachable_roles)s) OR p.invitation_status = ANY(%(reachable_statuses)s)
      END
      AND (p.archived_at IS NULL OR EXISTS (
          SELECT 1 FROM network_meetingattendance t WHERE t.meeting_id = m.id AND t.membership_id = p.id
      ))
)"""

#: The values INVITED_SQL's parameters take besides the membership's id.
INVITED_SQL_PARAMS: dict[str, list[str]] = {
    "reachable_roles": sorted(str(role) for role in COORDINATORS),
    "reachable_statuses": [InvitationStatus.SENT.value, InvitationStatus.ACCEPTED.value],
}


def meeting_invitee_get(*, meeting: Meeting, membership_id: int) -> Membership:
    """One invitee of the meeting; anyone else is a 404."""
    invitee = meeting_invitees(meeting=meeting).filter(pk=membership_id).first()
    if invitee is None:
        raise Http404(gettext("Not invited to this meeting"))
    return invitee


def meeting_waiting_list(*, meeting: Meeting) -> QuerySet[MeetingResponse]:
    """Replies waiting for a place, longest waiting first; those removed from the site wait no more."""
    return meeting.responses.filter(_waiting()).order_by("waitlisted_at", "pk")


def meeting_is_invited(*, meeting: Meeting, membership: Membership) -> bool:
    """Whether this person may reply: invited by `meeting_invitees`' rule, and still in the site."""
    if membership.site_id != meeting.site_id or membership.archived_at is not None:
        return False
    return meeting_invitees(meeting=meeting).filter(pk=membership.pk).exists()


def meeting_is_open_for_replies(*, meeting: Meeting) -> bool:
    return meeting.cancelled_at is None and meeting.starts_at > timezone.now()


class AttendeeRow(NamedTuple):
    """One invitee's line of the list. A named tuple rather than a frozen dataclass: a list of 20,000 is built
    on every view of the attendance page, and a frozen dataclass sets each of its fields by a call."""

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

    @property
    def has_place(self) -> bool:
        """Going, with a place rather than on the waiting list."""
        return self.rsvp == Rsvp.GOING and not self.waitlisted


@dataclass(frozen=True)
class OwnReply:
    """A reply just saved, as the person's own row of the list shows it: what a reply by htmx re-draws."""

    member_id: int
    rsvp: str
    rsvp_label: str
    waitlisted: bool

    @property
    def has_place(self) -> bool:
        """Going, with a place rather than on the waiting list (as AttendeeRow.has_place)."""
        return self.rsvp == Rsvp.GOING and not self.waitlisted

    @classmethod
    def of(cls, response: MeetingResponse) -> OwnReply:
        waitlisted = response.waitlisted_at is not None
        return cls(response.membership_id, response.rsvp, _rsvp_label(response.rsvp, waitlisted), waitlisted)


# Whether one person is invited (INVITED_SQL, `meeting_invitees`' rule) and their reply, for the meeting page:
# hand-written because the ORM's list of invitees, narrowed to one person, cost the page 6,000 calls to build
# and compile, for one row. tests/network/test_reply_sql.py holds it to `meeting_attendee_rows`, person by person.
_OWN_REPLY_SQL = f"""
SELECT {INVITED_SQL}, r.rsvp, r.waitlisted_at
FROM network_meeting m
LEFT JOIN network_meetingresponse r ON r.meeting_id = m.id AND r.membership_id = %(member)s
WHERE m.id = %(meeting)s
"""  # noqa: S608 - made of constants; every value is a parameter


def meeting_own_reply(*, meeting: Meeting, membership: Membership) -> OwnReply | AttendeeRow | None:
    """The person's own reply as their line of the list has it (no reply: rsvp ""), or None if they are not
    invited (`meeting_is_invited`)."""
    if membership.site_id != meeting.site_id or membership.archived_at is not None:
        return None
    if connection.vendor != "postgresql":  # INVITED_SQL is PostgreSQL's
        return next(iter(meeting_attendee_rows(meeting=meeting, membership_id=membership.pk)), None)
    with connection.cursor() as cursor:
        cursor.execute(_OWN_REPLY_SQL, {"meeting": meeting.pk, "member": membership.pk, **INVITED_SQL_PARAMS})
        row: tuple[bool, str | None, dt.datetime | None] | None = cursor.fetchone()
    if row is None or not row[0]:
        return None
    _invited, rsvp, waitlisted_at = row
    waitlisted = waitlisted_at is not None
    return OwnReply(membership.pk, rsvp or "", _rsvp_label(rsvp or "", waitlisted), waitlisted)


def _rsvp_label(rsvp: str, waitlisted: bool) -> str:
    """How one reply reads, in the active language (a whole list uses _Labels, which translates once)."""
    if waitlisted:
        return gettext("Waiting list")
    return str(Rsvp(rsvp).label) if rsvp else gettext("No reply")


class _Labels:
    """How replies and sectors read, in the language active when the list is made: translated once per list,
    not once per row (a translation is a walk down a chain of catalogues, and was most of a long list's time)."""

    def __init__(self) -> None:
        self.rsvp = {"": gettext("No reply")} | {value: str(label) for value, label in Rsvp.choices}
        self.waiting = gettext("Waiting list")
        self.sector = {"": "", None: ""} | {value: str(label) for value, label in Sector.choices}


def _attendees(
    *, meeting: Meeting, search: str = "", membership_id: int | None = None, going_only: bool = False
) -> QuerySet[Membership]:
    """Every invitee with their reply and attendance, ordered by name."""
    members = (
        meeting_invitees(meeting=meeting)
        .select_related("user", "agency")
        .annotate(reply=FilteredRelation("meeting_responses", condition=Q(meeting_responses__meeting=meeting)))
        .annotate(
            reply_rsvp=F("reply__rsvp"),
            reply_waitlisted_at=F("reply__waitlisted_at"),
            was_there=Exists(MeetingAttendance.objects.filter(meeting=meeting, membership=OuterRef("pk"))),
        )
        .order_by("user__name", "pk")
    )
    if membership_id is not None:
        members = members.filter(pk=membership_id)
    if going_only:  # who is coming, for emails: a few rows, however large the list of invitees
        going = meeting.responses.filter(_has_place()).values("membership_id")
        members = members.filter(pk__in=going)
    if search.strip():
        words = search.strip()
        members = members.filter(
            Q(user__name__icontains=words) | Q(user__email__icontains=words) | Q(agency__name__icontains=words)
        )
    return members


_ROW_VALUES = (
    "pk",
    "user__name",
    "user__email",
    "agency__name",
    "agency__sector",
    "role_title",
    "reply_rsvp",
    "reply_waitlisted_at",
    "was_there",
)


def _attendee_row(values: tuple[Any, ...], labels: _Labels) -> AttendeeRow:
    member_id, name, email, agency, sector, role_title, reply, waitlisted_at, was_there = values[:9]
    waitlisted = waitlisted_at is not None
    return AttendeeRow(
        member_id,
        name,
        email,
        agency or "",
        labels.sector.get(sector, ""),
        role_title,
        reply or "",
        labels.waiting if waitlisted else labels.rsvp[reply or ""],
        waitlisted,
        was_there,
    )


def meeting_attendee_rows(
    *, meeting: Meeting, search: str = "", membership_id: int | None = None, going_only: bool = False
) -> list[AttendeeRow]:
    """Every invitee with their reply and attendance (or just one, by membership id), in one query."""
    members = _attendees(meeting=meeting, search=search, membership_id=membership_id, going_only=going_only)
    # Plain values, not model instances: the list of a whole site's meeting is thousands of rows, and
    # building three model instances (and parsing their dates) for each was most of the page's time.
    labels = _Labels()
    return [_attendee_row(values, labels) for values in members.values_list(*_ROW_VALUES)]


def meeting_attendee_chunks(*, meeting: Meeting, chunk_size: int = 1000) -> Iterator[list[AttendeeRow]]:
    """Every invitee with their reply and attendance, by name, a chunk at a time (for a page that streams them):
    one query, read through a cursor, so memory holds a chunk however many are invited."""
    chunk: list[AttendeeRow] = []
    labels = _Labels()  # as the first chunk is asked for: the streamed page activates the reader's language
    for values in _attendees(meeting=meeting).values_list(*_ROW_VALUES).iterator(chunk_size=chunk_size):
        chunk.append(_attendee_row(values, labels))
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def meeting_going_first(*, meeting: Meeting, limit: int) -> tuple[list[AttendeeRow], int]:
    """The first `limit` people going, by name, and how many are going in all, in one query (emails show a few).

    The total is the meeting page's count of places taken (`meeting_places`), as a subquery PostgreSQL runs
    once: a window count over the names would read and sort every one of thousands going, where the first
    few by name need only the start of the index on names.
    """
    going = Meeting.objects.filter(pk=meeting.pk).annotate(going=_places_taken(OuterRef("pk"))).values("going")
    members = _attendees(meeting=meeting, going_only=True).annotate(going_total=Subquery(going))
    found = list(members.values_list(*_ROW_VALUES, "going_total")[:limit])
    labels = _Labels()
    return [_attendee_row(row, labels) for row in found], (found[0][-1] if found else 0)


# A meeting with this many going (its `going_count`) finds its first few by walking the site's people in name order
# (the index membership_site_name_idx), which meets `limit` of them within about limit × people / going rows; one
# with fewer sorts those going, as few as it has. At 20,000 leaders, meetings of 2,000 going took 12 ms each sorted,
# 1.5 ms walked; a meeting of 5 going walked would read all 20,000.
GOING_WALK_FROM = 500


def meetings_going_first(*, meetings: list[Meeting], limit: int) -> dict[int, list[AttendeeRow]]:
    """For each of several meetings, the first `limit` people going by name, as `meeting_going_first` finds them
    for one (a test holds the two together), in two queries for all the meetings together.

    The first finds each meeting's first ids by name in a subquery per meeting, a top-`limit` sort of those
    going (a window over everyone going sorted them all); the second reads those people. Each meeting's going
    count is its `going_count` from `meetings_for_site`."""
    if not meetings:
        return {}
    meeting_ref = OuterRef(OuterRef("pk"))
    came = MeetingAttendance.objects.filter(meeting_id=meeting_ref, membership_id=OuterRef("pk"))
    # meeting_invitees' rule, for the meeting of the outer query: its alliance's members, or those the site reaches.
    in_alliance = AllianceMember.objects.filter(
        alliance_id=OuterRef(OuterRef("alliance_id")), membership=OuterRef("pk")
    )
    going = (
        Membership.objects.filter(site_id=OuterRef("site_id"))
        .filter(Exists(MeetingResponse.objects.filter(_has_place(), meeting_id=meeting_ref, membership=OuterRef("pk"))))
        .filter(Exists(in_alliance) | (IsNull(OuterRef("alliance_id"), True) & _REACHABLE))
        .filter(Q(archived_at__isnull=True) | Exists(came))
    )
    # By name (the database's copy of it on the membership, see Membership), then pk. Sorted as an expression, not
    # through an index: it reads only those going, by the meeting's index on replies, and keeps the first `limit`
    # (walking an index on names read, for each name, everyone going to the meeting again: 47 ms for ten meetings
    # at 2,000 leaders, then 5 ms). The same order: the name with nothing appended.
    sorted_first = ArraySubquery(going.order_by(Concat("user_name", Value("")), "pk").values("pk")[:limit])
    # Walked in the order of membership_site_name_idx, for meetings many are going to (see GOING_WALK_FROM).
    walked_first = ArraySubquery(going.order_by("user_name", "pk").values("pk")[:limit])
    walked = [m.pk for m in meetings if getattr(m, "going_count", 0) >= GOING_WALK_FROM]
    # A CASE runs only the subquery of its branch, meeting by meeting.
    first = Case(When(pk__in=walked, then=walked_first), default=sorted_first) if walked else sorted_first
    ids = dict(Meeting.objects.filter(pk__in=[m.pk for m in meetings]).annotate(first=first).values_list("pk", "first"))
    wanted = {member_id for found in ids.values() for member_id in found}
    came_to = MeetingAttendance.objects.filter(membership=OuterRef("pk"), meeting__in=meetings).values("meeting_id")
    people = (
        Membership.objects.filter(pk__in=wanted)
        .annotate(came_to=ArraySubquery(came_to))
        .values_list("pk", "user__name", "user__email", "agency__name", "agency__sector", "role_title", "came_to")
    )
    found = {row[0]: row for row in people} if wanted else {}
    labels = _Labels()

    def row(meeting_id: int, member_id: int) -> AttendeeRow:
        # Found as holding a place: going, not waiting.
        *values, came_to = found[member_id]
        return _attendee_row((*values, Rsvp.GOING, None, meeting_id in came_to), labels)

    return {m.pk: [row(m.pk, member_id) for member_id in ids.get(m.pk, [])] for m in meetings}


def meeting_attendee_page(*, meeting: Meeting, query: str = "", page: object = 1) -> ListPage[AttendeeRow]:
    """A page of the invitees and their replies, searched by name, email or agency, in one query
    (each row carries the count of every match); a page past the end costs a second."""
    query = clean_query(query)
    matching = _attendees(meeting=meeting, search=query)
    members = matching.annotate(list_matches=CountOf(matching))
    values = members.values_list(*_ROW_VALUES, "list_matches")
    number = page_number(page)
    found = list(values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if not found and number > 1:
        number = max(1, -(-_attendees(meeting=meeting, search=query).count() // PAGE_SIZE))
        found = list(values[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    total = found[0][-1] if found else 0
    labels = _Labels()
    rows = [_attendee_row(row, labels) for row in found]
    return ListPage(rows=rows, total=total, number=number, pages=max(1, -(-total // PAGE_SIZE)), query=query)


def meeting_walk_ins(*, meeting: Meeting) -> QuerySet[MeetingAttendance]:
    return meeting.attendances.filter(membership__isnull=True).order_by("walk_in_name", "pk")


def export_header() -> list[str]:
    """The attendee list's column names, in the active language."""
    return [
        gettext("Name"),
        gettext("Email"),
        gettext("Agency"),
        gettext("Sector"),
        gettext("Role"),
        gettext("Reply"),
        gettext("Attended"),
        gettext("Walk-in"),
    ]


_EXPORT_COLUMNS = (
    "user__name",
    "user__email",
    "agency__name",
    "agency__sector",
    "role_title",
    "reply__rsvp",
    "reply__waitlisted_at",
    "presence__id",
)


def meeting_export_rows(*, meeting: Meeting, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The attendee list as rows of text (see `_export_rows`), its words in the language active now: a download
    is streamed after the view returns, so they are fixed here, not as each row is written."""
    return _export_rows(
        meeting=meeting, chunk_size=chunk_size, labels=_Labels(), yes_no=(gettext("Yes"), gettext("No"))
    )


def _export_rows(*, meeting: Meeting, chunk_size: int, labels: _Labels, yes_no: tuple[str, str]) -> Iterator[list[str]]:
    """The attendee list as rows of text, in name order, then the walk-ins: two queries however long it is.

    The invitees are read through a server-side cursor a chunk at a time, so memory holds a chunk however
    many there are. Outside a transaction Django declares it WITH HOLD: PostgreSQL runs the query and keeps
    its result when the statement's own transaction commits, so a slow download holds no lock and no
    transaction open that a migration or a busy site would wait on (keyset pages did the same at the cost
    of a query for every few thousand rows).
    """
    people = (
        meeting_invitees(meeting=meeting)
        .annotate(
            reply=FilteredRelation("meeting_responses", condition=Q(meeting_responses__meeting=meeting)),
            presence=FilteredRelation("attendances", condition=Q(attendances__meeting=meeting)),
        )
        .order_by("user__name", "pk")
    )
    yes, no = yes_no
    sectors, replies, waiting = labels.sector, labels.rsvp, labels.waiting
    for name, email, agency, sector, role, rsvp, waitlisted_at, presence in people.values_list(
        *_EXPORT_COLUMNS
    ).iterator(chunk_size=chunk_size):
        reply = waiting if waitlisted_at is not None else replies[rsvp or ""]
        yield [name, email, agency or "", sectors.get(sector, ""), role, reply, no if presence is None else yes, no]
    walk_ins = meeting_walk_ins(meeting=meeting).values_list("walk_in_name", "walk_in_email", "walk_in_agency")
    for name, email, agency in walk_ins.iterator(chunk_size=chunk_size):
        yield [name, email, agency, "", "", "", yes, yes]


def rsvp_member_get(*, meeting_id: int, member_id: int) -> tuple[Meeting, Membership] | None:
    """The meeting and invitee a signed RSVP link names, if the person is still invited to it."""
    # Someone removed from the site, or from the alliance, can no longer reply from an old email.
    membership = Membership.objects.select_related("user", "site").filter(pk=member_id).first()
    meeting = Meeting.objects.select_related("site", "alliance").filter(pk=meeting_id).first()
    if membership is None or meeting is None or not meeting_is_invited(meeting=meeting, membership=membership):
        return None
    return meeting, membership


def rsvp_invitee_for_token(token: str) -> tuple[Meeting, Membership] | None:
    """The meeting and invitee a signed RSVP link names; links emailed before links named a membership
    (they named a place in an alliance) still work, read as that place's membership."""
    ids = tokens.rsvp_token_read(token)
    if ids is None:
        legacy = tokens.legacy_rsvp_token_read(token)
        if legacy is None:
            return None
        membership_id = AllianceMember.objects.filter(pk=legacy[1]).values_list("membership_id", flat=True).first()
        if membership_id is None:
            return None
        ids = (legacy[0], membership_id)
    return rsvp_member_get(meeting_id=ids[0], member_id=ids[1])


def calendar_owner_for_token(token: str) -> Membership | None:
    """Whose calendar feed a signed address is: None once they are removed from the site or have a new address."""
    read = tokens.calendar_token_read(token)
    if read is None:
        return None
    membership_id, key = read
    return (
        Membership.objects.select_related("site", "user")
        .filter(pk=membership_id, calendar_key=key, archived_at__isnull=True)
        .first()
    )


def member_rsvp(*, meeting: Meeting, membership: Membership) -> MeetingResponse | None:
    return MeetingResponse.objects.filter(meeting=meeting, membership=membership).first()


@dataclass(frozen=True)
class Places:
    """A meeting's places: taken by those going, and wanted by those on the waiting list."""

    capacity: int | None  # None: no limit
    going: int
    waiting: int

    @property
    def left(self) -> int | None:
        """Places still free, or None when the meeting has no limit."""
        return None if self.capacity is None else max(self.capacity - self.going, 0)


def meeting_places(*, meeting: Meeting) -> Places:
    """Places taken and waited for, counting only those still in the site (a removed person's place is free)."""
    counts = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(going=_places_taken_here(), waiting=_waiting_here())
        .values_list("going", "waiting")
        .first()
    )
    going, waiting_count = counts or (0, 0)  # a meeting deleted meanwhile has no places taken
    return Places(capacity=meeting.capacity, going=going, waiting=waiting_count)


# `meeting_places`' counts again, as SQL, over a meeting's replies but one person's (%(meeting)s, %(member)s):
# the statement that saves that person's reply adds their own (services/meetings.py). The rules are
# `_places_taken` (`_has_place`, by people still in the site) and `_waiting`;
# tests/network/test_reply_sql.py checks the two agree.
PLACES_OF_OTHERS_SQL = """
SELECT count(*) FILTER (WHERE r.rsvp = %(going)s AND r.waitlisted_at IS NULL),
       count(*) FILTER (WHERE r.rsvp = %(going)s AND r.waitlisted_at IS NOT NULL)
FROM network_meetingresponse r JOIN network_membership p ON p.id = r.membership_id
WHERE r.meeting_id = %(meeting)s AND r.membership_id <> %(member)s AND p.archived_at IS NULL
"""


def meeting_going_count(*, meeting: Meeting) -> int:
    """Places taken: by those going who are still in the site."""
    return meeting_places(meeting=meeting).going


def meeting_places_left(*, meeting: Meeting) -> int | None:
    """Places still free, or None when the meeting has no limit."""
    return meeting_places(meeting=meeting).left


def meeting_present_count(*, meeting: Meeting) -> int:
    return meeting.attendances.count()


def meeting_presence(*, meeting: Meeting) -> tuple[int, int]:
    """How many are here (walk-ins too) and how many were invited, in one query: "12 of 40 here"."""
    invited = meeting_invitees(meeting=meeting).order_by().values("site_id").annotate(n=Count("pk")).values("n")
    present = (
        MeetingAttendance.objects.filter(meeting_id=OuterRef("pk"))
        .order_by()
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Meeting.objects.filter(pk=meeting.pk)
        .annotate(present=Coalesce(Subquery(present), 0), invited=Coalesce(Subquery(invited), 0))
        .values_list("present", "invited")
        .get()
    )
    return row[0], row[1]
