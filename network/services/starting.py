"""Writes: a pilot site's first enabler, made by `manage.py create_enabler` or by starting a site oneself.

Starting a site oneself (only when settings.SELF_SERVICE_SITES is on) proves the email address
first: the request is emailed back as a signed link (django.core.signing, with a timestamp so it
expires), and nothing is saved until the link is followed and confirmed. Confirming twice, or
following the link again later, gives back the same site rather than a second one.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Membership, PilotSite, Role, User
from network.ratelimit import rate_exceeded
from network.services.people import user_get_or_create
from network.services.sites import site_create

logger = logging.getLogger(__name__)

_START_SALT = "network.site-start"
START_LINK_MAX_AGE = timedelta(days=1)
# Requests to start a site, per client address, in a window: each one sends an email to any address.
START_RATE_WINDOW_SECONDS = 60 * 60
START_RATE_PER_IP = 5


@dataclass(frozen=True)
class SiteStart:
    """What someone asked for when starting a site: carried in the emailed link, not stored."""

    email: str
    name: str
    site_name: str
    place: str


class StartRateLimitedError(Exception):
    pass


def _rate_exceeded(key: str) -> bool:
    return rate_exceeded(key, limit=START_RATE_PER_IP, window_seconds=START_RATE_WINDOW_SECONDS)


def site_start_token_make(*, start: SiteStart) -> str:
    payload = {"e": start.email, "n": start.name, "s": start.site_name, "p": start.place}
    return signing.dumps(payload, salt=_START_SALT, compress=True)


def site_start_token_read(*, token: str) -> SiteStart | None:
    """The request a link was made for, or None if it expired or is not one of ours."""
    try:
        data = signing.loads(token, salt=_START_SALT, max_age=START_LINK_MAX_AGE)
        return SiteStart(email=str(data["e"]), name=str(data["n"]), site_name=str(data["s"]), place=str(data["p"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def site_start_request(*, start: SiteStart, ip: str) -> None:
    """Email the link that confirms this address and starts the site. Nothing is saved yet."""
    if _rate_exceeded(f"site-start:ip:{ip}"):
        raise StartRateLimitedError
    email = User.objects.normalize_email(start.email).strip().lower()
    start = SiteStart(
        email=email, name=start.name.strip(), site_name=start.site_name.strip(), place=start.place.strip()
    )
    link = settings.SITE_URL + reverse("network:site-start-confirm", args=[site_start_token_make(start=start)])
    context = {"start": start, "link": link, "hours": int(START_LINK_MAX_AGE.total_seconds() // 3600)}
    try:
        send_mail(
            subject=_("Confirm your email address to start %(site)s") % {"site": start.site_name},
            message=render_to_string("network/email/site_start.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    except (smtplib.SMTPException, OSError) as error:
        # For the operators' log, in English: not shown to the person.
        logger.log(logging.WARNING, "Could not send a site start link: %s", error)
        raise DomainError(_("The email could not be sent just now. Please try again in a few minutes.")) from error


@transaction.atomic
def enabler_site_create(*, email: str, name: str, site_name: str, place: str = "") -> Membership:
    """Make (or find) the person and a site they are the first enabler of.

    If they are already an enabler of a site of that name, that membership is returned: running the
    command twice, or following a start link twice, makes one site.
    """
    if not email.strip() or not site_name.strip():
        raise DomainError(_("An email address and a site name are needed."))
    user = user_get_or_create(email=email, name=name)
    existing = (
        Membership.objects.select_related("site", "user")
        .filter(user=user, role=Role.ENABLER, site__name=site_name.strip(), archived_at__isnull=True)
        .first()
    )
    if existing is not None:
        return existing
    site: PilotSite = site_create(creator=user, name=site_name, place=place or site_name)
    return Membership.objects.select_related("site", "user").get(site=site, user=user)


def site_start_confirm(*, start: SiteStart) -> Membership:
    return enabler_site_create(email=start.email, name=start.name, site_name=start.site_name, place=start.place)


def password_set_url(*, user: User) -> str:
    """A link to choose a password (Django's reset flow), for someone who has never had one."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
