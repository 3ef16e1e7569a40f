"""Writes: meetings."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from network.errors import DomainError
from network.models import (
    Alliance,
    AllianceMember,
    Meeting,
    MeetingResponse,
    Membership,
    Rsvp,
)


@transaction.atomic
def meeting_create(
    *,
    alliance: Alliance,
    created_by: Membership,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    """Create a meeting and, once it is saved, queue its digest to the alliance."""
    if not created_by.is_coordinator or created_by.site_id != alliance.site_id:
        raise DomainError("Only the site's coordinators and enablers can create meetings.")
    if not place.strip() and not online_link.strip():
        raise DomainError("Give a place to meet, an online link, or both.", field="place")
    meeting = Meeting.objects.create(
        alliance=alliance,
        created_by=created_by,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        online_link=online_link.strip(),
        agenda=agenda.strip(),
    )
    from network.tasks import meeting_digest_send

    transaction.on_commit(lambda: meeting_digest_send.delay(meeting.pk))
    return meeting


def meeting_respond(*, meeting: Meeting, member: AllianceMember, rsvp: str) -> MeetingResponse:
    if rsvp not in Rsvp.values:
        raise DomainError("Choose going, maybe or not going.", field="rsvp")
    if member.alliance_id != meeting.alliance_id:
        raise DomainError("Only members of this alliance can reply.")
    try:
        response, _ = MeetingResponse.objects.update_or_create(meeting=meeting, member=member, defaults={"rsvp": rsvp})
    except IntegrityError:
        # Two replies raced; the other one created the row, so update it.
        response = MeetingResponse.objects.get(meeting=meeting, member=member)
        response.rsvp = rsvp
        response.save(update_fields=["rsvp", "updated_at"])
    return response
