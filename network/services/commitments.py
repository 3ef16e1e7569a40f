"""Writes: a leader's commitments, the concrete parts of their pledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Agency, Alliance, AllianceMember, Commitment, Membership
from network.roles import can_make_commitments, can_set_checkins


@transaction.atomic
def commitment_add(
    *,
    alliance: Alliance,
    membership: Membership,
    action: str,
    due_on: dt.date,
    with_members: Iterable[Membership] = (),
    with_agencies: Iterable[Agency] = (),
    now: dt.datetime | None = None,
) -> Commitment:
    """Add a commitment to a leader's pledge: what they will do differently, by when, with whom."""
    now = now or timezone.now()
    if not can_make_commitments(membership):
        raise DomainError(_("Only leaders make commitments."))
    member = AllianceMember.objects.filter(alliance=alliance, membership=membership).first()
    if member is None:
        raise DomainError(_("Commit to the outcome and join the alliance first."))
    action = action.strip()
    if not action:
        raise DomainError(_("Say what you will do differently."), field="action")
    if due_on < timezone.localdate(now):
        raise DomainError(_("The date must be today or later."), field="due_on")
    partners = list(with_members)
    agencies = list(with_agencies)
    if any(p.site_id != alliance.site_id for p in partners):
        raise DomainError(_("You can only name people in your own site."), field="with_members")
    if any(a.site_id != alliance.site_id for a in agencies):
        raise DomainError(_("You can only name agencies in your own site."), field="with_agencies")
    commitment = Commitment.objects.create(member=member, action=action, due_on=due_on, checked_in_at=now)
    commitment.with_members.set([p for p in partners if p.pk != membership.pk])
    commitment.with_agencies.set(agencies)
    return commitment


def alliance_checkins_every(*, alliance: Alliance, membership: Membership, weeks: int) -> Alliance:
    """Set how many weeks pass before a commitment's owner is asked again how it is going."""
    if not can_set_checkins(membership) or membership.site_id != alliance.site_id:
        raise DomainError(_("Only the site's enablers set how often people check in."))
    if not 1 <= weeks <= 52:
        raise DomainError(_("Choose between 1 and 52 weeks."), field="weeks")
    alliance.checkin_every_weeks = weeks
    alliance.save(update_fields=["checkin_every_weeks"])
    return alliance
