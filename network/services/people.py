"""Writes: changing people's roles, removing and restoring them, and editing agencies.

Removing archives rather than deletes, so a removed leader's ballots stay counted.
Every change is written to the site's activity log.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from network.errors import DomainError
from network.models import Agency, DigestPreference, Membership, Role, Sector, User
from network.services.activity import activity_record


def _label(membership: Membership) -> str:
    return membership.user.name or membership.user.email


def _ensure_another_enabler(membership: Membership) -> None:
    others = membership.site.memberships.filter(role=Role.ENABLER, archived_at__isnull=True).exclude(pk=membership.pk)
    if membership.role == Role.ENABLER and not others.exists():
        raise DomainError("A site needs at least one enabler. Make someone else an enabler first.", field="role")


@transaction.atomic
def member_update(
    *, membership: Membership, actor: User, role: str, agency: Agency | None, role_title: str
) -> Membership:
    if role not in Role.values:
        raise DomainError("Choose a role.", field="role")
    if agency is not None and (agency.site_id != membership.site_id or agency.archived_at is not None):
        raise DomainError("Choose one of this site's agencies.", field="agency")
    if role == Role.LEADER and agency is None:
        raise DomainError("A leader needs an agency.", field="agency")
    if role != membership.role:
        _ensure_another_enabler(membership)
    changes = []
    if role != membership.role:
        changes.append(f"role from {membership.get_role_display().lower()} to {Role(role).label.lower()}")
    if agency != membership.agency:
        changes.append(f"agency to {agency.name if agency else 'none'}")
    if role_title.strip() != membership.role_title:
        changes.append(f"role title to “{role_title.strip()}”")
    membership.role, membership.agency, membership.role_title = role, agency, role_title.strip()
    membership.save(update_fields=["role", "agency", "role_title"])
    if changes:
        activity_record(
            site=membership.site,
            actor=actor,
            action="person-edit",
            summary=f"Changed {_label(membership)}: " + "; ".join(changes),
        )
    return membership


@transaction.atomic
def member_archive(*, membership: Membership, actor: User) -> Membership:
    """Remove a person from the site. Their ballots, proposals and commitments stay as they were."""
    if membership.archived_at is not None:
        return membership
    if membership.user_id == actor.pk:
        raise DomainError("You cannot remove yourself.")
    _ensure_another_enabler(membership)
    membership.archived_at = timezone.now()
    membership.save(update_fields=["archived_at"])
    activity_record(site=membership.site, actor=actor, action="person-remove", summary=f"Removed {_label(membership)}")
    return membership


@transaction.atomic
def member_restore(*, membership: Membership, actor: User) -> Membership:
    if membership.archived_at is None:
        return membership
    if membership.agency is not None and membership.agency.archived_at is not None:
        raise DomainError(f"Restore {membership.agency.name} first: it is archived.")
    membership.archived_at = None
    membership.save(update_fields=["archived_at"])
    activity_record(
        site=membership.site, actor=actor, action="person-restore", summary=f"Restored {_label(membership)}"
    )
    return membership


@transaction.atomic
def agency_update(*, agency: Agency, actor: User, name: str, sector: str) -> Agency:
    name = name.strip()
    if not name:
        raise DomainError("Give the agency a name.", field="name")
    if sector not in Sector.values:
        raise DomainError(f"“{sector}” is not one of the sectors.", field="sector")
    if agency.site.agencies.filter(name__iexact=name).exclude(pk=agency.pk).exists():
        raise DomainError(f"{name} is already an agency in this site.", field="name")
    changes = []
    if name != agency.name:
        changes.append(f"renamed {agency.name} to {name}")
    if sector != agency.sector:
        changes.append(f"sector of {name} to {Sector(sector).label}")
    agency.name, agency.sector = name, sector
    agency.save(update_fields=["name", "sector"])
    if changes:
        activity_record(
            site=agency.site, actor=actor, action="agency-edit", summary="Changed agency: " + "; ".join(changes)
        )
    return agency


@transaction.atomic
def agency_archive(*, agency: Agency, actor: User) -> Agency:
    if agency.archived_at is not None:
        return agency
    if agency.members.filter(archived_at__isnull=True).exists():
        raise DomainError(f"{agency.name} still has people. Move or remove them first.")
    agency.archived_at = timezone.now()
    agency.save(update_fields=["archived_at"])
    activity_record(
        site=agency.site, actor=actor, action="agency-archive", summary=f"Archived the agency {agency.name}"
    )
    return agency


@transaction.atomic
def agency_restore(*, agency: Agency, actor: User) -> Agency:
    if agency.archived_at is None:
        return agency
    agency.archived_at = None
    agency.save(update_fields=["archived_at"])
    activity_record(
        site=agency.site, actor=actor, action="agency-restore", summary=f"Restored the agency {agency.name}"
    )
    return agency


@transaction.atomic
def profile_update(*, user: User, name: str, memberships: list[tuple[Membership, str, str]]) -> User:
    """Update a person's name and, for each of their sites, their role title and email preference."""
    name = name.strip()
    if not name:
        raise DomainError("Tell us your name.", field="name")
    user.name = name
    user.save(update_fields=["name"])
    for membership, role_title, digest_preference in memberships:
        if membership.user_id != user.pk:
            raise DomainError("That is not one of your sites.")
        if digest_preference not in DigestPreference.values:
            raise DomainError("Choose how often to hear from us.", field="digest_preference")
        membership.role_title = role_title.strip()
        membership.digest_preference = digest_preference
        membership.save(update_fields=["role_title", "digest_preference"])
    return user


def calendar_feed_new_address(*, membership: Membership) -> Membership:
    """Raise the person's calendar key, so their feed has a new address and the old one is closed."""
    Membership.objects.filter(pk=membership.pk).update(calendar_key=F("calendar_key") + 1)
    membership.refresh_from_db(fields=["calendar_key"])
    return membership
