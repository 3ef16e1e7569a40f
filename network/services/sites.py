"""Writes: setting up a pilot site."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from network.models import Membership, PilotSite, Role, User
from network.services.activity import activity_record
from network.text import one_line

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
        name=one_line(name), slug=_unique_slug(name), place=one_line(place), description=description.strip()
    )
    Membership.objects.create(site=site, user=creator, role=Role.ENABLER)
    activity_record(site=site, actor=creator, action="site-create", summary=f"Set up {site.name}")
    return site
