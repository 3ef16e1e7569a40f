"""Reads: which commitments are due a check-in, a commitment's history, and who a check-in link is for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, F, QuerySet, Value, When
from django.utils import timezone

from network import tokens
from network.models import Alliance, Commitment, CommitmentCheckIn, Membership

WEEK = dt.timedelta(weeks=1)
INTERVALS = range(1, 53)  # Alliance.checkin_every_weeks: 1 to 52 (its validators)


def _due(now: dt.datetime, *, alliance: Alliance | None = None) -> QuerySet[Commitment]:
    """Open commitments whose owner last checked in at least the alliance's interval ago (of one alliance, if given).

    The interval is a whole number of weeks (1 to 52). Of one alliance it is one instant; across alliances the latest
    check-in that is due is picked from a CASE of fixed instants: a number times a duration is not something every
    database (SQLite) can compute."""
    due = Commitment.objects.filter(closed_at__isnull=True, member__membership__archived_at__isnull=True)
    if alliance is not None:
        # One alliance's own interval: the 52-branch CASE below was most of the weekly digest's time building queries.
        return due.filter(member__alliance=alliance, checked_in_at__lte=now - alliance.checkin_every_weeks * WEEK)
    due_if_before = Case(
        *(When(member__alliance__checkin_every_weeks=weeks, then=Value(now - weeks * WEEK)) for weeks in INTERVALS),
        output_field=DateTimeField(),
    )
    return due.alias(due_if_before=due_if_before).filter(checked_in_at__lte=F("due_if_before"))


def checkins_due_for(*, membership: Membership, now: dt.datetime | None = None) -> QuerySet[Commitment]:
    return _due(now or timezone.now()).filter(member__membership=membership).order_by("due_on", "pk")


def checkins_due_in_alliance(
    *, alliance: Alliance, now: dt.datetime | None = None, membership_id: int | None = None
) -> dict[int, list[Commitment]]:
    """Each owner's commitments due a check-in, by membership id: one query for the whole alliance (or for the
    one owner of `membership_id`)."""
    due: dict[int, list[Commitment]] = {}
    found = _due(now or timezone.now(), alliance=alliance)
    if membership_id is not None:
        found = found.filter(member__membership_id=membership_id)
    for commitment in found.select_related("member").order_by("due_on", "pk"):
        due.setdefault(commitment.member.membership_id, []).append(commitment)
    return due


def commitment_history(*, commitment: Commitment) -> QuerySet[CommitmentCheckIn]:
    return commitment.checkins.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class CheckInLink:
    """What a check-in link opens: the commitment, and its owner. `expired` when the link is genuine but too old."""

    commitment: Commitment | None
    owner: Membership | None
    expired: bool = False


def checkin_link_read(token: str) -> CheckInLink | None:
    """The commitment a link was made for, if it is genuine and still its owner's; None for any other link."""
    try:
        found = tokens.checkin_token_read(token)
    except tokens.LinkExpiredError:
        return CheckInLink(commitment=None, owner=None, expired=True)
    if found is None:
        return None
    commitment_id, membership_id = found
    commitment = (
        Commitment.objects.select_related("member__membership__user", "member__membership__site", "member__alliance")
        .filter(pk=commitment_id, member__membership_id=membership_id, member__membership__archived_at__isnull=True)
        .first()
    )
    if commitment is None:
        return None
    return CheckInLink(commitment=commitment, owner=commitment.member.membership)
