"""Every write to pilot sites, people, alliances and meetings."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from network.errors import DomainError
from network.models import (
    Agency,
    Alliance,
    AllianceMember,
    Meeting,
    MeetingResponse,
    Membership,
    PilotSite,
    Role,
    Rsvp,
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


def alliance_for_outcome(*, site: PilotSite, purpose: str) -> Alliance:
    return Alliance.objects.create(site=site, purpose=purpose)


def alliance_join(*, alliance: Alliance, membership: Membership, pledge: str = "") -> AllianceMember:
    """Commit a leader to an alliance. Committing twice updates the pledge."""
    if membership.site_id != alliance.site_id:
        raise DomainError("You can only join an alliance in your own site.")
    if membership.role != Role.LEADER:
        raise DomainError("Only leaders commit to an outcome.")
    member, created = AllianceMember.objects.get_or_create(
        alliance=alliance, membership=membership, defaults={"pledge": pledge.strip()}
    )
    if not created and pledge.strip() and member.pledge != pledge.strip():
        member.pledge = pledge.strip()
        member.save(update_fields=["pledge"])
    return member


@transaction.atomic
def meeting_create(
    *,
    alliance: Alliance,
    created_by: Membership,
    title: str,
    starts_at: dt.datetime,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    """Create a meeting and, once it is saved, queue its digest to the alliance."""
    if not created_by.is_coordinator or created_by.site_id != alliance.site_id:
        raise DomainError("Only the site's coordinators and enablers can create meetings.")
    if not place.strip() and not online_link.strip():
        raise DomainError("Give a place to meet, an online link, or both.", field="place")
    meeting = Meeting.objects.create(
        alliance=alliance,
        created_by=created_by,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        online_link=online_link.strip(),
        agenda=agenda.strip(),
    )
    from network.tasks import meeting_digest_send

    transaction.on_commit(lambda: meeting_digest_send.delay(meeting.pk))
    return meeting


def meeting_respond(*, meeting: Meeting, member: AllianceMember, rsvp: str) -> MeetingResponse:
    if rsvp not in Rsvp.values:
        raise DomainError("Choose going, maybe or not going.", field="rsvp")
    if member.alliance_id != meeting.alliance_id:
        raise DomainError("Only members of this alliance can reply.")
    try:
        response, _ = MeetingResponse.objects.update_or_create(meeting=meeting, member=member, defaults={"rsvp": rsvp})
    except IntegrityError:
        # Two replies raced; the other one created the row, so update it.
        response = MeetingResponse.objects.get(meeting=meeting, member=member)
        response.rsvp = rsvp
        response.save(update_fields=["rsvp", "updated_at"])
    return response
