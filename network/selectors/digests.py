"""What a digest says: read once per digest run, then filtered per reader without further queries.

What it says of outcomes (new candidates, rounds) comes through outcomes.selectors.for_network.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from network.models import Alliance, DigestDelivery, Meeting, Membership, PilotSite
from network.selectors.meetings import AttendeeRow, meeting_attendee_rows, meetings_for_alliance
from outcomes.selectors import for_network

WEEK = dt.timedelta(days=7)


@dataclass
class MeetingNews:
    meeting: Meeting
    going: list[AttendeeRow]
    replied_member_ids: set[int]  # membership ids


@dataclass
class WeeklyNews:
    """Everything that happened in an alliance's site lately, before it is made personal."""

    meetings: list[MeetingNews] = field(default_factory=list)
    outcomes: list[tuple[int | None, str, dt.datetime]] = field(default_factory=list)  # proposer, statement, when
    rounds_open: list[tuple[int, str, dt.datetime, set[int]]] = field(default_factory=list)  # id, title, voters
    rounds_closed: list[tuple[str, str, dt.datetime]] = field(default_factory=list)  # title, winner, closed
    pledges: list[tuple[int, str, str, dt.datetime]] = field(default_factory=list)  # membership id, name, pledge


@dataclass
class PersonalDigest:
    meetings: list[MeetingNews]
    outcomes: list[tuple[int | None, str, dt.datetime]]
    rounds_open: list[tuple[int, str, dt.datetime, set[int]]]
    rounds_closed: list[tuple[str, str, dt.datetime]]
    pledges: list[tuple[int, str, str, dt.datetime]]

    @property
    def is_empty(self) -> bool:
        return not (self.meetings or self.outcomes or self.rounds_open or self.rounds_closed or self.pledges)


def weekly_news(*, alliance: Alliance, now: dt.datetime | None = None) -> WeeklyNews:
    """The site's news of the past week, in a fixed number of queries whatever the alliance's size."""
    now = now or timezone.now()
    since = now - WEEK
    site_id = alliance.site_id
    news = WeeklyNews()
    upcoming = list(
        meetings_for_alliance(alliance=alliance)
        .filter(cancelled_at__isnull=True, starts_at__gt=now)
        .order_by("-created_at", "-pk")[:10]
    )
    for meeting in upcoming:
        going = meeting_attendee_rows(meeting=meeting, going_only=True)
        replied = set(meeting.responses.values_list("membership_id", flat=True))
        news.meetings.append(MeetingNews(meeting=meeting, going=going, replied_member_ids=replied))
    outcome_news = for_network.news_since(site_id=site_id, since=since, now=now)
    news.outcomes = list(outcome_news.outcomes)
    news.rounds_open = list(outcome_news.rounds_open)
    news.rounds_closed = list(outcome_news.rounds_closed)
    news.pledges = [
        (m.membership_id, m.membership.user.name, m.pledge, m.joined_at)
        for m in alliance.members.filter(joined_at__gte=since)
        .exclude(pledge="")
        .select_related("membership__user")
        .order_by("-joined_at")
    ]
    return news


def weekly_digest_for(*, news: WeeklyNews, membership: Membership) -> PersonalDigest:
    """The news one reader has not acted on: no meeting they answered, no round they voted in, nothing of theirs."""
    membership_id = membership.pk
    return PersonalDigest(
        meetings=[m for m in news.meetings if membership_id not in m.replied_member_ids],
        outcomes=[o for o in news.outcomes if o[0] != membership_id],
        rounds_open=[r for r in news.rounds_open if membership_id not in r[3]],
        rounds_closed=news.rounds_closed,
        pledges=[p for p in news.pledges if p[0] != membership_id],
    )


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
    from network.digests import MAX_ATTEMPTS

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
    from network.digests import weekly_key

    now = now or timezone.now()
    choices = []
    if alliance is not None:
        choices.append((weekly_key(alliance=alliance, when=now), "This week's digest to the alliance"))
    upcoming = Meeting.objects.filter(site=site, cancelled_at__isnull=True, starts_at__gt=now).order_by("starts_at")
    for meeting in upcoming[:20]:
        when = timezone.localtime(meeting.starts_at).strftime("%-d %B, %H:%M")
        choices.append((f"{DigestDelivery.Kind.PRE_MEETING}:{meeting.pk}", f"Reminder before {meeting.title} ({when})"))
    return choices


def digest_has_work(*, key: str) -> bool:
    """Whether sending this digest now would email anyone: someone not yet sent it, or a retry that is due."""
    from network.digests import deliveries_sendable, digest_parse, digest_recipients

    digest = digest_parse(key)
    if digest is None:
        return False
    already = DigestDelivery.objects.filter(key=key).values("recipient_id")
    return digest_recipients(digest).exclude(pk__in=already).exists() or deliveries_sendable(key).exists()
