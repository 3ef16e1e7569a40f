"""Writes: setting up a pilot site."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from network import activity_text
from network.errors import DomainError
from network.models import Membership, PilotSite, Role, User
from network.roles import is_enabler
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
    activity_record(
        site=site,
        actor=creator,
        action="site-create",
        words=activity_text.words(gettext_noop("Set up %(site)s"), site=site.name),
    )
    return site


SITE_SETTINGS_FIELDS = (
    "name",
    "place",
    "description",
    "privacy_controller",
    "privacy_lawful_basis",
    "privacy_retention",
    "privacy_contact",
)


@transaction.atomic
def site_update(*, site: PilotSite, actor: Membership, **values: str) -> PilotSite:
    """Change a site's name, place, description and privacy notice: its enablers only. The address (slug) stays,
    so links already sent keep working."""
    if not is_enabler(actor) or actor.site_id != site.pk or actor.archived_at is not None:
        raise DomainError(_("Only an enabler of this site can change its settings."))
    unknown = set(values) - set(SITE_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a site setting: {', '.join(sorted(unknown))}")
    single_line = {"name", "place", "privacy_contact"}
    cleaned = {key: one_line(value) if key in single_line else value.strip() for key, value in values.items()}
    if "name" in cleaned and not cleaned["name"]:
        raise DomainError(_("Enter the name of the pilot, like Northbrook Together"), field="name")
    if "place" in cleaned and not cleaned["place"]:
        raise DomainError(_("Enter the town, city or area the pilot covers"), field="place")
    changed = [key for key, value in cleaned.items() if getattr(site, key) != value]
    for key in changed:
        setattr(site, key, cleaned[key])
    if changed:
        site.full_clean()
        site.save(update_fields=changed)
        activity_record(
            site=site,
            actor=actor.user,
            action="site-edit",
            words=activity_text.words(gettext_noop("Changed the site's settings")),
        )
    return site
