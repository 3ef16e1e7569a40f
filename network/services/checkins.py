"""Writes: check-ins, each an answer to "how is your commitment going?", kept for good as its history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import (
    CLOSED_STATUSES,
    STATUSES_WITH_REASON,
    Commitment,
    CommitmentCheckIn,
    CommitmentStatus,
    Membership,
)


@transaction.atomic
def commitment_check_in(
    *, commitment: Commitment, membership: Membership, status: str, reason: str = "", now: dt.datetime | None = None
) -> CommitmentCheckIn:
    """The owner says how their commitment is going. Changed and dropped need one line of why.

    Done and dropped close the commitment: later check-ins are refused, and nothing is deleted.
    """
    now = now or timezone.now()
    # Locked so two clicks on two links cannot both close it, or check in after it closed.
    fresh = Commitment.objects.select_for_update().select_related("member").get(pk=commitment.pk)
    if fresh.member.membership_id != membership.pk:
        raise DomainError(_("Only the person who made a commitment checks in on it."))
    if fresh.closed_at is not None:
        raise DomainError(_("This commitment has closed, so it takes no more check-ins."))
    if status not in CommitmentStatus.values:
        raise DomainError(_("Choose how it is going."), field="status")
    reason = reason.strip()
    if status in STATUSES_WITH_REASON and not reason:
        raise DomainError(_("Say in one line why."), field="reason")
    checkin = CommitmentCheckIn.objects.create(commitment=fresh, status=status, reason=reason, by=membership)
    fresh.status = status
    fresh.status_reason = reason
    fresh.checked_in_at = now
    if status in CLOSED_STATUSES:
        fresh.closed_at = now
    fresh.save(update_fields=["status", "status_reason", "checked_in_at", "closed_at"])
    commitment.refresh_from_db()
    return checkin
