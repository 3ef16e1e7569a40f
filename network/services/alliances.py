"""Writes: alliances."""

from __future__ import annotations

from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Alliance, AllianceMember, Membership, PilotSite
from network.roles import can_commit


def alliance_for_outcome(*, site: PilotSite, purpose: str) -> Alliance:
    return Alliance.objects.create(site=site, purpose=purpose)


def alliance_join(*, alliance: Alliance, membership: Membership, pledge: str = "") -> AllianceMember:
    """Commit a leader to an alliance. Committing twice updates the pledge."""
    if membership.site_id != alliance.site_id:
        raise DomainError(_("You can only join an alliance in your own site."))
    if not can_commit(membership):
        raise DomainError(_("Only leaders commit to an outcome."))
    member, created = AllianceMember.objects.get_or_create(
        alliance=alliance, membership=membership, defaults={"pledge": pledge.strip()}
    )
    if not created and pledge.strip() and member.pledge != pledge.strip():
        member.pledge = pledge.strip()
        member.save(update_fields=["pledge"])
    return member
