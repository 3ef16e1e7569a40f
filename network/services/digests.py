"""Writes around digests: the site's schedule, a person's preference, and "send now"."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from network.digests import weekly_key
from network.errors import DomainError
from network.models import Alliance, DigestPreference, DigestSchedule, Membership


def digest_schedule_get(*, membership: Membership) -> DigestSchedule:
    return DigestSchedule.objects.filter(site=membership.site).first() or DigestSchedule(site=membership.site)


def digest_schedule_set(
    *, membership: Membership, weekday: int, send_time: dt.time, days_before_meeting: int
) -> DigestSchedule:
    if not membership.is_enabler:
        raise DomainError("Only the site's enablers set when digests go out.")
    if not 0 <= weekday <= 6:
        raise DomainError("Choose a day of the week.", field="weekday")
    schedule, _ = DigestSchedule.objects.update_or_create(
        site=membership.site,
        defaults={"weekday": weekday, "send_time": send_time, "days_before_meeting": days_before_meeting},
    )
    return schedule


def digest_preference_set(*, membership: Membership, preference: str) -> Membership:
    if preference not in DigestPreference.values:
        raise DomainError("Choose weekly, meetings only or none.", field="digest_preference")
    membership.digest_preference = preference
    membership.save(update_fields=["digest_preference"])
    return membership


def weekly_digest_send_now(*, membership: Membership, alliance: Alliance) -> str:
    """Send this week's digest now; whoever already has this week's copy is not sent another."""
    if not membership.is_enabler or alliance.site_id != membership.site_id:
        raise DomainError("Only the site's enablers send digests.")
    from network.tasks import digest_send

    key = weekly_key(alliance=alliance, when=timezone.now())
    transaction.on_commit(lambda: digest_send.delay(key))
    return key
