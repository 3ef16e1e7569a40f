"""Sending under leases: every write to a digest's deliveries.

Each (key, recipient) pair has one DigestDelivery row, made before any mail goes out. A worker claims
a batch of them with one UPDATE that gives them a lease (its token and a time, DIGEST_LEASE_SECONDS
ahead); no lock is held while mail is sent. Before handing each email to the SMTP server it renews
that row's lease and notes `handed_at`, and it records the server's answer straight after. So:

- two workers, a task that runs twice or a schedule that fires twice never both send one delivery:
  a claim takes only rows nobody holds, and a worker whose claim was taken over sends nothing more;
- a worker that dies leaves its claims to run out; the sweep (deliveries_sweep, from the beat and
  `send_due_digests`) hands them out again, so nothing is lost;
- a worker that died between the server's "250" and the record leaves `handed_at` set: the sweep marks
  that delivery `may_have_sent_twice` and it is sent again with the same Message-ID. That one copy per
  delivery in flight at the crash is the only duplicate possible: exactly once is impossible over SMTP.

A refused email is left failed with its error and a time to retry it (see network.digests.due).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import uuid
from typing import Literal, NotRequired, TypedDict

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from network.digests.due import MAX_ATTEMPTS, deliveries_sendable, retry_delay, sweep_condition
from network.digests.keys import Digest, Kind
from network.digests.messages import digest_message, message_id_for, stored_message
from network.digests.recipients import place_still_held, recipients_for
from network.models import DigestDelivery, InvitationStatus, Membership

logger = logging.getLogger(__name__)

Outcome = Literal["sent", "failed", "skipped"]
# "unreachable": failed because the server could not be reached or answered nothing (counted as failed).
Attempt = Literal["sent", "failed", "skipped", "unreachable"]
Status = DigestDelivery.Status

# Deliveries claimed at once: the claim is one UPDATE, and a batch left by a dead worker is small.
CLAIM_BATCH = 25
# After this many unreachable attempts in a row the server is taken to be down: the run stops and lets its other
# claims go, to be swept up once the retry delay has passed, rather than waiting out a timeout for each.
FAILURES_IN_A_ROW = 3


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


def _lease_end(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)


def _claim(digest: Digest, delivery_ids: list[int], token: uuid.UUID) -> list[DigestDelivery]:
    """Claim up to CLAIM_BATCH of these deliveries that are still to be sent and that nobody holds, in one UPDATE.

    A delivery whose lease ran out while it was with the SMTP server is marked as perhaps sent twice.
    """
    now = timezone.now()
    free = (
        deliveries_sendable(digest.key)
        .filter(pk__in=delivery_ids)
        .filter(Q(lease_token__isnull=True) | Q(lease_until__lt=now))
        .order_by("pk")
        .select_for_update(skip_locked=True)  # two workers claiming at once take different rows
        .values("pk")[:CLAIM_BATCH]
    )
    with transaction.atomic():  # one statement; the subquery's row locks need a transaction to live in
        claimed = DigestDelivery.objects.filter(pk__in=free).update(
            lease_token=token,
            lease_until=_lease_end(now),
            may_have_sent_twice=ExpressionWrapper(
                Q(may_have_sent_twice=True) | Q(handed_at__isnull=False), output_field=BooleanField()
            ),
            handed_at=None,
        )
    if not claimed:
        return []
    return list(DigestDelivery.objects.filter(lease_token=token).select_related("recipient__user").order_by("pk"))


def _release(token: uuid.UUID, *, until: dt.datetime | None = None) -> None:
    """Let go of the claimed deliveries not yet handed to the server; with `until`, the sweep leaves them till then."""
    DigestDelivery.objects.filter(lease_token=token, status__in=(Status.PENDING, Status.FAILED)).filter(
        handed_at__isnull=True
    ).update(lease_token=None, lease_until=until)


def deliveries_send(*, digest: Digest, delivery_ids: list[int]) -> SendCounts:
    """Send the digest to each of these deliveries still to be sent, over one connection to the mail server.

    Claims them a batch at a time. A soft time limit lets go of what is not yet handed over and re-raises,
    so the task can queue the rest; a server that fails several times in a row ends the run early.
    """
    counts = SendCounts(sent=0, failed=0, skipped=0)
    connection = get_connection()
    token = uuid.uuid4()
    try:
        in_a_row = 0
        while in_a_row < FAILURES_IN_A_ROW:
            batch = _claim(digest, delivery_ids, token)
            if not batch:
                break
            for delivery in batch:
                if in_a_row >= FAILURES_IN_A_ROW:
                    break
                attempt = _deliver_one(digest, delivery, connection, token)
                counts["failed" if attempt == "unreachable" else attempt] += 1
                in_a_row = in_a_row + 1 if attempt == "unreachable" else 0
        if in_a_row >= FAILURES_IN_A_ROW:
            _release(token, until=timezone.now() + retry_delay(1))
    except SoftTimeLimitExceeded:
        _release(token)
        raise
    finally:
        with contextlib.suppress(Exception):  # a connection that broke mid-run has nothing left to close
            connection.close()
    # Whatever this run did not send or fail was skipped: sent already, held by another worker, not due yet.
    counts["skipped"] = max(len(set(delivery_ids)) - counts["sent"] - counts["failed"], 0)
    return counts


def _deliver_one(digest: Digest, delivery: DigestDelivery, connection: BaseEmailBackend, token: uuid.UUID) -> Attempt:
    if digest.kind == Kind.PLACE and not place_still_held(digest=digest, membership_id=delivery.recipient_id):
        return _record(delivery, Status.SKIPPED)  # they gave the place back before it went
    try:
        message_id = message_id_for(digest.key, delivery)
        message = (
            stored_message(delivery, connection=connection, message_id=message_id)
            if digest.kind == Kind.MAIL
            else digest_message(digest, delivery.recipient, connection=connection, message_id=message_id)
        )
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # a template that cannot render for this person: their row says why
        logger.exception("digest %s to delivery %s could not be rendered", digest.key, delivery.pk)
        return _record_failed(delivery, exc)
    if message is None:
        return _record(delivery, Status.SKIPPED)  # nothing new for them
    now = timezone.now()
    # Renew the lease and note the hand-over; if the lease was taken over, another worker has this one.
    if not DigestDelivery.objects.filter(pk=delivery.pk, lease_token=token).update(
        handed_at=now, lease_until=_lease_end(now)
    ):
        return "skipped"
    try:
        connection.open()  # one connection for the whole run; a no-op while it is open
        message.send()
    except SoftTimeLimitExceeded:
        raise  # the handed_at stays: the lease runs out and the sweep sends it again, flagged
    except Exception as exc:  # the server refused, hung up or timed out: not accepted
        # For the operator's log, in English (logger.log, not .warning: no reader of the app sees it).
        logger.log(logging.WARNING, "digest %s to delivery %s failed: %s", digest.key, delivery.pk, exc)
        with contextlib.suppress(Exception):  # the server may already have hung up
            connection.close()  # a fresh connection for the next recipient
        _record_failed(delivery, exc)
        # An answer about this message (451, 550) says the server is there; anything else says it is not.
        answered = isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        return "failed" if answered else "unreachable"
    return _record(delivery, Status.SENT)


def _finished(delivery: DigestDelivery) -> dict[str, object]:
    """What every recorded answer writes: the lease is let go and the attempt is over."""
    return {"lease_token": None, "lease_until": None, "handed_at": None, "attempted_at": timezone.now()}


def _record(delivery: DigestDelivery, status: str) -> Outcome:
    """Record sent or skipped. Sent is recorded whoever holds the lease now: the server has the email."""
    fields = _finished(delivery)
    if status == Status.SENT:
        fields.update(attempts=F("attempts") + 1, sent_at=fields["attempted_at"], error="")
    DigestDelivery.objects.filter(pk=delivery.pk).exclude(status=Status.SENT).update(status=status, **fields)
    if delivery.kind == Kind.INVITATION and status == Status.SENT:
        _invitation_recorded(delivery, "")
    return "sent" if status == Status.SENT else "skipped"


def _invitation_recorded(delivery: DigestDelivery, error: str) -> None:
    """An invitation's answer is the person's invitation status too, as the Invitations page shows (unless
    they have accepted already)."""
    person = Membership.objects.filter(pk=delivery.recipient_id).exclude(invitation_status=InvitationStatus.ACCEPTED)
    if error:
        person.update(invitation_status=InvitationStatus.FAILED, invitation_error=error[:1000])
    else:
        person.update(invitation_status=InvitationStatus.SENT, invited_at=timezone.now(), invitation_error="")


def _record_failed(delivery: DigestDelivery, exc: Exception) -> Outcome:
    attempts = delivery.attempts + 1
    error = (str(exc) or type(exc).__name__)[:500]
    DigestDelivery.objects.filter(pk=delivery.pk).exclude(status=Status.SENT).update(
        status=Status.FAILED,
        attempts=F("attempts") + 1,
        error=error,
        retry_at=timezone.now() + retry_delay(attempts),
        **_finished(delivery),
    )
    if delivery.kind == Kind.INVITATION:
        _invitation_recorded(delivery, error)
    return "failed"


def deliveries_sweep(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Take back every unfinished delivery whose lease ran out, or that was queued and never claimed.

    One UPDATE, by key: the rows get a fresh lease with no owner (so the next sweep leaves them while the
    run it queues takes them), and one that had been handed to the SMTP server is marked perhaps sent twice.
    """
    now = now or timezone.now()
    condition, params = sweep_condition(now)
    table = DigestDelivery._meta.db_table
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET lease_until = %s, lease_token = NULL, "  # noqa: S608 - the table name is ours
            f"may_have_sent_twice = (may_have_sent_twice OR handed_at IS NOT NULL), handed_at = NULL "
            f"WHERE {condition} RETURNING key, id",
            [_lease_end(now), *params],
        )
        rows = cursor.fetchall()
    swept: dict[str, list[int]] = {}
    for key, delivery_id in sorted(rows):
        swept.setdefault(key, []).append(delivery_id)
    return swept


def mail_deliveries_create(*, key: str, letters: list[tuple[Membership, str, str]]) -> int:
    """Queue written emails, each (person, subject, body): a delivery each, with its email stored on it. How many."""
    rows = [
        DigestDelivery(key=key, kind=Kind.MAIL, recipient=m, subject=subject[:300], body=body)
        for m, subject, body in letters
    ]
    return len(DigestDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000))
