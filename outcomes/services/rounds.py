"""Voting rounds: draft, open, close (by an enabler, or on time by the beat task)."""

from __future__ import annotations

import logging
import random
from datetime import datetime
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Membership
from network.text import one_line
from outcomes import analysis
from outcomes.access import MANAGERS, check_role
from outcomes.groups import NO_AGENCY, group_of
from outcomes.locks import round_votes_exclusive
from outcomes.models import (
    DOT_BUDGET_MAX,
    DOT_BUDGET_MIN,
    MIN_GROUP_SIZE_FLOOR,
    STILL_CANDIDATE,
    BallotRank,
    Method,
    SealedBallot,
    SealedEntry,
    Visibility,
    VotingRound,
)
from outcomes.result_schema import StoredResult, Support
from outcomes.selectors.ballots import ballots_to_count
from outcomes.services.mail import mail_send

logger = logging.getLogger(__name__)


def _check_settings(voting_round: VotingRound) -> None:
    if voting_round.method not in Method.values:
        raise DomainError(_("Choose a voting method."), field="method")
    if voting_round.visibility not in Visibility.values:
        raise DomainError(_("Choose who may see the ballots."), field="visibility")
    if voting_round.method == Method.DOTS and not DOT_BUDGET_MIN <= voting_round.dot_budget <= DOT_BUDGET_MAX:
        raise DomainError(
            _("Give each leader between %(least)s and %(most)s dots.")
            % {"least": DOT_BUDGET_MIN, "most": DOT_BUDGET_MAX},
            field="dot_budget",
        )
    if voting_round.closes_at is not None and voting_round.closes_at <= timezone.now():
        raise DomainError(_("Choose a closing time in the future."), field="closes_at")


class RoundSettings(TypedDict, total=False):
    """How a round counts and shows its ballots; each left out takes the model's default."""

    method: str
    visibility: str
    dot_budget: int
    min_sectors: int
    min_energy: int
    min_group_size: int
    closes_at: datetime | None


@transaction.atomic
def round_create(*, membership: Membership, title: str, **settings_: Unpack[RoundSettings]) -> VotingRound:
    """Save a round as a draft, with no candidates yet: leaders cannot vote until it is opened."""
    check_role(membership, MANAGERS, _("Your role in this site does not allow you to set up a voting round."))
    voting_round = VotingRound(
        site=membership.site, title=one_line(title), status=VotingRound.Status.DRAFT, **settings_
    )
    _check_settings(voting_round)
    voting_round.min_group_size = max(MIN_GROUP_SIZE_FLOOR, voting_round.min_group_size)
    voting_round.save()
    return voting_round


@transaction.atomic
def round_create_and_open(*, membership: Membership, title: str, **settings_: Unpack[RoundSettings]) -> VotingRound:
    """Create a round and open it at once over every candidate outcome still active."""
    voting_round = round_create(membership=membership, title=title, **settings_)
    return round_open_draft(voting_round=voting_round, membership=membership)


@transaction.atomic
def round_open_draft(*, voting_round: VotingRound, membership: Membership) -> VotingRound:
    """Open a draft round over every candidate outcome not adopted, withdrawn or merged."""
    check_role(membership, MANAGERS, _("Your role in this site does not allow you to open a voting round."))
    locked = VotingRound.objects.select_for_update().get(pk=voting_round.pk, site=membership.site)
    if not locked.is_draft:
        raise DomainError(_("This round has already been opened."))
    if locked.closes_at is not None and locked.closes_at <= timezone.now():
        raise DomainError(_("Its closing time has passed; choose a later one first."))
    candidates = list(membership.site.candidate_outcomes.filter(STILL_CANDIDATE))
    if len(candidates) < 2:
        raise DomainError(_("A round needs at least two candidate outcomes to choose between."))
    if membership.site.voting_rounds.filter(status=VotingRound.Status.OPEN).exists():
        raise DomainError(_("A round is already open. Close it before opening another."))
    locked.status = VotingRound.Status.OPEN
    locked.opened_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "opened_at"])
    except IntegrityError:
        raise DomainError(_("A round is already open. Close it before opening another.")) from None
    locked.candidates.set(candidates)
    return locked


def _close(locked: VotingRound) -> VotingRound:
    ballots = ballots_to_count(voting_round=locked)
    stored = analysis.round_analysis(
        method=Method(locked.method),
        candidates=list(locked.candidates.order_by("pk").values_list("pk", flat=True)),
        ballots=ballots,
        dot_budget=locked.dot_budget,
        # The sectors present when the round closed, so "no support yet from ..." never changes later.
        site_sectors={a.get_sector_display() for a in locked.site.agencies.filter(archived_at__isnull=True)},
        secret=locked.is_secret,
        min_group_size=locked.min_group_size,
    )
    locked.status = VotingRound.Status.CLOSED
    locked.closed_at = timezone.now()
    # A tie at the top is reported as a tie: no outcome is named.
    locked.ranking, locked.pairwise, locked.winner_id, locked.result = stored.to_columns()
    locked.save()
    if locked.is_secret:
        _seal(locked, ballots, stored.support)
    return locked


def _seal(voting_round: VotingRound, ballots: list[analysis.BallotData], support: Support) -> None:
    """Sever who voted from how, for good: keep the choices on ballots that name no one, and drop the rest.

    The sealed ballots are written in a random order, so their ids and rows follow neither the voters nor
    the times they voted; each carries only the groups the stored analysis shows. The `Ballot` rows stay,
    emptied, to say who voted.
    """
    sealed = list(ballots)
    random.SystemRandom().shuffle(sealed)
    rows = SealedBallot.objects.bulk_create(
        SealedBallot(
            round=voting_round,
            agency_group=group_of(ballot.agency.name if ballot.agency else NO_AGENCY, support.agencies),
            sector_group=group_of(ballot.agency.name if ballot.agency else NO_AGENCY, support.sectors),
        )
        for ballot in sealed
    )
    SealedEntry.objects.bulk_create(
        (
            SealedEntry(ballot=row, outcome_id=outcome_id, rank=entry.rank, points=entry.points, energy=entry.energy)
            for row, ballot in zip(rows, sealed, strict=True)
            for outcome_id, entry in ballot.entries.items()
        ),
        batch_size=10_000,
    )
    BallotRank.objects.filter(ballot__round=voting_round).delete()


@transaction.atomic
def round_close(*, voting_round: VotingRound, membership: Membership) -> VotingRound:
    """Close the round and count it by its method. A closed round never changes."""
    check_role(membership, MANAGERS, _("Your role in this site does not allow you to close a voting round."))
    round_votes_exclusive(voting_round.pk)  # waits for the ballots in flight; later ones find the round closed
    locked = (
        VotingRound.objects.select_for_update().select_related("site").get(pk=voting_round.pk, site=membership.site)
    )
    if not locked.is_open:
        raise DomainError(
            _("This round is already closed.") if locked.is_closed else _("This round has not opened yet.")
        )
    return _close(locked)


def rounds_close_due(*, now: datetime | None = None) -> list[int]:
    """Close every open round whose closing time has passed, and tell the site's enablers.

    Idempotent: a round already closed (by an enabler, or by an earlier run of
    this task) is skipped, so the task may run twice without harm.
    """
    now = now or timezone.now()
    closed = []
    for round_id in VotingRound.objects.filter(status=VotingRound.Status.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            round_votes_exclusive(round_id)  # as round_close: the ballots in flight first, then the row
            locked = (
                VotingRound.objects.select_for_update(skip_locked=True)
                .select_related("site")
                .filter(pk=round_id, status=VotingRound.Status.OPEN)
                .first()
            )
            if locked is None:
                continue
            _close(locked)
            # Queued in the same transaction, through the email ledger: closed and emailed, or neither.
            _notify_closed(locked.pk)
        closed.append(round_id)
        # A log line for operators, not a message to users: it stays in English.
        logger.log(logging.INFO, "Closed voting round %s on schedule", round_id)
    return closed


def _notify_closed(round_id: int) -> None:
    """Queue an email to the enablers that a round closed on time. Only totals: never anyone's choices."""
    voting_round = VotingRound.objects.select_related("site", "winner").get(pk=round_id)
    enablers = list(voting_round.site.memberships.filter(role__in=MANAGERS, archived_at__isnull=True))
    if not enablers:
        return
    url = settings.SITE_URL + reverse("outcomes:round-detail", args=[voting_round.site.slug, voting_round.pk])
    context = {"round": voting_round, "ballot_count": StoredResult.from_round(voting_round).ballot_count, "url": url}
    mail_send(site=voting_round.site, name="round_closed", context=context, recipients=enablers)
