"""Digests: every email that goes to an alliance, each sent exactly once per person.

A digest has a key ("meeting:12", "change:12:3", "pre_meeting:12",
"weekly:4:2026-W48", or "place:12:7:<stamp>" for the one person a place
on the waiting list came free for). Each (key, recipient) pair has one DigestDelivery row,
created before any mail goes out. A recipient's row is locked while their
email is sent and marked sent in the same transaction, so a task that runs
twice, two workers on the same digest, or a schedule that fires twice never
send anyone a second copy. A refused email is left failed with its error and
retried (with backoff, by the task) until MAX_ATTEMPTS, then stays failed for
the enabler to see.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from network import tokens
from network.calendars import meeting_ics, meeting_url
from network.models import (
    Alliance,
    DigestDelivery,
    DigestPreference,
    DigestSchedule,
    Meeting,
    MeetingResponse,
    Membership,
    PilotSite,
    Rsvp,
)
from network.selectors.digests import WeeklyNews, weekly_digest_for, weekly_news
from network.selectors.meetings import AttendeeRow, meeting_attendee_rows, meeting_invitees

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
Kind = DigestDelivery.Kind


@dataclass
class Digest:
    """One digest, parsed from its key, with what every copy of it shares computed once."""

    key: str
    kind: str
    site: PilotSite
    alliance: Alliance | None = None
    meeting: Meeting | None = None
    # For a "place came free" email, the one person it is for.
    membership_id: int | None = None
    shared: dict[str, Any] = field(default_factory=dict)


def weekly_key(*, alliance: Alliance, when: dt.datetime) -> str:
    year, week, _ = timezone.localtime(when).isocalendar()
    return f"weekly:{alliance.pk}:{year}-W{week:02d}"


def digest_parse(key: str) -> Digest | None:
    """The digest a key names, or None if the key is malformed or what it names no longer exists."""
    kind, _, rest = key.partition(":")
    parts = rest.split(":")
    if not parts[0].isdigit():
        return None
    if kind == Kind.WEEKLY:
        alliance = Alliance.objects.select_related("site").filter(pk=int(parts[0])).first()
        return Digest(key=key, kind=kind, site=alliance.site, alliance=alliance) if alliance else None
    if kind in (Kind.MEETING, Kind.CHANGE, Kind.PRE_MEETING, Kind.PLACE):
        meeting = Meeting.objects.select_related("site", "alliance").filter(pk=int(parts[0])).first()
        if meeting is None:
            return None
        digest = Digest(key=key, kind=kind, site=meeting.site, alliance=meeting.alliance, meeting=meeting)
        if kind == Kind.PLACE:
            if len(parts) < 2 or not parts[1].isdigit():
                return None
            digest.membership_id = int(parts[1])
        return digest
    return None


def _recipients(digest: Digest) -> Any:
    """Who gets this digest: still in the site, wanting this kind of email, and not having acted on it."""
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


def digest_recipients(digest: Digest) -> Any:
    """The people this digest would go to now, by name: for choosing whom to preview it as."""
    return _recipients(digest).select_related("user").order_by("user__name", "pk")


def deliveries_create(digest: Digest) -> int:
    """Make the digest's delivery rows; rows that exist already are left as they are."""
    membership_ids = list(_recipients(digest).values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(key=digest.key, kind=digest.kind, meeting=digest.meeting, recipient_id=membership_id)
            for membership_id in membership_ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(membership_ids)


def _shared_context(digest: Digest) -> dict[str, Any]:
    if not digest.shared:
        if digest.meeting is not None:
            digest.shared = {
                "meeting": digest.meeting,
                "going": meeting_attendee_rows(meeting=digest.meeting, going_only=True),
                "meeting_url": meeting_url(meeting=digest.meeting),
                "site": digest.site,
                "alliance": digest.alliance,
            }
        else:
            assert digest.alliance is not None  # noqa: S101 - only weekly digests have no meeting
            digest.shared = {
                "news": weekly_news(alliance=digest.alliance),
                "site": digest.site,
                "alliance": digest.alliance,
            }
    return digest.shared


def _rsvp_links(meeting: Meeting, membership: Membership) -> dict[str, str]:
    token = tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=membership.pk)
    url = settings.SITE_URL + reverse("network:meeting-rsvp", kwargs={"token": token})
    return {choice: f"{url}?answer={choice}" for choice in Rsvp.values}


def digest_message(
    digest: Digest, membership: Membership, *, connection: BaseEmailBackend | None = None, delivery_id: int = 0
) -> EmailMultiAlternatives | None:
    """The email one person gets for this digest, or None when there is nothing new for them."""
    context = dict(_shared_context(digest))
    unsubscribe_url = settings.SITE_URL + reverse(
        "network:digest-unsubscribe", kwargs={"token": tokens.unsubscribe_token_make(membership_id=membership.pk)}
    )
    context.update(recipient=membership.user, membership=membership, unsubscribe_url=unsubscribe_url, kind=digest.kind)
    site = digest.site
    if digest.meeting is not None:
        meeting = digest.meeting
        context["rsvp_links"] = _rsvp_links(meeting, membership) if meeting.cancelled_at is None else {}
        if digest.kind == Kind.MEETING:
            template, subject = "network/email/meeting_digest", f"{site.name}: {meeting.title}"
        elif digest.kind == Kind.PLACE:
            template, subject = "network/email/meeting_place", f"{site.name}: A place for you: {meeting.title}"
        elif digest.kind == Kind.CHANGE:
            template = "network/email/meeting_notice"
            word = "Cancelled" if meeting.cancelled_at else "Changed"
            subject = f"{site.name}: {word}: {meeting.title}"
        else:
            template, subject = "network/email/meeting_notice", f"{site.name}: Coming up: {meeting.title}"
    else:
        news: WeeklyNews = context["news"]
        personal = weekly_digest_for(news=news, membership=membership)
        if personal.is_empty:
            return None
        context["digest"] = personal
        context["meeting_links"] = [(m, _rsvp_links(m.meeting, membership)) for m in personal.meetings]
        template, subject = "network/email/weekly_digest", f"{site.name}: your week in the alliance"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[membership.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # A stable id per delivery lets a mail system drop a copy it has already seen.
            **(
                {"Message-ID": f"<digest-{delivery_id}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"}
                if delivery_id
                else {}
            ),
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if digest.kind in (Kind.PRE_MEETING, Kind.CHANGE, Kind.PLACE) and digest.meeting is not None:
        message.attach("meeting.ics", meeting_ics(meeting=digest.meeting), "text/calendar")
    return message


def digest_preview(*, digest: Digest, membership: Membership) -> EmailMultiAlternatives | None:
    return digest_message(digest, membership)


def _retry_due(now: dt.datetime) -> Q:
    """Refused before, with attempts left, and its backoff over."""
    return Q(status=DigestDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS, retry_at__lte=now)


def deliveries_sendable(key: str) -> Any:
    return DigestDelivery.objects.filter(key=key).filter(
        Q(status=DigestDelivery.Status.PENDING) | _retry_due(timezone.now())
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the given number of refusals: the base delay, doubling each time."""
    return dt.timedelta(seconds=settings.DIGEST_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def digest_send(*, key: str, delivery_ids: list[int] | None = None) -> dict[str, int]:
    """Send the digest to every recipient (or the given deliveries) not yet sent.

    Returns counts of what this call did: sent, failed, and skipped (already
    sent, being sent by another worker, or nothing new to say).
    """
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    digest = digest_parse(key)
    if digest is None:
        return counts
    if delivery_ids is None:
        deliveries_create(digest)
        delivery_ids = list(DigestDelivery.objects.filter(key=key).order_by("pk").values_list("pk", flat=True))
    late = digest_too_late(digest)
    if late:
        # A reminder after the meeting began, or last week's news: recorded as failed, for the enabler to see.
        counts["failed"] = (
            deliveries_sendable(key)
            .filter(pk__in=delivery_ids)
            .update(status=DigestDelivery.Status.FAILED, attempts=MAX_ATTEMPTS, error=late)
        )
        return counts
    connection = get_connection()
    try:
        for delivery_id in delivery_ids:
            counts[_deliver_one(digest, delivery_id, connection)] += 1
    finally:
        with contextlib.suppress(Exception):  # a connection that broke mid-run has nothing left to close
            connection.close()
    return counts


def digest_too_late(digest: Digest, now: dt.datetime | None = None) -> str:
    """Why this digest should no longer go out, or "" if it still should."""
    now = now or timezone.now()
    if digest.kind == Kind.WEEKLY:
        assert digest.alliance is not None  # noqa: S101 - a weekly key always names an alliance
        return "" if digest.key == weekly_key(alliance=digest.alliance, when=now) else "Not sent: that week has passed."
    meeting = digest.meeting
    if meeting is not None and meeting.starts_at <= now:
        return "Not sent: the meeting had already started."
    if meeting is not None and meeting.cancelled_at is not None and digest.kind != Kind.CHANGE:
        return "Not sent: the meeting was cancelled."
    return ""


def _deliver_one(digest: Digest, delivery_id: int, connection: BaseEmailBackend) -> str:
    with transaction.atomic():
        delivery = (
            deliveries_sendable(digest.key)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "skipped"
        if digest.kind == Kind.PLACE and not _recipients(digest).filter(pk=delivery.recipient_id).exists():
            delivery.status = DigestDelivery.Status.SKIPPED  # they gave the place back before it went
            delivery.save(update_fields=["status"])
            return "skipped"
        try:
            message = digest_message(digest, delivery.recipient, connection=connection, delivery_id=delivery.pk)
            if message is None:
                delivery.status = DigestDelivery.Status.SKIPPED
                delivery.save(update_fields=["status"])
                return "skipped"
            connection.open()  # one connection for the whole run; a no-op while it is open
            message.send()
        except Exception as exc:
            logger.warning("digest %s to delivery %s failed: %s", digest.key, delivery.pk, exc)
            with contextlib.suppress(Exception):  # the server may already have hung up
                connection.close()  # a fresh connection for the next recipient
            delivery.status = DigestDelivery.Status.FAILED
            delivery.attempts += 1
            delivery.error = str(exc)[:500]
            delivery.retry_at = timezone.now() + retry_delay(delivery.attempts)
            delivery.save(update_fields=["status", "attempts", "error", "retry_at"])
            return "failed"
        delivery.status = DigestDelivery.Status.SENT
        delivery.attempts += 1
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.save(update_fields=["status", "attempts", "sent_at", "error"])
        return "sent"


def digest_retry_next(*, key: str, delivery_ids: list[int] | None = None) -> dt.datetime | None:
    """When the soonest of these refused deliveries (with attempts left) may be tried again, if any."""
    failed = DigestDelivery.objects.filter(
        key=key, status=DigestDelivery.Status.FAILED, attempts__lt=MAX_ATTEMPTS, retry_at__isnull=False
    )
    if delivery_ids is not None:
        failed = failed.filter(pk__in=delivery_ids)
    return failed.order_by("retry_at").values_list("retry_at", flat=True).first()


__all__ = ["MAX_ATTEMPTS", "AttendeeRow", "Digest", "digest_parse", "digest_send", "weekly_key"]

# A pre-meeting reminder is never set more than this many days ahead (the schedule form's limit).
MAX_DAYS_BEFORE_MEETING = 30


def digests_due(*, now: dt.datetime | None = None) -> list[str]:
    """The keys of digests whose time has come and that have not been started: weekly ones and reminders.

    Run by Celery beat every few minutes (or `manage.py send_due_digests` from cron when there is no
    Celery), in four queries however many sites and meetings there are.
    A key is the same however often this runs in its week (or for its meeting), so a doubled
    schedule sends nothing twice.
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
            keys.append(f"{Kind.PRE_MEETING}:{meeting_id}")
    started = set(DigestDelivery.objects.filter(key__in=keys).values_list("key", flat=True).distinct())
    return [key for key in keys if key not in started]


def retries_due(*, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Refused emails whose backoff is over, by digest key: the beat retries exactly these deliveries.

    So they go even with no worker to retry them, and a retry never adds people to an old digest.
    """
    due: dict[str, list[int]] = {}
    rows = DigestDelivery.objects.filter(_retry_due(now or timezone.now())).order_by("key", "pk")
    for key, delivery_id in rows.values_list("key", "pk"):
        due.setdefault(key, []).append(delivery_id)
    return due
