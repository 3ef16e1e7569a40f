"""Writes: a site's agencies, created, edited, archived and restored; each change goes to the activity log.

An agency's name is unique in its site (whatever its case) and its sector is one of `Sector`:
`_check_details` says so once for creating and editing alike. (A spreadsheet import creates
agencies in bulk after checking every row itself: `network/services/imports.py`.)
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from network import activity_text
from network.errors import DomainError
from network.models import Agency, PilotSite, Sector, User
from network.services.activity import activity_record
from network.text import one_line


def _check_details(*, site: PilotSite, name: str, sector: str, agency: Agency | None = None) -> None:
    """The rules for an agency's name and sector; `agency` is the one being edited, if any."""
    if not name:
        raise DomainError(_("Give the agency a name."), field="name")
    if sector not in Sector.values:
        raise DomainError(_("“%(sector)s” is not one of the sectors.") % {"sector": sector}, field="sector")
    same_name = site.agencies.filter(name__iexact=name)
    if agency is not None:
        same_name = same_name.exclude(pk=agency.pk)
    if same_name.exists():
        raise DomainError(_("%(name)s is already an agency in this site.") % {"name": name}, field="name")


def agency_create(*, site: PilotSite, name: str, sector: str, actor: User | None = None) -> Agency:
    name = one_line(name)
    _check_details(site=site, name=name, sector=sector)
    agency = Agency.objects.create(site=site, name=name, sector=sector)
    if actor is not None:
        activity_record(
            site=site,
            actor=actor,
            action="agency-add",
            words=activity_text.words(gettext_noop("Added the agency %(name)s"), name=agency.name),
        )
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, actor: User, name: str, sector: str) -> Agency:
    name = one_line(name)
    _check_details(site=agency.site, name=name, sector=sector, agency=agency)
    changes = []
    if name != agency.name:
        changes.append(activity_text.words(gettext_noop("renamed %(old)s to %(new)s"), old=agency.name, new=name))
    if sector != agency.sector:
        changes.append(
            activity_text.words(
                gettext_noop("sector of %(name)s to %(sector)s"),
                name=name,
                sector=activity_text.label(Sector(sector).label),
            )
        )
    agency.name, agency.sector = name, sector
    agency.save(update_fields=["name", "sector"])
    if changes:
        activity_record(
            site=agency.site,
            actor=actor,
            action="agency-edit",
            words=activity_text.words(gettext_noop("Changed agency: %(changes)s"), changes=activity_text.many(changes)),
        )
    return agency


@transaction.atomic
def agency_archive(*, agency: Agency, actor: User) -> Agency:
    if agency.archived_at is not None:
        return agency
    if agency.members.filter(archived_at__isnull=True).exists():
        raise DomainError(_("%(name)s still has people. Move or remove them first.") % {"name": agency.name})
    agency.archived_at = timezone.now()
    agency.save(update_fields=["archived_at"])
    activity_record(
        site=agency.site,
        actor=actor,
        action="agency-archive",
        words=activity_text.words(gettext_noop("Archived the agency %(name)s"), name=agency.name),
    )
    return agency


@transaction.atomic
def agency_restore(*, agency: Agency, actor: User) -> Agency:
    if agency.archived_at is None:
        return agency
    agency.archived_at = None
    agency.save(update_fields=["archived_at"])
    activity_record(
        site=agency.site,
        actor=actor,
        action="agency-restore",
        words=activity_text.words(gettext_noop("Restored the agency %(name)s"), name=agency.name),
    )
    return agency
