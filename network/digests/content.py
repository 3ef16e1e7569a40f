"""What a digest says: read once per digest run, then made personal for each reader without further queries.

A meeting's emails say who is going; the weekly digest says what happened in the alliance's site
in the past week. What the weekly digest says of outcomes (new candidates, rounds) comes through
outcomes.selectors.for_network, the only part of outcomes that network reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from network import tokens
from network.calendars import meeting_url
from network.models import (
    Alliance,
    Commitment,
    CommitmentStatus,
    Meeting,
    MeetingAction,
    MeetingResponse,
    Membership,
    PilotSite,
)
from network.paging import CountOf
from network.roles import Role, can_check_in, can_see_people_map
from network.selectors.actions import open_actions_in_alliance
from network.selectors.checkins import checkins_due_in_alliance
from network.selectors.map import QuietItem, map_checkin_last_answered, map_going_quiet_for_digest
from network.selectors.meetings import AttendeeRow, meeting_going_first, meetings_for_alliance, meetings_going_first
from outcomes.selectors.for_network import (
    MeasureChange,
    NewOutcome,
    RoundClosed,
    RoundOpen,
    measure_changes_since,
    news_since,
)

WEEK = dt.timedelta(days=7)


# An email names this many of those going, then says how many more: a meeting of thousands made
# each email hundreds of kilobytes, and the digest's preview page as much.
GOING_SHOWN = 30
# The weekly digest shows this many of the week's pledges, newest first, and how many were made: an
# alliance of thousands who joined in a week made the digest (and its preview) a quarter of a megabyte.
PLEDGES_SHOWN = 20
# And this many of the week's new candidate outcomes, newest first, and how many were proposed: a site proposing
# hundreds in a week made every digest (and its preview) grow with them.
OUTCOMES_SHOWN = 20


@dataclass(frozen=True)
class SiteContact:
    """Whom a reader can write to about a site, at the foot of its emails: its first enabler."""

    name: str
    email: str


def site_contact(*, site: PilotSite) -> SiteContact | None:
    """The site's longest-standing enabler, or None if it has none left. One query."""
    first = (
        Membership.objects.filter(site=site, role=Role.ENABLER, archived_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return SiteContact(name=first.user.name, email=first.user.email) if first is not None else None


@dataclass(frozen=True)
class MeetingContent:
    """What every email about one meeting shares."""

    going: list[AttendeeRow]  # the first GOING_SHOWN by name
    meeting_url: str
    going_count: int = 0  # everyone going
    contact: SiteContact | None = None

    @property
    def going_more(self) -> int:
        return self.going_count - len(self.going)


class Pledge(NamedTuple):
    membership_id: int
    name: str
    pledge: str
    joined_at: dt.datetime


@dataclass(frozen=True)
class CheckInRequest:
    """One of the reader's commitments due a check-in, with a one-click link per answer."""

    commitment: Commitment
    links: dict[str, str]  # status -> signed link


@dataclass(frozen=True)
class ActionDue:
    """One of the reader's open actions, overdue or due within the week, with its "mark done" link."""

    action: MeetingAction
    overdue: bool
    done_link: str


@dataclass(frozen=True)
class QuietNews:
    """An agency or sector going quiet on the map, with the day it was last active."""

    kind: str
    name: str
    last_active: dt.date

    @classmethod
    def from_map(cls, item: QuietItem) -> QuietNews:
        return cls(kind=item.kind, name=item.name, last_active=item.last_active)


@dataclass
class MeetingNews:
    meeting: Meeting
    going: list[AttendeeRow]  # the first GOING_SHOWN by name
    replied_member_ids: set[int]  # membership ids
    going_count: int = 0  # everyone going

    @property
    def going_more(self) -> int:
        return self.going_count - len(self.going)


@dataclass
class WeeklyNews:
    """Everything that happened in an alliance's site lately, before it is made personal."""

    meetings: list[MeetingNews] = field(default_factory=list)
    outcomes: list[NewOutcome] = field(default_factory=list)
    rounds_open: list[RoundOpen] = field(default_factory=list)
    rounds_closed: list[RoundClosed] = field(default_factory=list)
    pledges: list[Pledge] = field(default_factory=list)  # the newest PLEDGES_SHOWN + 1
    pledge_count: int = 0  # every pledge of the week
    # Each reader's own, by membership id: read once for the whole alliance, handed out per person.
    checkins_due: dict[int, list[Commitment]] = field(default_factory=dict)
    actions_due: dict[int, list[MeetingAction]] = field(default_factory=dict)
    today: dt.date | None = None
    measure: list[MeasureChange] = field(default_factory=list)
    # From the latest map snapshot, for the enablers among the readers only.
    going_quiet: list[QuietNews] = field(default_factory=list)
    # When each reader last answered the relationship check-in (absent: never), and the page to answer it on.
    map_checkin_answered: dict[int, dt.datetime] = field(default_factory=dict)
    map_checkin_url: str = ""
    map_url: str = ""
    contact: SiteContact | None = None


@dataclass
class PersonalDigest:
    """The part of the week's news one reader has not acted on."""

    meetings: list[MeetingNews]
    outcomes: list[NewOutcome]
    rounds_open: list[RoundOpen]
    rounds_closed: list[RoundClosed]
    pledges: list[Pledge]
    checkins: list[CheckInRequest] = field(default_factory=list)
    pledges_cut: bool = False  # more pledges were made than `pledges` shows
    outcomes_count: int = 0  # every new candidate outcome the reader would be told of; `outcomes` shows the newest
    actions: list[ActionDue] = field(default_factory=list)
    measure: list[MeasureChange] = field(default_factory=list)
    going_quiet: list[QuietNews] = field(default_factory=list)
    # The relationship check-in's page (sign-in first), when this reader is due to be asked; not news by itself.
    map_checkin_url: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.meetings
            or self.outcomes
            or self.rounds_open
            or self.rounds_closed
            or self.pledges
            or self.checkins
            or self.actions
            or self.measure
            or self.going_quiet
        )

    @property
    def outcomes_cut(self) -> bool:
        """Whether more outcomes were proposed (by others) than `outcomes` shows."""
        return self.outcomes_count > len(self.outcomes)


DigestContent = MeetingContent | WeeklyNews


def meeting_content(*, meeting: Meeting) -> MeetingContent:
    going, going_count = meeting_going_first(meeting=meeting, limit=GOING_SHOWN)
    return MeetingContent(
        going=going,
        going_count=going_count,
        meeting_url=meeting_url(meeting=meeting),
        contact=site_contact(site=meeting.site),
    )


def weekly_news(*, alliance: Alliance, now: dt.datetime | None = None, reader: int | None = None) -> WeeklyNews:
    """The site's news of the past week, in a fixed number of queries whatever the alliance's size.

    With `reader` (a membership id), what is each reader's own (replies, votes, check-ins, actions, the
    relationship check-in) is read for that one reader only: their copy says the same, for the preview, without
    reading every reply, ballot and check-in of the alliance. Such news is for that reader's copy only."""
    now = now or timezone.now()
    since = now - WEEK
    news = WeeklyNews()
    upcoming = list(
        meetings_for_alliance(alliance=alliance)
        .filter(cancelled_at__isnull=True, starts_at__gt=now)
        .order_by("-created_at", "-pk")[:10]
    )
    # Who is going to each, and who has replied, read for all the meetings at once: two queries, not two a meeting.
    going = meetings_going_first(meetings=upcoming, limit=GOING_SHOWN)
    replied: dict[int, set[int]] = {meeting.pk: set() for meeting in upcoming}
    if upcoming:
        responses = MeetingResponse.objects.filter(meeting__in=upcoming)
        if reader is not None:
            responses = responses.filter(membership_id=reader)
        for meeting_id, membership_id in responses.values_list("meeting_id", "membership_id"):
            replied[meeting_id].add(membership_id)
    news.meetings = [
        MeetingNews(
            meeting=meeting,
            going=going[meeting.pk],
            going_count=meeting.going_count,  # type: ignore[attr-defined]  # meetings_for_site's annotation
            replied_member_ids=replied[meeting.pk],
        )
        for meeting in upcoming
    ]
    outcome_news = news_since(site_id=alliance.site_id, since=since, now=now, voter_id=reader)
    news.outcomes = list(outcome_news.outcomes)
    news.rounds_open = list(outcome_news.rounds_open)
    news.rounds_closed = list(outcome_news.rounds_closed)
    # The newest few, one more than a reader is shown (their own is left out), and how many in all.
    this_week = alliance.members.filter(joined_at__gte=since).exclude(pledge="")
    pledged = (
        this_week.select_related("membership__user")
        .annotate(pledge_count=CountOf(this_week))  # counted apart, so the newest few are read without the rest
        .order_by("-joined_at", "-pk")[: PLEDGES_SHOWN + 1]
    )
    news.pledges = [Pledge(m.membership_id, m.membership.user.name, m.pledge, m.joined_at) for m in pledged]
    news.pledge_count = pledged[0].pledge_count if news.pledges else 0
    news.checkins_due = checkins_due_in_alliance(alliance=alliance, now=now, membership_id=reader)
    news.actions_due = open_actions_in_alliance(alliance=alliance, owner_id=reader)
    news.today = timezone.localdate(now)
    news.measure = measure_changes_since(alliance_id=alliance.pk, since=timezone.localdate(since))
    news.going_quiet = [QuietNews.from_map(item) for item in map_going_quiet_for_digest(site_id=alliance.site_id)]
    news.map_checkin_answered = map_checkin_last_answered(site_id=alliance.site_id, respondent_id=reader)
    news.map_checkin_url = settings.SITE_URL + reverse("network:map-checkin", args=[alliance.site.slug])
    news.map_url = settings.SITE_URL + reverse("network:site-map", args=[alliance.site.slug])
    news.contact = site_contact(site=alliance.site)
    return news


def _quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def map_checkin_due(*, last_answered: dt.datetime | None, today: dt.date) -> bool:
    """Whether a leader's digest asks them to the relationship check-in: every weekly digest while they have
    never answered; otherwise only the one sent in the first seven days of a quarter, and only if they have not
    answered or changed an answer since that quarter began. A weekly digest, so at most once a quarter."""
    if last_answered is None:
        return True
    start = _quarter_start(today)
    return (today - start).days < 7 and timezone.localdate(last_answered) < start


def _checkin_request(commitment: Commitment, membership_id: int) -> CheckInRequest:
    token = tokens.checkin_token_make(commitment_id=commitment.pk, membership_id=membership_id)
    url = settings.SITE_URL + reverse("network:commitment-checkin", kwargs={"token": token})
    return CheckInRequest(commitment=commitment, links={s: f"{url}?answer={s}" for s in CommitmentStatus.values})


def _action_due(action: MeetingAction, membership_id: int, today: dt.date) -> ActionDue:
    token = tokens.action_token_make(action_id=action.pk, membership_id=membership_id)
    url = settings.SITE_URL + reverse("network:action-done-link", kwargs={"token": token})
    return ActionDue(action=action, overdue=action.due_on < today, done_link=url)


def _pledges_cut(news: WeeklyNews, membership_id: int) -> bool:
    """Whether others pledged more than PLEDGES_SHOWN this week (the reader's own pledge is never shown them)."""
    others = [p for p in news.pledges if p.membership_id != membership_id]
    if len(others) < len(news.pledges):  # theirs is among the newest: everyone else is the rest
        return news.pledge_count - 1 > PLEDGES_SHOWN
    return len(others) > PLEDGES_SHOWN


def weekly_digest_for(*, news: WeeklyNews, membership: Membership) -> PersonalDigest:
    """The news one reader has not acted on: no meeting they answered, no round they voted in, nothing of theirs."""
    membership_id = membership.pk
    outcomes = [o for o in news.outcomes if o.proposer_id != membership_id]
    return PersonalDigest(
        meetings=[m for m in news.meetings if membership_id not in m.replied_member_ids],
        outcomes=outcomes[:OUTCOMES_SHOWN],
        outcomes_count=len(outcomes),
        rounds_open=[r for r in news.rounds_open if membership_id not in r.voter_ids],
        rounds_closed=news.rounds_closed,
        pledges=[p for p in news.pledges if p.membership_id != membership_id][:PLEDGES_SHOWN],
        pledges_cut=_pledges_cut(news, membership_id),
        checkins=[_checkin_request(c, membership_id) for c in news.checkins_due.get(membership_id, [])],
        actions=[
            _action_due(a, membership_id, news.today or timezone.localdate())
            for a in news.actions_due.get(membership_id, [])
        ],
        measure=news.measure,
        going_quiet=news.going_quiet if can_see_people_map(membership) else [],
        map_checkin_url=_map_checkin_url(news, membership),
    )


def _map_checkin_url(news: WeeklyNews, membership: Membership) -> str:
    """The relationship check-in's page, for a leader due to be asked (see map_checkin_due); else nothing."""
    if not can_check_in(membership):
        return ""
    last = news.map_checkin_answered.get(membership.pk)
    return news.map_checkin_url if map_checkin_due(last_answered=last, today=news.today or timezone.localdate()) else ""
