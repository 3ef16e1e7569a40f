"""Meeting digests: one email per alliance member per meeting, sent exactly once.

Each (meeting, recipient) pair has one DigestDelivery row, created before any
mail goes out. A recipient's row is locked while their email is sent and
marked sent in the same transaction, so a task that runs twice, or two
workers running it at once, never send anyone a second copy.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from network.models import DigestDelivery, Meeting
from network.selectors import meeting_attendee_rows

logger = logging.getLogger(__name__)


def digest_message(*, delivery: DigestDelivery) -> EmailMultiAlternatives:
    meeting = delivery.meeting
    context = {
        "meeting": meeting,
        "recipient": delivery.recipient.membership.user,
        "going": [row for row in meeting_attendee_rows(meeting=meeting) if row.rsvp == "going"],
        "meeting_url": settings.SITE_URL
        + reverse("network:meeting-detail", kwargs={"site_slug": meeting.alliance.site.slug, "meeting_id": meeting.pk}),
    }
    message = EmailMultiAlternatives(
        subject=f"{meeting.alliance.site.name}: {meeting.title}",
        body=render_to_string("network/email/meeting_digest.txt", context),
        to=[delivery.recipient.membership.user.email],
    )
    message.attach_alternative(render_to_string("network/email/meeting_digest.html", context), "text/html")
    return message


def meeting_digest_send(*, meeting_id: int) -> dict[str, int]:
    """Send the meeting's digest to every alliance member who has not had it.

    Returns counts of what this call did: sent, failed, and already sent.
    """
    meeting = Meeting.objects.select_related("alliance__site").filter(pk=meeting_id).first()
    if meeting is None:
        return {"sent": 0, "failed": 0, "skipped": 0}
    member_ids = list(meeting.alliance.members.values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(meeting=meeting, recipient_id=member_id) for member_id in member_ids],
        ignore_conflicts=True,
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for delivery_id in DigestDelivery.objects.filter(meeting=meeting).values_list("pk", flat=True):
        with transaction.atomic():
            delivery = (
                DigestDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("meeting__alliance__site", "recipient__membership__user")
                .filter(pk=delivery_id)
                .exclude(status=DigestDelivery.Status.SENT)
                .first()
            )
            if delivery is None:
                counts["skipped"] += 1
                continue
            try:
                digest_message(delivery=delivery).send()
            except Exception as exc:
                logger.warning("digest to delivery %s failed: %s", delivery.pk, exc)
                delivery.status = DigestDelivery.Status.FAILED
                delivery.error = str(exc)[:500]
                delivery.save(update_fields=["status", "error"])
                counts["failed"] += 1
                continue
            delivery.status = DigestDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.error = ""
            delivery.save(update_fields=["status", "sent_at", "error"])
            counts["sent"] += 1
    return counts
