"""Sending under row locks: every write to a digest's deliveries.

Each (key, recipient) pair has one DigestDelivery row, made before any mail goes out. A recipient's
row is locked while their email is sent and marked sent in the same transaction, so a task that runs
twice, two workers on the same digest, or a schedule that fires twice never send anyone a second
copy. A refused email is left failed with its error and a time to retry it (see network.digests.due).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Literal, NotRequired, TypedDict

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from network.digests.due import MAX_ATTEMPTS, deliveries_sendable, retry_delay
from network.digests.keys import Digest, Kind
from network.digests.messages import digest_message
from network.digests.recipients import place_still_held, recipients_for
from network.models import DigestDelivery

logger = logging.getLogger(__name__)

Outcome = Literal["sent", "failed", "skipped"]


class SendCounts(TypedDict):
    """What one run did: sent, failed, skipped (already sent, being sent by another worker, or nothing
    new to say), and how many deliveries it handed to other workers in chunks, if it did."""

    sent: int
    failed: int
    skipped: int
    queued: NotRequired[int]


def deliveries_create(*, digest: Digest) -> list[int]:
    """Make the digest's delivery rows (rows that exist already are left as they are); every delivery id of
    the digest, oldest first."""
    membership_ids = list(recipients_for(digest=digest).values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(key=digest.key, kind=digest.kind, meeting=digest.meeting, recipient_id=membership_id)
            for membership_id in membership_ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return list(DigestDelivery.objects.filter(key=digest.key).order_by("pk").values_list("pk", flat=True))


def deliveries_fail_late(*, key: str, delivery_ids: list[int], reason: str) -> int:
    """Record these deliveries, of a digest whose time has passed, as failed for good with the reason."""
    return (
        deliveries_sendable(key)
        .filter(pk__in=delivery_ids)
        .update(status=DigestDelivery.Status.FAILED, attempts=MAX_ATTEMPTS, error=reason)
    )


def deliveries_send(*, digest: Digest, delivery_ids: list[int]) -> SendCounts:
    """Send the digest to each of these deliveries still to be sent, over one connection to the mail server."""
    counts = SendCounts(sent=0, failed=0, skipped=0)
    connection = get_connection()
    try:
        for delivery_id in delivery_ids:
            counts[_deliver_one(digest, delivery_id, connection)] += 1
    finally:
        with contextlib.suppress(Exception):  # a connection that broke mid-run has nothing left to close
            connection.close()
    return counts


def _claim(digest: Digest, delivery_id: int) -> DigestDelivery | None:
    """Lock the delivery for this transaction, if it is still to be sent and no other worker holds it."""
    return (
        deliveries_sendable(digest.key)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient__user")
        .filter(pk=delivery_id)
        .first()
    )


def _deliver_one(digest: Digest, delivery_id: int, connection: BaseEmailBackend) -> Outcome:
    with transaction.atomic():
        delivery = _claim(digest, delivery_id)
        if delivery is None:
            return "skipped"
        if digest.kind == Kind.PLACE and not place_still_held(digest=digest, membership_id=delivery.recipient_id):
            return _record_skipped(delivery)  # they gave the place back before it went
        try:
            message = digest_message(digest, delivery.recipient, connection=connection, delivery_id=delivery.pk)
            if message is None:
                return _record_skipped(delivery)  # nothing new for them
            connection.open()  # one connection for the whole run; a no-op while it is open
            message.send()
        except Exception as exc:
            logger.warning("digest %s to delivery %s failed: %s", digest.key, delivery.pk, exc)
            with contextlib.suppress(Exception):  # the server may already have hung up
                connection.close()  # a fresh connection for the next recipient
            return _record_failed(delivery, exc)
        return _record_sent(delivery)


def _record_skipped(delivery: DigestDelivery) -> Outcome:
    delivery.status = DigestDelivery.Status.SKIPPED
    delivery.save(update_fields=["status"])
    return "skipped"


def _record_failed(delivery: DigestDelivery, exc: Exception) -> Outcome:
    delivery.status = DigestDelivery.Status.FAILED
    delivery.attempts += 1
    delivery.error = str(exc)[:500]
    delivery.retry_at = timezone.now() + retry_delay(delivery.attempts)
    delivery.save(update_fields=["status", "attempts", "error", "retry_at"])
    return "failed"


def _record_sent(delivery: DigestDelivery) -> Outcome:
    delivery.status = DigestDelivery.Status.SENT
    delivery.attempts += 1
    delivery.sent_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["status", "attempts", "sent_at", "error"])
    return "sent"
