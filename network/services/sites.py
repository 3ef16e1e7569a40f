"""Writes: sites."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
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


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "site"
    slug, n = base, 1
    while PilotSite.objects.filter(slug=slug).exists():
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
    return site


def agency_create(*, site: PilotSite, name: str, sector: str) -> Agency:
    name = name.strip()
    if sector not in Sector.values:
        raise DomainError(f"“{sector}” is not one of the sectors.", field="sector")
    if site.agencies.filter(name__iexact=name).exists():
        raise DomainError(f"{name} is already an agency in this site.", field="name")
    return Agency.objects.create(site=site, name=name, sector=sector)


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
) -> Membership:
    """Add a person to a site. A person new to the app is emailed a link to set a password."""
    if agency is not None and agency.site_id != site.pk:
        raise DomainError("That agency belongs to another site.", field="agency")
    if role == Role.LEADER and agency is None:
        raise DomainError("A leader needs an agency.", field="agency")
    user = user_get_or_create(email=email, name=name)
    if Membership.objects.filter(site=site, user=user).exists():
        raise DomainError(f"{email} is already in this site.", field="email")
    membership = Membership.objects.create(
        site=site, user=user, role=role, agency=agency, role_title=role_title.strip()
    )
    if not user.has_usable_password():
        from network.tasks import welcome_email_send

        transaction.on_commit(lambda: welcome_email_send.delay(membership.pk))
    return membership


def welcome_email_send(*, membership: Membership) -> None:
    """Email a person the link that lets them choose a password and sign in."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    user = membership.user
    if user.has_usable_password():
        return  # they have signed in already; nothing to set up
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"membership": membership, "link": f"{settings.SITE_URL}{path}"}
    send_mail(
        subject=f"You have been added to {membership.site.name} on Systems Leader",
        message=render_to_string("network/email/welcome.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
