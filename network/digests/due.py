"""What is due: weekly digests and reminders whose time has come, refused emails whose backoff is over,
and digests whose time has passed."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from network.digests.keys import Digest, Kind, pre_meeting_key, weekly_key
from network.models import Alliance, DigestDelivery, DigestSchedule, Meeting

# A refused email is tried this many times in all, then stays failed for the enabler to see.
MAX_ATTEMPTS = 5
# A pre-meeting reminder is never set more than this many days ahead (the schedule form's limit too).
MAX_DAYS_BEFORE_MEETING = 30


class DueRun(NamedTuple):
    """One digest run that is due: a digest to start (delivery_ids None), or these refused deliveries to retry."""

    key: str
    delivery_ids: list[int] | None


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the given number of refusals: the base delay, doubling each time."""
    return dt.timedelta(seconds=settings.DIGEST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _retry_due(now: dt.datetime) -> Q:
    """Refused before, with attempts left, and its backoff over."""
    return Q(status=DigestDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS, retry_at__lte=now)


def sweep_condition(now: dt.datetime) -> tuple[str, list[str | dt.datetime]]:
    """SQL for the deliveries the sweep takes back, with its parameters: unfinished, and either claimed with
    the lease run out, or never claimed and older than a lease (its task was lost, say with Redis)."""
    lease_ago = now - dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)
    return (
        "status = %s AND (lease_until < %s OR (lease_until IS NULL AND (created_at IS NULL OR created_at < %s)))",
        [DigestDelivery.Status.PENDING.value, now, lease_ago],
    )


def deliveries_sendable(key: str) -> QuerySet[DigestDelivery]:
    """The digest's deliveries that may be sent now: never tried, or refused and due a retry."""
    return DigestDelivery.objects.filter(key=key).filter(
        Q(status=DigestDelivery.Status.PENDING) | _retry_due(timezone.now())
    )


def digest_too_late(*, digest: Digest, now: dt.datetime | None = None) -> str:
    """Why this digest should no longer go out, or "" if it still should."""
    now = now or timezone.now()
    if digest.kind == Kind.WEEKLY:
        assert digest.alliance is not None  # noqa: S101 - a weekly key always names an alliance
        if digest.key != weekly_key(alliance=digest.alliance, when=now):
            return gettext("Not sent: that week has passed.")
        return ""
    meeting = digest.meeting
    if meeting is not None and meeting.starts_at <= now:
        return gettext("Not sent: the meeting had already started.")
    if meeting is not None and meeting.cancelled_at is not None and digest.kind != Kind.CHANGE:
        return gettext("Not sent: the meeting was cancelled.")
    return ""


def retry_next(*, key: str, delivery_ids: list[int]) -> dt.datetime | None:
    """When the soonest of these refused deliveries (with attempts left) may be tried again, if any."""
    return (
        DigestDelivery.objects.filter(
            key=key,
            pk__in=delivery_ids,
            status=DigestDelivery.Status.FAILED,
            attempts__lt=MAX_ATTEMPTS,
            retry_at__isnull=False,
        )
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first()
    )


def digests_due(*, now: dt.datetime | None = None) -> list[str]:
    """The keys of digests whose time has come and that have not been started: weekly ones and reminders.

    In four queries however many sites and meetings there are. A key is the same however often
    this runs in its week (or for its meeting), so a doubled schedule sends nothing twice.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    monday = local.date() - dt.timedelta(days=local.weekday())
    schedules = {s.site_id: s for s in DigestSchedule.objects.all()}
    default = DigestSchedule()
    keys: list[str] = []
    for alliance in Alliance.objects.order_by("pk").only("pk", "site_id"):
        schedule = schedules.get(alliance.site_id, default)
        moment = timezone.make_aware(
            dt.datetime.combine(monday + dt.timedelta(days=schedule.weekday), schedule.send_time)
        )
        if now >= moment:
            keys.append(weekly_key(alliance=alliance, when=now))
    upcoming = Meeting.objects.filter(
        cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=MAX_DAYS_BEFORE_MEETING),
    ).order_by("starts_at", "pk")
    for meeting_id, site_id, starts_at in upcoming.values_list("pk", "site_id", "starts_at"):
        if starts_at <= now + dt.timedelta(days=schedules.get(site_id, default).days_before_meeting):
            keys.append(pre_meeting_key(meeting_id=meeting_id))
    started = set(DigestDelivery.objects.filter(key__in=keys).values_list("key", flat=True).distinct())
    return [key for key in keys if key not in started]


def retries_due(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Refused emails whose backoff is over, by digest key: exactly these deliveries are retried.

    So they go even with no worker to retry them, and a retry never adds people to an old digest.
    """
    due: dict[str, list[int]] = {}
    rows = DigestDelivery.objects.filter(_retry_due(now or timezone.now())).order_by("key", "pk")
    for key, delivery_id in rows.values_list("key", "pk"):
        due.setdefault(key, []).append(delivery_id)
    return due


def runs_due(*, now: dt.datetime | None = None) -> list[DueRun]:
    """Every digest run that is due: the digests to start, then the retries.

    What Celery beat queues every few minutes, and `manage.py send_due_digests` runs from cron
    when there is no Celery.
    """
    runs = [DueRun(key, None) for key in digests_due(now=now)]
    runs += [DueRun(key, delivery_ids) for key, delivery_ids in retries_due(now=now).items()]
    return runs
