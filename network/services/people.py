"""Writes: people in a site. Adding them, changing their role, removing and restoring them, their profile.

Removing archives rather than deletes, so a removed leader's ballots stay counted.
Every change an enabler makes is written to the site's activity log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from network import activity_text
from network.errors import DomainError
from network.models import Agency, DigestPreference, Membership, PilotSite, Role, User
from network.roles import ENABLERS, is_enabler, role_needs_agency
from network.services.activity import activity_record
from network.text import one_line


def _label(membership: Membership) -> str:
    return membership.user.name or membership.user.email


def _check_agency_for_role(*, role: str, agency: Agency | None) -> None:
    if role_needs_agency(role) and agency is None:
        raise DomainError(_("A leader needs an agency."), field="agency")


def _ensure_another_enabler(membership: Membership) -> None:
    others = membership.site.memberships.filter(role__in=ENABLERS, archived_at__isnull=True).exclude(pk=membership.pk)
    if is_enabler(membership) and not others.exists():
        raise DomainError(_("A site needs at least one enabler. Make someone else an enabler first."), field="role")


def user_get_or_create(*, email: str, name: str) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, name=one_line(name))
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
        raise DomainError(_("That agency belongs to another site."), field="agency")
    _check_agency_for_role(role=role, agency=agency)
    user = user_get_or_create(email=email, name=name)
    existing = Membership.objects.filter(site=site, user=user).first()
    if existing is not None and existing.archived_at is None:
        raise DomainError(_("%(email)s is already in this site.") % {"email": email}, field="email")
    if existing is not None:
        existing.role, existing.agency, existing.role_title = role, agency, one_line(role_title)
        existing.archived_at = None
        existing.save(update_fields=["role", "agency", "role_title", "archived_at"])
        membership = existing
    else:
        membership = Membership.objects.create(
            site=site, user=user, role=role, agency=agency, role_title=one_line(role_title)
        )
    if actor is not None:
        activity_record(
            site=site,
            actor=actor,
            action="person-add",
            words=activity_text.words(
                gettext_noop("Added %(name)s as %(role)s"),
                name=user.name or user.email,
                role=activity_text.label(Role(membership.role).label, lower=True),
            ),
        )
    return membership


@transaction.atomic
def member_update(
    *,
    membership: Membership,
    actor: User,
    role: str,
    agency: Agency | None,
    role_title: str,
    language: str | None = None,
) -> Membership:
    """Change a person's role, agency and role title and, when given, their language (which follows the
    person to every site: their emails, invitations and pages)."""
    if role not in Role.values:
        raise DomainError(_("Choose a role."), field="role")
    if agency is not None and (agency.site_id != membership.site_id or agency.archived_at is not None):
        raise DomainError(_("Choose one of this site's agencies."), field="agency")
    if language is not None and language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose English or Cymraeg."), field="language")
    _check_agency_for_role(role=role, agency=agency)
    if role != membership.role:
        _ensure_another_enabler(membership)
    changes = []
    if role != membership.role:
        changes.append(
            activity_text.words(
                gettext_noop("role from %(old)s to %(new)s"),
                old=activity_text.label(Role(membership.role).label, lower=True),
                new=activity_text.label(Role(role).label, lower=True),
            )
        )
    if agency != membership.agency:
        changes.append(
            activity_text.words(
                gettext_noop("agency to %(agency)s"),
                agency=agency.name if agency else activity_text.label(gettext_noop("none")),
            )
        )
    if one_line(role_title) != membership.role_title:
        changes.append(activity_text.words(gettext_noop("role title to “%(title)s”"), title=one_line(role_title)))
    if language is not None and language != membership.user.language:
        # Each language by its own name, as the switcher names it: not translated.
        changes.append(
            activity_text.words(gettext_noop("language to %(language)s"), language=dict(settings.LANGUAGES)[language])
        )
        user_set_language(user=membership.user, language=language)
    membership.role, membership.agency, membership.role_title = role, agency, one_line(role_title)
    membership.save(update_fields=["role", "agency", "role_title"])
    if changes:
        activity_record(
            site=membership.site,
            actor=actor,
            action="person-edit",
            words=activity_text.words(
                gettext_noop("Changed %(name)s: %(changes)s"),
                name=_label(membership),
                changes=activity_text.many(changes),
            ),
        )
    return membership


@transaction.atomic
def member_archive(*, membership: Membership, actor: User) -> Membership:
    """Remove a person from the site. Their ballots, proposals and commitments stay as they were."""
    if membership.archived_at is not None:
        return membership
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot remove yourself."))
    _ensure_another_enabler(membership)
    membership.archived_at = timezone.now()
    membership.save(update_fields=["archived_at"])
    activity_record(
        site=membership.site,
        actor=actor,
        action="person-remove",
        words=activity_text.words(gettext_noop("Removed %(name)s"), name=_label(membership)),
    )
    return membership


@transaction.atomic
def member_restore(*, membership: Membership, actor: User) -> Membership:
    if membership.archived_at is None:
        return membership
    if membership.agency is not None and membership.agency.archived_at is not None:
        raise DomainError(_("Restore %(agency)s first: it is archived.") % {"agency": membership.agency.name})
    membership.archived_at = None
    membership.save(update_fields=["archived_at"])
    activity_record(
        site=membership.site,
        actor=actor,
        action="person-restore",
        words=activity_text.words(gettext_noop("Restored %(name)s"), name=_label(membership)),
    )
    return membership


@transaction.atomic
def profile_update(*, user: User, name: str, memberships: list[tuple[Membership, str, str]]) -> User:
    """Update a person's name and, for each of their sites, their role title and email preference."""
    name = one_line(name)
    if not name:
        raise DomainError(_("Tell us your name."), field="name")
    user.name = name
    user.save(update_fields=["name"])
    for membership, role_title, digest_preference in memberships:
        if membership.user_id != user.pk:
            raise DomainError(_("That is not one of your sites."))
        if digest_preference not in DigestPreference.values:
            raise DomainError(_("Choose how often to hear from us."), field="digest_preference")
        membership.role_title = one_line(role_title)
        membership.digest_preference = digest_preference
        membership.save(update_fields=["role_title", "digest_preference"])
    return user


def calendar_feed_new_address(*, membership: Membership) -> Membership:
    """Raise the person's calendar key, so their feed has a new address and the old one is closed."""
    Membership.objects.filter(pk=membership.pk).update(calendar_key=F("calendar_key") + 1)
    membership.refresh_from_db(fields=["calendar_key"])
    return membership


def user_set_language(*, user: User, language: str) -> User:
    """Keep the person's language (the switcher's choice): pages, emails and calendar files follow it."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
