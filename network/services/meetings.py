"""Every write to meetings: creating, editing and cancelling them, replies with a waiting list, attendance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext

from network import dispatch
from network.digests.keys import change_key, meeting_key, place_key
from network.errors import DomainError
from network.models import (
    Alliance,
    Meeting,
    MeetingAttendance,
    MeetingResponse,
    Membership,
    Rsvp,
)
from network.roles import can_call_meetings
from network.selectors.meetings import (
    INVITED_SQL,
    INVITED_SQL_PARAMS,
    PLACES_OF_OTHERS_SQL,
    Places,
    meeting_going_count,
    meeting_invitees,
    meeting_waiting_list,
)
from network.text import one_line


def _check_details(*, starts_at: dt.datetime, ends_at: dt.datetime | None, place: str, online_link: str) -> None:
    if not place.strip() and not online_link.strip():
        raise DomainError(gettext("Give a place to meet, an online link, or both."), field="place")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError(gettext("The meeting must end after it starts."), field="ends_at")


@transaction.atomic
def meeting_create(
    *,
    alliance: Alliance | None,
    created_by: Membership,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> Meeting:
    """Create a meeting for an alliance, or for the whole site when alliance is None, and queue its digest."""
    if not can_call_meetings(created_by) or (alliance is not None and created_by.site_id != alliance.site_id):
        raise DomainError(gettext("Only the site's coordinators and enablers can create meetings."))
    _check_details(starts_at=starts_at, ends_at=ends_at, place=place, online_link=online_link)
    meeting = Meeting.objects.create(
        site_id=created_by.site_id,
        alliance=alliance,
        created_by=created_by,
        title=one_line(title),
        starts_at=starts_at,
        ends_at=ends_at,
        place=one_line(place),
        online_link=online_link.strip(),
        agenda=agenda.strip(),
        capacity=capacity,
    )
    dispatch.digest_send.after_commit(meeting_key(meeting_id=meeting.pk))
    return meeting


def _check_coordinator(*, meeting: Meeting, by: Membership) -> None:
    if not can_call_meetings(by) or by.site_id != meeting.site_id:
        raise DomainError(gettext("Only the site's coordinators and enablers can change meetings."))
    if meeting.cancelled_at is not None:
        raise DomainError(gettext("This meeting has been cancelled."))


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    updated_by: Membership,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> Meeting:
    """Save a meeting's new details and tell everyone invited what changed."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("site", "alliance").get(pk=meeting.pk)
    _check_coordinator(meeting=meeting, by=updated_by)
    _check_details(starts_at=starts_at, ends_at=ends_at, place=place, online_link=online_link)
    meeting.title = one_line(title)
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.place = one_line(place)
    meeting.online_link = online_link.strip()
    meeting.agenda = agenda.strip()
    meeting.capacity = capacity
    meeting.revision += 1
    meeting.save()
    _waiting_list_promote(meeting=meeting)
    dispatch.digest_send.after_commit(change_key(meeting=meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, cancelled_by: Membership) -> Meeting:
    """Cancel a meeting and tell everyone invited."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("site", "alliance").get(pk=meeting.pk)
    _check_coordinator(meeting=meeting, by=cancelled_by)
    meeting.cancelled_at = timezone.now()
    meeting.revision += 1
    meeting.save(update_fields=["cancelled_at", "revision"])
    dispatch.digest_send.after_commit(change_key(meeting=meeting))
    return meeting


def _waiting_list_promote(*, meeting: Meeting) -> None:
    """Give free places to the longest-waiting and email each of them; the caller holds the meeting's row lock."""
    waiting = meeting_waiting_list(meeting=meeting)
    free = None if meeting.capacity is None else meeting.capacity - meeting_going_count(meeting=meeting)
    if free is not None and free <= 0:
        return
    promoted = list(waiting.values_list("pk", "membership_id", "waitlisted_at")[:free])
    MeetingResponse.objects.filter(pk__in=[pk for pk, _, _ in promoted]).update(waitlisted_at=None)
    if meeting.cancelled_at is None and meeting.starts_at > timezone.now():
        for _, membership_id, waitlisted_at in promoted:
            assert waitlisted_at is not None  # noqa: S101 - only waiting replies were read
            key = place_key(meeting=meeting, membership_id=membership_id, waitlisted_at=waitlisted_at)
            dispatch.digest_send.after_commit(key)


class NotInvitedError(DomainError):
    """A reply from someone the meeting does not invite (a view answers 403, not a form error)."""

    def __init__(self) -> None:
        super().__init__(gettext("Only those invited to this meeting can reply."))


def _meeting_locked_for_reply(*, meeting: Meeting, membership: Membership, now: dt.datetime) -> Meeting:
    """The meeting under its row lock, once this person may reply to it now.

    The lock serialises replies, so two people cannot both take the last place. Whether the person is
    invited (`meeting_invitees`' rule) is read in the same query as the lock.
    """
    if membership.site_id != meeting.site_id or membership.archived_at is not None:
        raise NotInvitedError
    invited = meeting_invitees(meeting=meeting).filter(pk=membership.pk)
    locked = Meeting.objects.select_for_update(of=("self",)).filter(Exists(invited), pk=meeting.pk).first()
    if locked is None:
        raise NotInvitedError
    _check_open_for_replies(cancelled_at=locked.cancelled_at, starts_at=locked.starts_at, now=now)
    return locked


def _check_open_for_replies(*, cancelled_at: dt.datetime | None, starts_at: dt.datetime, now: dt.datetime) -> None:
    if cancelled_at is not None:
        raise DomainError(gettext("This meeting has been cancelled."), field="rsvp")
    if starts_at <= now:
        raise DomainError(gettext("This meeting has started, so replies are closed."), field="rsvp")


# A reply to a meeting with no limit on places, on PostgreSQL: one statement in place of the ORM's four or five,
# and, being one, atomic without a transaction of its own (no BEGIN and COMMIT around it).
# No place can run out, so replies need not queue on one another: they share the meeting's row lock (FOR SHARE),
# which cancelling or editing the meeting (FOR UPDATE) waits for, so no reply lands on a cancelled meeting; the
# lock is taken before the reply is written (the INSERT reads the locked row) and held until the statement commits.
# `capacity IS NULL` is in the WHERE clause, so a meeting given a limit since the page read it (even while
# this waited for the lock) is not locked at all: no row comes back, and the reply takes the general path,
# which queues. The reply is written only for someone invited (`meeting_invitees`' rule, INVITED_SQL) to a
# meeting still open; the row that comes back says which refusal it was, so nothing is written on a refusal.
# ON CONFLICT waits for a twin reply of the same person and then updates it. With no limit nobody waits for a
# place; a "going" that stays "going" keeps what it had, as the ORM path does.
# The same statement counts everyone else's places (its snapshot is from before the reply, so the person's own
# is added after), saving the page a query of its own.
_REPLY_UNLIMITED = f"""
WITH m AS (
    SELECT m.cancelled_at, m.starts_at, {INVITED_SQL} AS invited
    FROM network_meeting m WHERE m.id = %(meeting)s AND m.capacity IS NULL
    FOR SHARE OF m
), reply AS (
    INSERT INTO network_meetingresponse AS r (meeting_id, membership_id, rsvp, updated_at, waitlisted_at)
    SELECT %(meeting)s, %(member)s, %(rsvp)s, %(now)s, NULL
    FROM m WHERE m.invited AND m.cancelled_at IS NULL AND m.starts_at > %(now)s
    ON CONFLICT (meeting_id, membership_id) DO UPDATE SET
        rsvp = EXCLUDED.rsvp,
        updated_at = EXCLUDED.updated_at,
        waitlisted_at = CASE WHEN r.rsvp = %(going)s AND EXCLUDED.rsvp = %(going)s THEN r.waitlisted_at END
    RETURNING r.id, r.waitlisted_at
)
SELECT m.cancelled_at, m.starts_at, m.invited, reply.id, reply.waitlisted_at, others.going, others.waiting
FROM m LEFT JOIN reply ON TRUE, ({PLACES_OF_OTHERS_SQL}) AS others(going, waiting)
"""  # noqa: S608 - made of constants; every value is a parameter


@dataclass(frozen=True)
class SavedReply:
    """A reply just saved, and the meeting's places as it left them when the save could count them at no cost."""

    response: MeetingResponse
    places: Places | None


def _respond_unlimited(*, meeting: Meeting, membership: Membership, rsvp: str, now: dt.datetime) -> SavedReply | None:
    """The reply, saved, if the meeting has no limit on places; None (and nothing locked) if it has one."""
    if membership.site_id != meeting.site_id or membership.archived_at is not None:
        raise NotInvitedError
    with connection.cursor() as cursor:
        cursor.execute(
            _REPLY_UNLIMITED,
            {
                "meeting": meeting.pk,
                "member": membership.pk,
                "rsvp": rsvp,
                "now": now,
                "going": Rsvp.GOING.value,
                **INVITED_SQL_PARAMS,
            },
        )
        found: tuple[dt.datetime | None, dt.datetime, bool, int | None, dt.datetime | None, int, int] | None
        found = cursor.fetchone()
    if found is None:
        return None
    cancelled_at, starts_at, invited, response_id, waitlisted_at, going, waiting = found
    if not invited:
        raise NotInvitedError
    _check_open_for_replies(cancelled_at=cancelled_at, starts_at=starts_at, now=now)
    # Invited and open: the statement wrote the reply, and response_id is its row.
    response = MeetingResponse(
        pk=response_id, meeting=meeting, membership=membership, rsvp=rsvp, updated_at=now, waitlisted_at=waitlisted_at
    )
    if rsvp == Rsvp.GOING:  # the person's own place (someone removed from the site cannot reply)
        going, waiting = (going, waiting + 1) if waitlisted_at is not None else (going + 1, waiting)
    return SavedReply(response=response, places=Places(capacity=None, going=going, waiting=waiting))


def meeting_respond(
    *, meeting: Meeting, membership: Membership, rsvp: str, now: dt.datetime | None = None
) -> MeetingResponse:
    """Record a reply. Past capacity a "going" joins the waiting list; a place freed goes to the longest waiting."""
    return meeting_reply(meeting=meeting, membership=membership, rsvp=rsvp, now=now).response


def meeting_reply(*, meeting: Meeting, membership: Membership, rsvp: str, now: dt.datetime | None = None) -> SavedReply:
    """`meeting_respond`, with the meeting's places after the reply when they came with it (else None)."""
    if rsvp not in Rsvp.values:
        raise DomainError(gettext("Choose going, maybe or not going."), field="rsvp")
    now = now or timezone.now()
    if meeting.capacity is None and connection.vendor == "postgresql":
        quick = _respond_unlimited(meeting=meeting, membership=membership, rsvp=rsvp, now=now)  # one statement
        if quick is not None:
            return quick
    return _reply_queued(meeting=meeting, membership=membership, rsvp=rsvp, now=now)


@transaction.atomic
def _reply_queued(*, meeting: Meeting, membership: Membership, rsvp: str, now: dt.datetime) -> SavedReply:
    """The general path: under the meeting's row lock, so replies queue and two cannot take the last place."""
    meeting = _meeting_locked_for_reply(meeting=meeting, membership=membership, now=now)
    response = MeetingResponse.objects.filter(meeting=meeting, membership=membership).first()
    if response is None:
        response = MeetingResponse(meeting=meeting, membership=membership)
    already_going = response.pk is not None and response.rsvp == Rsvp.GOING
    response.rsvp = rsvp
    if rsvp != Rsvp.GOING:
        response.waitlisted_at = None
    elif not already_going:
        full = meeting.capacity is not None and meeting_going_count(meeting=meeting) >= meeting.capacity
        response.waitlisted_at = now if full else None
    if response.pk is None:
        try:
            with transaction.atomic():  # a savepoint: a twin reply made just now is refused, not a 500
                response.save()
        except IntegrityError:
            raise DomainError(gettext("Your reply crossed with another; please try again."), field="rsvp") from None
    else:
        response.save(update_fields=["rsvp", "waitlisted_at", "updated_at"])
    # With no limit nobody waits: taking the limit away gives everyone waiting a place (meeting_update).
    if meeting.capacity is not None:
        _waiting_list_promote(meeting=meeting)
        if response.waitlisted_at is not None:
            response.refresh_from_db(fields=["waitlisted_at"])  # perhaps given a place just now
    return SavedReply(response=response, places=None)


def _check_attendance_taker(*, meeting: Meeting, by: Membership) -> None:
    if not can_call_meetings(by) or by.site_id != meeting.site_id:
        raise DomainError(gettext("Only the site's coordinators and enablers take attendance."))


def attendance_set(*, meeting: Meeting, membership: Membership, present: bool, recorded_by: Membership) -> bool:
    """Mark an invitee present or not; returns whether they are now marked present."""
    _check_attendance_taker(meeting=meeting, by=recorded_by)
    if not meeting_invitees(meeting=meeting).filter(pk=membership.pk).exists():
        raise DomainError(gettext("That person is not invited to this meeting."))
    if present:
        MeetingAttendance.objects.get_or_create(
            meeting=meeting, membership=membership, defaults={"recorded_by": recorded_by}
        )
    else:
        MeetingAttendance.objects.filter(meeting=meeting, membership=membership).delete()
    return present


def walk_in_record(
    *, meeting: Meeting, name: str, email: str = "", agency: str = "", recorded_by: Membership
) -> MeetingAttendance:
    """Record someone who came but was not on the list."""
    _check_attendance_taker(meeting=meeting, by=recorded_by)
    if not name.strip():
        raise DomainError(gettext("Give the person's name."), field="name")
    return MeetingAttendance.objects.create(
        meeting=meeting,
        walk_in_name=one_line(name),
        walk_in_email=email.strip().lower(),
        walk_in_agency=one_line(agency),
        recorded_by=recorded_by,
    )
