"""Writes around digests: the site's schedule, a person's preference, and "send now"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from network import dispatch
from network.digests import digest_prepare, mail_deliveries_create, mail_key
from network.errors import DomainError
from network.models import DigestPreference, DigestSchedule, Membership, PilotSite
from network.selectors.alliances import alliance_current
from network.selectors.digests import digest_choices, digest_has_work


def digest_schedule_get(*, membership: Membership) -> DigestSchedule:
    return DigestSchedule.objects.filter(site=membership.site).first() or DigestSchedule(site=membership.site)


def digest_schedule_set(
    *, membership: Membership, weekday: int, send_time: dt.time, days_before_meeting: int
) -> DigestSchedule:
    if not membership.is_enabler:
        raise DomainError(gettext("Only the site's enablers set when digests go out."))
    if not 0 <= weekday <= 6:
        raise DomainError(gettext("Choose a day of the week."), field="weekday")
    schedule, _ = DigestSchedule.objects.update_or_create(
        site=membership.site,
        defaults={"weekday": weekday, "send_time": send_time, "days_before_meeting": days_before_meeting},
    )
    return schedule


def digest_preference_set(*, membership: Membership, preference: str) -> Membership:
    if preference not in DigestPreference.values:
        raise DomainError(gettext("Choose weekly, meetings only or none."), field="digest_preference")
    membership.digest_preference = preference
    membership.save(update_fields=["digest_preference"])
    return membership


@transaction.atomic
def digest_send_now(*, membership: Membership, key: str) -> str:
    """Send one of the site's digests now, or resume a stalled one; whoever already has their copy is not sent
    another."""
    if not membership.is_enabler:
        raise DomainError(gettext("Only the site's enablers send digests."))
    offered = digest_choices(site=membership.site, alliance=alliance_current(site=membership.site))
    if key not in dict(offered):
        raise DomainError(gettext("That digest is not one this site can send now."))
    if not digest_has_work(key=key):
        raise DomainError(gettext("Everyone it is for has already been sent this one, so nothing more was sent."))
    # Its deliveries are made here, so the page shows it queued at once (and a stalled one is resumed:
    # the run takes every delivery nobody holds).
    digest_prepare(key=key)
    dispatch.digest_send.after_commit(key)
    return key


def email_queue(
    *, site: PilotSite, name: str, memberships: list[Membership], write: Callable[[Membership], tuple[str, str]]
) -> str:
    """Queue one written email to each of these people of `site` through the email ledger, to be sent once the
    caller's transaction commits: nothing lost if a worker or Redis dies, as for digests. `write` gives each
    person's (subject, body), in their own language. The key it was queued under."""
    people = [m for m in memberships if m.site_id == site.pk and m.archived_at is None]
    key = mail_key(site=site, name=name, when=timezone.now())
    if people:
        mail_deliveries_create(key=key, letters=[(m, *write(m)) for m in people])
        dispatch.digest_send.after_commit(key)
    return key
