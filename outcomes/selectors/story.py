"""Reads: the story of an adopted outcome, from its proposal to this week, newest first.

outcomes builds on network, so this reads network's alliance, meetings, commitments and actions
directly. Each kind of event is one query, cut to the page being shown: the newest `limit` of each
kind are merged, so a page costs the same number of queries however long the story is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from network.models import (
    AllianceMember,
    Commitment,
    CommitmentCheckIn,
    CommitmentStatus,
    Meeting,
    MeetingAction,
    MeetingAttendance,
)
from outcomes.models import CandidateOutcome, IndicatorUpdate, VotingRound

KINDS = {
    "proposed": gettext_lazy("Proposed"),
    "voted": gettext_lazy("Voted on"),
    "adopted": gettext_lazy("Adopted"),
    "joined": gettext_lazy("Joined, with a pledge"),
    "meeting": gettext_lazy("Meetings held"),
    "commitment": gettext_lazy("Commitments made"),
    "checkin": gettext_lazy("Check-ins"),
    "action": gettext_lazy("Actions done"),
    "measure": gettext_lazy("Measure updates"),
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class StoryEvent:
    when: dt.datetime
    kind: str
    text: str
    url: str = ""
    people: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _outcome_events(outcome: CandidateOutcome, slug: str, limit: int) -> list[StoryEvent]:
    events = [
        StoryEvent(
            outcome.created_at,
            "proposed",
            gettext("%(name)s proposed “%(statement)s”.")
            % {
                "name": outcome.proposed_by.user.name if outcome.proposed_by else gettext("Someone"),
                "statement": outcome.statement,
            },
        )
    ]
    # Adopted by the enabler, or chosen by the round and committed to: either way it has its alliance.
    adopted_at = outcome.adopted_at or (outcome.alliance.created_at if outcome.alliance else None)
    if adopted_at:
        events.append(StoryEvent(adopted_at, "adopted", gettext("Adopted as the outcome that really matters.")))
    rounds = VotingRound.objects.filter(candidates=outcome, closed_at__isnull=False).order_by("-closed_at")[:limit]
    for voting_round in rounds:
        assert voting_round.closed_at is not None  # noqa: S101 - filtered above
        events.append(
            StoryEvent(
                voting_round.closed_at,
                "voted",
                gettext("Voting round “%(title)s” closed.") % {"title": voting_round.title},
                url=reverse("outcomes:round-detail", args=[slug, voting_round.pk]),
            )
        )
    return events


# The kinds below read plain values rather than models: a page builds hundreds of events to pick its 50.


def _joined_events(alliance_id: int, slug: str, limit: int, now: dt.datetime) -> list[StoryEvent]:
    events: list[StoryEvent] = []
    for joined_at, name, pledge in (
        AllianceMember.objects.filter(alliance_id=alliance_id)
        .order_by("-joined_at")
        .values_list("joined_at", "membership__user__name", "pledge")[:limit]
    ):
        text = gettext("%(name)s joined the alliance.") % {"name": name}
        if pledge:
            text = gettext("%(name)s joined the alliance, pledging: “%(pledge)s”.") % {"name": name, "pledge": pledge}
        events.append(StoryEvent(joined_at, "joined", text))
    return events


def _meeting_events(alliance_id: int, slug: str, limit: int, now: dt.datetime) -> list[StoryEvent]:
    """Meetings held, with who came: names only (a ten-year alliance has thousands of attendances)."""
    meetings = list(
        Meeting.objects.filter(alliance_id=alliance_id, cancelled_at__isnull=True, starts_at__lte=now)
        .only("pk", "title", "starts_at")
        .order_by("-starts_at")[:limit]
    )
    came: dict[int, list[str]] = {m.pk: [] for m in meetings}
    for meeting_id, name, walk_in in (
        MeetingAttendance.objects.filter(meeting__in=meetings)
        .order_by("recorded_at", "pk")
        .values_list("meeting_id", "membership__user__name", "walk_in_name")
    ):
        came[meeting_id].append(name or walk_in)
    return [
        StoryEvent(
            meeting.starts_at,
            "meeting",
            gettext("Meeting held: %(title)s.") % {"title": meeting.title},
            url=reverse("network:meeting-detail", args=[slug, meeting.pk]),
            people=came[meeting.pk],
        )
        for meeting in meetings
    ]


def _commitment_events(alliance_id: int, slug: str, limit: int, now: dt.datetime) -> list[StoryEvent]:
    template = gettext("%(name)s committed: %(action)s (by %(when)s).")
    return [
        StoryEvent(
            created_at, "commitment", template % {"name": name, "action": action, "when": date_format(due_on, "j F Y")}
        )
        for created_at, name, action, due_on in Commitment.objects.filter(member__alliance_id=alliance_id)
        .order_by("-created_at")
        .values_list("created_at", "member__membership__user__name", "action", "due_on")[:limit]
    ]


def _checkin_events(alliance_id: int, slug: str, limit: int, now: dt.datetime) -> list[StoryEvent]:
    events: list[StoryEvent] = []
    template = gettext("%(name)s checked in on “%(action)s”: %(status)s.")
    statuses = dict(CommitmentStatus.choices)
    someone = gettext("Someone")
    for created_at, name, action, status, reason in (
        CommitmentCheckIn.objects.filter(commitment__member__alliance_id=alliance_id)
        .order_by("-created_at", "-pk")
        .values_list("created_at", "by__user__name", "commitment__action", "status", "reason")[:limit]
    ):
        text = template % {"name": name or someone, "action": action, "status": statuses.get(status, status)}
        if reason:
            text += " " + gettext("Why: %(reason)s") % {"reason": reason}
        events.append(StoryEvent(created_at, "checkin", text))
    return events


def _action_events(alliance_id: int, slug: str, limit: int, now: dt.datetime) -> list[StoryEvent]:
    template = gettext("%(name)s did: %(action)s (from %(meeting)s).")
    return [
        StoryEvent(done_at, "action", template % {"name": name, "action": description, "meeting": meeting})
        for done_at, name, description, meeting in MeetingAction.objects.filter(
            meeting__alliance_id=alliance_id, done_at__isnull=False
        )
        .order_by("-done_at")
        .values_list("done_at", "owner__user__name", "description", "meeting__title")[:limit]
        if done_at is not None  # filtered above; says so to the type checker
    ]


def _measure_events(outcome: CandidateOutcome, slug: str, limit: int) -> list[StoryEvent]:
    events = []
    template = gettext("%(indicator)s: %(value)s %(unit)s.")
    urls: dict[int, str] = {}
    for indicator_id, name, unit, measured_on, value, note in (
        IndicatorUpdate.objects.filter(indicator__outcome=outcome)
        .order_by("-measured_on", "-pk")
        .values_list("indicator_id", "indicator__name", "indicator__unit", "measured_on", "value", "note")[:limit]
    ):
        text = template % {"indicator": name, "value": f"{value.normalize():f}", "unit": unit}
        if note:
            text += " " + note
        if indicator_id not in urls:
            urls[indicator_id] = reverse("outcomes:indicator-detail", args=[slug, indicator_id])
        events.append(StoryEvent(_at_noon(measured_on), "measure", text, url=urls[indicator_id]))
    return events


# Each kind read from the alliance: one query (two for meetings, with who came), cut to the page.
_ALLIANCE_KINDS = {
    "joined": _joined_events,
    "meeting": _meeting_events,
    "commitment": _commitment_events,
    "checkin": _checkin_events,
    "action": _action_events,
}


@dataclass(frozen=True)
class StoryPage:
    events: list[StoryEvent]
    page: int
    has_next: bool


def outcome_story(*, outcome: CandidateOutcome, kind: str = "", page: int = 1, size: int = PAGE_SIZE) -> StoryPage:
    """One page of the outcome's story, newest first, of one kind or all: a fixed number of queries."""
    slug = outcome.site.slug
    limit = page * size + 1  # one more than the page needs, to know whether there is a next page
    now = timezone.now()
    wanted = {kind} if kind in KINDS else set(KINDS)
    events: list[StoryEvent] = []
    if wanted & {"proposed", "voted", "adopted"}:
        events += [e for e in _outcome_events(outcome, slug, limit) if e.kind in wanted]
    if outcome.alliance_id is not None:
        for name, read in _ALLIANCE_KINDS.items():
            if name in wanted:
                events += read(outcome.alliance_id, slug, limit, now)
    if "measure" in wanted:
        events += _measure_events(outcome, slug, limit)
    events.sort(key=lambda e: e.when, reverse=True)
    start = (page - 1) * size
    return StoryPage(events=events[start : start + size], page=page, has_next=len(events) > start + size)


@dataclass(frozen=True)
class Handover:
    """The state of the alliance on one page, for a board or the next enabler."""

    members: int
    agencies: int
    commitments: dict[str, int]
    open_actions: int
    overdue_actions: int
    indicators: list[tuple[str, str, str, str]]  # name, unit, baseline, latest


def outcome_handover(*, outcome: CandidateOutcome) -> Handover:
    alliance_id = outcome.alliance_id or 0  # an adopted outcome always has its alliance
    members = AllianceMember.objects.filter(alliance_id=alliance_id)
    counts = {str(label): 0 for _, label in Commitment._meta.get_field("status").choices or []}
    statuses = dict(Commitment._meta.get_field("status").choices or [])
    for row in (
        Commitment.objects.filter(member__alliance_id=alliance_id).values("status").annotate(n=Count("pk")).order_by()
    ):
        counts[str(statuses[row["status"]])] = row["n"]
    actions = MeetingAction.objects.filter(meeting__alliance_id=alliance_id, done_at__isnull=True)
    latest = IndicatorUpdate.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-pk")
    indicators = []
    for indicator in outcome.indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_on=Subquery(latest.values("measured_on")[:1])
    ).order_by("created_at", "pk"):
        baseline = f"{indicator.baseline_value.normalize():f} ({date_format(indicator.baseline_on, 'j M Y')})"
        now_at = "—"
        if indicator.latest_value is not None:
            now_at = f"{indicator.latest_value.normalize():f} ({date_format(indicator.latest_on, 'j M Y')})"
        indicators.append((indicator.name, indicator.unit, baseline, now_at))
    return Handover(
        members=members.count(),
        # People with no agency (an enabler who joined) are not counted as an agency of their own.
        agencies=members.exclude(membership__agency=None).values("membership__agency").distinct().count(),
        commitments=counts,
        open_actions=actions.count(),
        overdue_actions=actions.filter(due_on__lt=timezone.localdate()).count(),
        indicators=indicators,
    )
