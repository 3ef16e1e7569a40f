"""Who receives a digest: still in the site, wanting this kind of email, and not having acted on it."""

from __future__ import annotations

from django.db.models import QuerySet

from network.digests.keys import Digest, Kind
from network.models import DigestPreference, MeetingResponse, Membership, Rsvp
from network.selectors.meetings import meeting_invitees


def recipients_for(*, digest: Digest) -> QuerySet[Membership]:
    """Everyone this digest goes to now, unordered: the rows its deliveries are made for."""
    if digest.kind == Kind.SIGN_IN:
        return Membership.objects.filter(pk=digest.membership_id or 0, user__is_active=True)
    if digest.kind in (Kind.INVITATION, Kind.MAIL):
        # Whom it was queued for (the enabler's press, or the service that wrote it), while still in the site.
        return Membership.objects.filter(digest_deliveries__key=digest.key, archived_at__isnull=True)
    if digest.kind == Kind.WEEKLY:
        assert digest.alliance is not None  # noqa: S101 - a weekly key always names an alliance
        return Membership.objects.filter(
            alliance_memberships__alliance=digest.alliance,
            archived_at__isnull=True,
            digest_preference=DigestPreference.WEEKLY,
        )
    assert digest.meeting is not None  # noqa: S101 - every other kind names a meeting
    people = meeting_invitees(meeting=digest.meeting).filter(archived_at__isnull=True)
    if digest.kind == Kind.PLACE:
        # Not a digest but an answer to their own "going": sent whatever their digest preference,
        # and only while they still hold the place.
        holding = MeetingResponse.objects.filter(
            meeting=digest.meeting, rsvp=Rsvp.GOING, waitlisted_at__isnull=True
        ).values("membership_id")
        return people.filter(pk=digest.membership_id or 0).filter(pk__in=holding)
    people = people.exclude(digest_preference=DigestPreference.NONE)
    if digest.kind == Kind.PRE_MEETING:
        # Those who said they are not going have acted; a reminder is not for them.
        # A subquery, because one exclude() across a multi-valued relation does not tie
        # both conditions to the same reply: a "not going" to any other meeting would count.
        not_going = MeetingResponse.objects.filter(meeting=digest.meeting, rsvp=Rsvp.NOT_GOING)
        people = people.exclude(pk__in=not_going.values("membership_id"))
    return people


def digest_recipients(digest: Digest) -> QuerySet[Membership]:
    """The people this digest would go to now, by name: for choosing whom to preview it as."""
    return recipients_for(digest=digest).select_related("user").order_by("user__name", "pk")


def digest_recipient(digest: Digest, *, membership_id: str) -> Membership | None:
    """The person of this id, as asked for, if this digest would go to them now (else None): whom to preview it as.
    One query."""
    if not membership_id.isdigit():
        return None
    return recipients_for(digest=digest).select_related("user").filter(pk=int(membership_id)).first()


def place_still_held(*, digest: Digest, membership_id: int) -> bool:
    """For a "place came free" email: whether they still hold the place, rather than having given it back."""
    return recipients_for(digest=digest).filter(pk=membership_id).exists()
