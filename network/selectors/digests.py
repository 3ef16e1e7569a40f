"""What the Digests page reads: the digests a site can send now, whether one has anyone left to send to,
and how far one has got. What a digest says, and to whom, is network.digests' job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from network.digests.due import MAX_ATTEMPTS, deliveries_sendable
from network.digests.keys import digest_parse, pre_meeting_key, weekly_key
from network.digests.recipients import digest_recipients
from network.models import Alliance, DigestDelivery, Meeting, PilotSite


@dataclass(frozen=True)
class DigestProgress:
    key: str
    sent: int
    failed: int
    skipped: int
    remaining: int
    failures: list[tuple[str, str]]  # email, error

    @property
    def done(self) -> bool:
        return self.remaining == 0


def digest_progress(*, key: str, site_id: int) -> DigestProgress:
    deliveries: QuerySet[DigestDelivery] = DigestDelivery.objects.filter(key=key, recipient__site_id=site_id)
    counts = {status: 0 for status in DigestDelivery.Status.values}
    for row in deliveries.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    retrying = deliveries.filter(status=DigestDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS).count()
    failures = list(
        deliveries.filter(status=DigestDelivery.Status.FAILED)
        .order_by("recipient__user__email")
        .values_list("recipient__user__email", "error")[:50]
    )
    return DigestProgress(
        key=key,
        sent=counts[DigestDelivery.Status.SENT],
        failed=counts[DigestDelivery.Status.FAILED] - retrying,
        skipped=counts[DigestDelivery.Status.SKIPPED],
        remaining=counts[DigestDelivery.Status.PENDING] + retrying,
        failures=failures,
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
        when = timezone.localtime(meeting.starts_at).strftime("%-d %B, %H:%M")
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
