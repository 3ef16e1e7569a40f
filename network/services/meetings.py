"""Every write to meetings: creating, editing and cancelling them, replies with a waiting list, attendance."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from network.errors import DomainError
from network.models import (
    Alliance,
    AllianceMember,
    DigestDelivery,
    Meeting,
    MeetingAttendance,
    MeetingResponse,
    Membership,
    Rsvp,
)


def _check_details(*, starts_at: dt.datetime, ends_at: dt.datetime | None, place: str, online_link: str) -> None:
    if not place.strip() and not online_link.strip():
        raise DomainError("Give a place to meet, an online link, or both.", field="place")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("The meeting must end after it starts.", field="ends_at")


def _digest_queue(*, meeting: Meeting, kind: str) -> None:
    """Queue the meeting's notice once this transaction commits; its key makes it go once per person."""
    from network import tasks

    if kind == DigestDelivery.Kind.MEETING:
        transaction.on_commit(lambda: tasks.meeting_digest_send.delay(meeting.pk))
    else:
        key = f"{kind}:{meeting.pk}:{meeting.revision}"
        transaction.on_commit(lambda: tasks.digest_send.delay(key))


@transaction.atomic
def meeting_create(
    *,
    alliance: Alliance,
    created_by: Membership,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
    capacity: int | None = None,
) -> Meeting:
    """Create a meeting and, once it is saved, queue its digest to the alliance."""
    if not created_by.is_coordinator or created_by.site_id != alliance.site_id:
        raise DomainError("Only the site's coordinators and enablers can create meetings.")
    _check_details(starts_at=starts_at, ends_at=ends_at, place=place, online_link=online_link)
    meeting = Meeting.objects.create(
        alliance=alliance,
        created_by=created_by,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_link=online_link.strip(),
        agenda=agenda.strip(),
        capacity=capacity,
    )
    _digest_queue(meeting=meeting, kind=DigestDelivery.Kind.MEETING)
    return meeting


def _check_coordinator(*, meeting: Meeting, by: Membership) -> None:
    if not by.is_coordinator or by.site_id != meeting.alliance.site_id:
        raise DomainError("Only the site's coordinators and enablers can change meetings.")
    if meeting.cancelled_at is not None:
        raise DomainError("This meeting has been cancelled.")


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
    meeting = Meeting.objects.select_for_update().select_related("alliance__site").get(pk=meeting.pk)
    _check_coordinator(meeting=meeting, by=updated_by)
    _check_details(starts_at=starts_at, ends_at=ends_at, place=place, online_link=online_link)
    meeting.title = title.strip()
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.place = place.strip()
    meeting.online_link = online_link.strip()
    meeting.agenda = agenda.strip()
    meeting.capacity = capacity
    meeting.revision += 1
    meeting.save()
    _waiting_list_promote(meeting=meeting)
    _digest_queue(meeting=meeting, kind=DigestDelivery.Kind.CHANGE)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, cancelled_by: Membership) -> Meeting:
    """Cancel a meeting and tell everyone invited."""
    meeting = Meeting.objects.select_for_update().select_related("alliance__site").get(pk=meeting.pk)
    _check_coordinator(meeting=meeting, by=cancelled_by)
    meeting.cancelled_at = timezone.now()
    meeting.revision += 1
    meeting.save(update_fields=["cancelled_at", "revision"])
    _digest_queue(meeting=meeting, kind=DigestDelivery.Kind.CHANGE)
    return meeting


def _going_count(*, meeting: Meeting) -> int:
    return meeting.responses.filter(rsvp=Rsvp.GOING, waitlisted_at__isnull=True).count()


def _waiting_list_promote(*, meeting: Meeting) -> None:
    """Give free places to the longest-waiting; the caller holds the meeting's row lock."""
    waiting = meeting.responses.filter(rsvp=Rsvp.GOING, waitlisted_at__isnull=False).order_by("waitlisted_at", "pk")
    if meeting.capacity is None:
        waiting.update(waitlisted_at=None)
        return
    free = meeting.capacity - _going_count(meeting=meeting)
    if free > 0:
        promoted = list(waiting.values_list("pk", flat=True)[:free])
        MeetingResponse.objects.filter(pk__in=promoted).update(waitlisted_at=None)


@transaction.atomic
def meeting_respond(
    *, meeting: Meeting, member: AllianceMember, rsvp: str, now: dt.datetime | None = None
) -> MeetingResponse:
    """Record a reply. Past capacity a "going" joins the waiting list; a place freed goes to the longest waiting."""
    if rsvp not in Rsvp.values:
        raise DomainError("Choose going, maybe or not going.", field="rsvp")
    if member.alliance_id != meeting.alliance_id:
        raise DomainError("Only members of this alliance can reply.")
    # The meeting row's lock serialises replies, so two people cannot both take the last place.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    now = now or timezone.now()
    if meeting.cancelled_at is not None:
        raise DomainError("This meeting has been cancelled.", field="rsvp")
    if meeting.starts_at <= now:
        raise DomainError("This meeting has started, so replies are closed.", field="rsvp")
    response = MeetingResponse.objects.filter(meeting=meeting, member=member).first()
    if response is None:
        response = MeetingResponse(meeting=meeting, member=member)
    already_going = response.pk is not None and response.rsvp == Rsvp.GOING
    response.rsvp = rsvp
    if rsvp != Rsvp.GOING:
        response.waitlisted_at = None
    elif not already_going:
        full = meeting.capacity is not None and _going_count(meeting=meeting) >= meeting.capacity
        response.waitlisted_at = now if full else None
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise DomainError("Your reply crossed with another; please try again.", field="rsvp") from None
    _waiting_list_promote(meeting=meeting)
    response.refresh_from_db()
    return response


def _check_attendance_taker(*, meeting: Meeting, by: Membership) -> None:
    if not by.is_coordinator or by.site_id != meeting.alliance.site_id:
        raise DomainError("Only the site's coordinators and enablers take attendance.")


def attendance_set(*, meeting: Meeting, member: AllianceMember, present: bool, recorded_by: Membership) -> bool:
    """Mark an invitee present or not; returns whether they are now marked present."""
    _check_attendance_taker(meeting=meeting, by=recorded_by)
    if member.alliance_id != meeting.alliance_id:
        raise DomainError("That person is not invited to this meeting.")
    if present:
        MeetingAttendance.objects.get_or_create(meeting=meeting, member=member, defaults={"recorded_by": recorded_by})
    else:
        MeetingAttendance.objects.filter(meeting=meeting, member=member).delete()
    return present


def walk_in_record(
    *, meeting: Meeting, name: str, email: str = "", agency: str = "", recorded_by: Membership
) -> MeetingAttendance:
    """Record someone who came but was not on the list."""
    _check_attendance_taker(meeting=meeting, by=recorded_by)
    if not name.strip():
        raise DomainError("Give the person's name.", field="name")
    return MeetingAttendance.objects.create(
        meeting=meeting,
        walk_in_name=name.strip(),
        walk_in_email=email.strip().lower(),
        walk_in_agency=agency.strip(),
        recorded_by=recorded_by,
    )
