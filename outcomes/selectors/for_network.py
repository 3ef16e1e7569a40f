"""The only place network reads outcomes: small, read-only answers as plain values.

`outcomes` builds on `network`, so network imports this module and nothing else of
outcomes. Each function answers one question a network page or digest asks and
returns dataclasses or named tuples, never a model, so voting can change shape behind
this seam. The one exception is `voted_in_round`, a filter expression for network's
own membership queries: an EXISTS keeps the dashboard's count a single anti-join.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber

from network.models import PilotSite
from outcomes.models import Ballot, CandidateOutcome, Direction, Indicator, IndicatorUpdate, VotingRound
from outcomes.selectors.rounds import site_outcome_summary as _site_outcome_summary


@dataclass(frozen=True)
class OpenRound:
    pk: int
    title: str


@dataclass(frozen=True)
class Winner:
    statement: str


@dataclass(frozen=True)
class ClosedRound:
    pk: int
    title: str
    winner: Winner | None  # None for a tie


@dataclass(frozen=True)
class SiteOutcomes:
    """What the site page says of voting: the open round, else the last closed one."""

    candidate_count: int
    open_round: OpenRound | None
    latest_closed: ClosedRound | None


def site_outcomes(*, site: PilotSite) -> SiteOutcomes:
    """The site page's summary of outcomes and rounds, in two queries."""
    summary = _site_outcome_summary(site=site)
    opened, closed = summary.open_round, summary.latest_closed
    return SiteOutcomes(
        candidate_count=summary.candidate_count,
        open_round=OpenRound(pk=opened.pk, title=opened.title) if opened is not None else None,
        latest_closed=ClosedRound(
            pk=closed.pk,
            title=closed.title,
            winner=Winner(statement=closed.winner.statement) if closed.winner is not None else None,
        )
        if closed is not None
        else None,
    )


def open_round_for_site(*, site_id: int) -> OpenRound | None:
    """The site's open round, if any (only one is open at a time), in one query."""
    row = VotingRound.objects.filter(site_id=site_id, status=VotingRound.Status.OPEN).only("pk", "title").first()
    return OpenRound(pk=row.pk, title=row.title) if row is not None else None


def voted_in_round(*, round_id: int) -> Exists:
    """A filter for a query of memberships: true where that membership has a ballot in the round."""
    return Exists(Ballot.objects.filter(round_id=round_id, voter=OuterRef("pk")))


class NewOutcome(NamedTuple):
    proposer_id: int | None  # a membership id
    statement: str
    created_at: dt.datetime


class RoundOpen(NamedTuple):
    id: int
    title: str
    opened_at: dt.datetime
    voter_ids: set[int]  # membership ids


class RoundClosed(NamedTuple):
    title: str
    winner: str  # the winning statement, "" for a tie
    closed_at: dt.datetime


@dataclass(frozen=True)
class OutcomeNews:
    outcomes: list[NewOutcome]  # newest first
    rounds_open: list[RoundOpen]
    rounds_closed: list[RoundClosed]  # most recently closed first


def news_since(*, site_id: int, since: dt.datetime, now: dt.datetime, voter_id: int | None = None) -> OutcomeNews:
    """Outcomes proposed and rounds closed since `since`, and the rounds open now with who voted (of them, only
    whether `voter_id` did, if given: a membership id).

    Three queries, four when a round is open, whatever the number of rounds or ballots.
    `now` stands in for a round's missing opened or closed time.
    """
    # Plain values, not rounds: a closed round carries its stored result, which nothing here reads.
    outcomes = [
        NewOutcome(*row)
        for row in CandidateOutcome.objects.filter(site_id=site_id, created_at__gte=since)
        .order_by("-created_at")
        .values_list("proposed_by_id", "statement", "created_at")
    ]
    open_rounds = list(
        VotingRound.objects.filter(site_id=site_id, status=VotingRound.Status.OPEN).values_list(
            "pk", "title", "opened_at"
        )
    )
    voters: dict[int, set[int]] = {pk: set() for pk, _, _ in open_rounds}
    if open_rounds:
        ballots = Ballot.objects.filter(round_id__in=list(voters))
        if voter_id is not None:
            ballots = ballots.filter(voter_id=voter_id)
        for round_id, voter in ballots.values_list("round_id", "voter_id"):
            voters[round_id].add(voter)
    rounds_closed = [
        RoundClosed(title, winner or "", closed_at or now)
        for title, winner, closed_at in VotingRound.objects.filter(
            site_id=site_id, status=VotingRound.Status.CLOSED, closed_at__gte=since
        )
        .order_by("-closed_at")
        .values_list("title", "winner__statement", "closed_at")
    ]
    return OutcomeNews(
        outcomes=outcomes,
        rounds_open=[RoundOpen(pk, title, opened_at or now, voters[pk]) for pk, title, opened_at in open_rounds],
        rounds_closed=rounds_closed,
    )


class ProposalTeam(NamedTuple):
    membership_ids: list[int]  # the proposer and the co-proposers credited when duplicates were merged
    proposed_at: dt.datetime


def proposal_teams(*, site_id: int) -> list[ProposalTeam]:
    """The site's outcomes proposed by more than one person (the living map's "proposed together"), in two
    queries whatever the number of outcomes."""
    outcomes = list(CandidateOutcome.objects.filter(site_id=site_id).values_list("pk", "proposed_by_id", "created_at"))
    co: dict[int, list[int]] = {}
    through = CandidateOutcome.co_proposers.through.objects.filter(candidateoutcome__site_id=site_id)
    for outcome_id, membership_id in through.values_list("candidateoutcome_id", "membership_id"):
        co.setdefault(outcome_id, []).append(membership_id)
    teams = []
    for pk, proposer_id, created_at in outcomes:
        ids = sorted({*co.get(pk, []), *([proposer_id] if proposer_id is not None else [])})
        if len(ids) > 1:
            teams.append(ProposalTeam(ids, created_at))
    return teams


@dataclass(frozen=True)
class AllianceOutcome:
    """The outcome an alliance formed around, for the alliance page's links to its measure and its story."""

    pk: int
    statement: str


def alliance_outcome(*, alliance_id: int) -> AllianceOutcome | None:
    row = CandidateOutcome.objects.filter(alliance_id=alliance_id).only("pk", "statement").first()
    return AllianceOutcome(pk=row.pk, statement=row.statement) if row is not None else None


def plain_number(value: Decimal) -> str:
    """A stored value as people write it: 31 not 31.0000, 100 not 1E+2."""
    return f"{value.normalize():f}"


class MeasureChange(NamedTuple):
    """The newest update of one of the alliance's indicators, against the value before it (or the baseline)."""

    indicator: str
    unit: str
    measured_on: dt.date
    value: str  # written plainly: "31", "12.5"
    previous: str
    better: bool | None  # None when nothing moved
    note: str


def measure_changes_since(*, alliance_id: int, since: dt.date) -> list[MeasureChange]:
    """For each of the alliance's indicators updated since `since`, its latest change: two queries in all."""
    indicators = list(Indicator.objects.filter(outcome__alliance_id=alliance_id).order_by("created_at", "pk"))
    if not indicators:
        return []
    latest_two: dict[int, list[IndicatorUpdate]] = {}
    ranked = (
        IndicatorUpdate.objects.filter(indicator__in=indicators)
        .annotate(
            newness=Window(
                RowNumber(), partition_by=[F("indicator_id")], order_by=[F("measured_on").desc(), F("pk").desc()]
            )
        )
        .filter(newness__lte=2)
    )
    for update in ranked:
        latest_two.setdefault(update.indicator_id, []).append(update)
    changes = []
    for indicator in indicators:
        updates = sorted(latest_two.get(indicator.pk, []), key=lambda u: u.measured_on, reverse=True)
        if not updates or updates[0].measured_on < since:
            continue
        latest = updates[0]
        previous = updates[1].value if len(updates) > 1 else indicator.baseline_value
        better = None
        if latest.value != previous:
            better = (latest.value > previous) == (indicator.direction == Direction.UP)
        changes.append(
            MeasureChange(
                indicator.name,
                indicator.unit,
                latest.measured_on,
                plain_number(latest.value),
                plain_number(previous),
                better,
                latest.note,
            )
        )
    return changes


def has_voted(*, round_id: int, membership_id: int) -> bool:
    """Whether this membership has a ballot in the round, in one query."""
    return Ballot.objects.filter(round_id=round_id, voter_id=membership_id).exists()


def adopting_round(*, alliance_id: int) -> int | None:
    """The closed round whose result page holds the alliance's join form (its outcome was a candidate), in one query."""
    return (
        VotingRound.objects.filter(candidates__alliance_id=alliance_id, status=VotingRound.Status.CLOSED)
        .order_by("-closed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


class VotingStarted(NamedTuple):
    outcome_proposed: bool
    round_opened: bool


def voting_started(*, site: PilotSite) -> VotingStarted:
    """For the getting-started checklist, in one query: has anyone proposed an outcome; has a round been opened."""
    row = (
        PilotSite.objects.filter(pk=site.pk)
        .annotate(
            proposed=Exists(CandidateOutcome.objects.filter(site_id=OuterRef("pk"))),
            opened=Exists(VotingRound.objects.filter(site_id=OuterRef("pk")).exclude(status=VotingRound.Status.DRAFT)),
        )
        .values_list("proposed", "opened")
        .get()
    )
    return VotingStarted(outcome_proposed=row[0], round_opened=row[1])
