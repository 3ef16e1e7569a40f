"""Writes: sites."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from network.errors import DomainError
from network.models import (
    Agency,
    Membership,
    PilotSite,
    Role,
    Sector,
    User,
)
from network.services.activity import activity_record

# Addresses under /sites/ that are pages, not sites: a site with one of these slugs could not be reached.
_RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "site"
    slug, n = base, 1
    while slug in _RESERVED_SLUGS or PilotSite.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def site_create(*, creator: User, name: str, place: str, description: str = "") -> PilotSite:
    """Create a pilot site; its creator becomes its first enabler."""
    site = PilotSite.objects.create(
        name=name.strip(), slug=_unique_slug(name), place=place.strip(), description=description.strip()
    )
    Membership.objects.create(site=site, user=creator, role=Role.ENABLER)
    activity_record(site=site, actor=creator, action="site-create", summary=f"Set up {site.name}")
    return site


def agency_create(*, site: PilotSite, name: str, sector: str, actor: User | None = None) -> Agency:
    name = name.strip()
    if sector not in Sector.values:
        raise DomainError(f"“{sector}” is not one of the sectors.", field="sector")
    if site.agencies.filter(name__iexact=name).exists():
        raise DomainError(f"{name} is already an agency in this site.", field="name")
    agency = Agency.objects.create(site=site, name=name, sector=sector)
    if actor is not None:
        activity_record(site=site, actor=actor, action="agency-add", summary=f"Added the agency {agency.name}")
    return agency


def user_get_or_create(*, email: str, name: str) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=name.strip())
    return user


@transaction.atomic
def member_add(
    *,
    site: PilotSite,
    name: str,
    email: str,
    role: str = Role.LEADER,
    agency: Agency | None = None,
    role_title: str = "",
    actor: User | None = None,
) -> Membership:
    """Add a person to a site. Nobody is emailed: an enabler invites people when ready.

    A person removed from the site earlier is restored with the new details.
    """
    if agency is not None and agency.site_id != site.pk:
        raise DomainError("That agency belongs to another site.", field="agency")
    if role == Role.LEADER and agency is None:
        raise DomainError("A leader needs an agency.", field="agency")
    user = user_get_or_create(email=email, name=name)
    existing = Membership.objects.filter(site=site, user=user).first()
    if existing is not None and existing.archived_at is None:
        raise DomainError(f"{email} is already in this site.", field="email")
    if existing is not None:
        existing.role, existing.agency, existing.role_title = role, agency, role_title.strip()
        existing.archived_at = None
        existing.save(update_fields=["role", "agency", "role_title", "archived_at"])
        membership = existing
    else:
        membership = Membership.objects.create(
            site=site, user=user, role=role, agency=agency, role_title=role_title.strip()
        )
    if actor is not None:
        activity_record(
            site=site,
            actor=actor,
            action="person-add",
            summary=f"Added {user.name or user.email} as {membership.get_role_display().lower()}",
        )
    return membership
