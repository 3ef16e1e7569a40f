"""What the Digests page reads: the digests a site can send now, whether one has anyone left to send to,
and how far one has got. What a digest says, and to whom, is network.digests' job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from network.digests.due import MAX_ATTEMPTS, deliveries_sendable
from network.digests.keys import digest_parse, pre_meeting_key, weekly_key
from network.digests.recipients import digest_recipients
from network.models import Alliance, DigestDelivery, Meeting, PilotSite


class SendState:
    """Where a digest's sending is, as the Digests page says it."""

    NOT_STARTED = "not_started"  # nothing queued or sent yet
    QUEUED = "queued"  # its deliveries are made, and no worker has recorded anything yet
    SENDING = "sending"  # a worker has recorded something lately
    STALLED = "stalled"  # unfinished, and nothing recorded for a while: `why` says what is known
    DONE = "done"  # every delivery sent, failed for good or skipped


@dataclass(frozen=True)
class DigestProgress:
    key: str
    sent: int
    failed: int
    skipped: int
    remaining: int
    failures: list[tuple[str, str]]  # email, error
    state: str = SendState.NOT_STARTED
    why: str = ""  # for a stalled digest: what is known of the cause
    maybe_twice: int = 0  # deliveries that may have gone twice after a crash

    @property
    def done(self) -> bool:
        return self.state == SendState.DONE

    @property
    def polling(self) -> bool:
        """Whether the page should keep asking: anything but done or never started."""
        return self.state not in (SendState.DONE, SendState.NOT_STARTED)


def stalled_after() -> dt.timedelta:
    """How long without anything recorded before an unfinished digest counts as stalled: a lease and a sweep."""
    return dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS + settings.DIGEST_SWEEP_SECONDS)


def _stall_reason(row: dict[str, object], last_error: str) -> str:
    if row["retrying"]:
        return gettext("The mail server refused or did not answer (%(error)s); it is tried again by itself.") % {
            "error": last_error or gettext("no reason given")
        }
    if row["expired"]:
        return gettext(
            "A worker stopped part-way (its claim on some emails ran out); they are swept up and sent again."
        )
    if row["held"]:
        return gettext("A worker is still trying to reach the mail server.")
    return gettext("No worker has picked it up: check that the Celery worker and beat are running.")


def digest_progress(*, key: str, site_id: int, now: dt.datetime | None = None) -> DigestProgress:
    """How far a digest has got, in three queries whatever its size."""
    now = now or timezone.now()
    deliveries: QuerySet[DigestDelivery] = DigestDelivery.objects.filter(key=key, recipient__site_id=site_id)
    status = DigestDelivery.Status
    retrying = Q(status=status.FAILED, attempts__lt=MAX_ATTEMPTS)
    leased = Q(status=status.PENDING, lease_token__isnull=False)
    row = deliveries.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=status.SENT)),
        failed=Count("pk", filter=Q(status=status.FAILED, attempts__gte=MAX_ATTEMPTS)),
        retrying=Count("pk", filter=retrying),
        skipped=Count("pk", filter=Q(status=status.SKIPPED)),
        pending=Count("pk", filter=Q(status=status.PENDING)),
        held=Count("pk", filter=leased & Q(lease_until__gte=now)),
        expired=Count("pk", filter=leased & Q(lease_until__lt=now)),
        maybe_twice=Count("pk", filter=Q(may_have_sent_twice=True)),
        last=Max("attempted_at"),
        first=Min("created_at"),
    )
    failures = list(
        deliveries.filter(status=status.FAILED)
        .order_by("-attempted_at", "recipient__user__email")
        .values_list("recipient__user__email", "error")[:50]
    )
    remaining = row["pending"] + row["retrying"]
    why = ""
    if not row["total"]:
        state = SendState.NOT_STARTED
    elif not remaining:
        state = SendState.DONE
    elif (row["last"] or row["first"] or now) < now - stalled_after():
        state = SendState.STALLED
        why = _stall_reason(row, failures[0][1] if failures else "")
    elif row["last"] is None and not row["held"]:
        state = SendState.QUEUED
    else:
        state = SendState.SENDING
    return DigestProgress(
        key=key,
        sent=row["sent"],
        failed=row["failed"],
        skipped=row["skipped"],
        remaining=remaining,
        failures=sorted(failures),
        state=state,
        why=why,
        maybe_twice=row["maybe_twice"],
    )


def digest_choices(
    *, site: PilotSite, alliance: Alliance | None, now: dt.datetime | None = None
) -> list[tuple[str, str]]:
    """The digests an enabler can preview and send now, by key: this week's, and each upcoming meeting's reminder."""
    now = now or timezone.now()
    choices = []
    if alliance is not None:
        choices.append((weekly_key(alliance=alliance, when=now), gettext("This week's digest to the alliance")))
    upcoming = Meeting.objects.filter(site=site, cancelled_at__isnull=True, starts_at__gt=now).order_by("starts_at")
    for meeting in upcoming[:20]:
        when = date_format(timezone.localtime(meeting.starts_at), "j F, H:i")  # month names in the reader's language
        label = gettext("Reminder before %(title)s (%(when)s)") % {"title": meeting.title, "when": when}
        choices.append((pre_meeting_key(meeting_id=meeting.pk), label))
    return choices


def digest_has_work(*, key: str) -> bool:
    """Whether sending this digest now would email anyone: someone not yet sent it, or a retry that is due."""
    digest = digest_parse(key)
    if digest is None:
        return False
    already = DigestDelivery.objects.filter(key=key).values("recipient_id")
    return digest_recipients(digest).exclude(pk__in=already).exists() or deliveries_sendable(key).exists()
