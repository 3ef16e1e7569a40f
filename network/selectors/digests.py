"""What a digest says: read once per digest run, then filtered per reader without further queries.

This is the one place network reads outcomes (new candidates, rounds), read-only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from network.models import Alliance, DigestDelivery, Meeting, Membership, PilotSite, Rsvp
from network.selectors.meetings import AttendeeRow, meeting_attendee_rows, meetings_for_alliance

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
    from outcomes.models import Ballot, CandidateOutcome, VotingRound

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
        rows = meeting_attendee_rows(meeting=meeting)
        going = [row for row in rows if row.rsvp == Rsvp.GOING and not row.waitlisted]
        replied = {row.member_id for row in rows if row.rsvp}
        news.meetings.append(MeetingNews(meeting=meeting, going=going, replied_member_ids=replied))
    news.outcomes = [
        (o.proposed_by_id, o.statement, o.created_at)
        for o in CandidateOutcome.objects.filter(site_id=site_id, created_at__gte=since).order_by("-created_at")
    ]
    open_rounds = list(VotingRound.objects.filter(site_id=site_id, status=VotingRound.Status.OPEN))
    voters: dict[int, set[int]] = {r.pk: set() for r in open_rounds}
    for round_id, voter_id in Ballot.objects.filter(round__in=open_rounds).values_list("round_id", "voter_id"):
        voters[round_id].add(voter_id)
    news.rounds_open = [(r.pk, r.title, r.opened_at or now, voters[r.pk]) for r in open_rounds]
    news.rounds_closed = [
        (r.title, r.winner.statement if r.winner else "", r.closed_at or now)
        for r in VotingRound.objects.filter(site_id=site_id, status=VotingRound.Status.CLOSED, closed_at__gte=since)
        .select_related("winner")
        .order_by("-closed_at")
    ]
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
