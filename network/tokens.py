"""Signed links: RSVP from an email, unsubscribe, the calendar feed, and the sign-in links of invitations.

Each kind of link has its own salt, so a token made for one purpose is refused by the others.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

if TYPE_CHECKING:
    from network.models import User

# Version 2: links now name a site membership; the salt changed so an older link, which named a
# place in an alliance, is refused rather than read as someone else.
_RSVP = "network.meeting-rsvp.v2"
_RSVP_V1 = "network.meeting-rsvp"
_UNSUBSCRIBE = "network.digest-unsubscribe"
# Version 2: a feed is now one person's, so removing them from the site closes it.
_CALENDAR = "network.calendar-feed.v2"


def rsvp_token_make(*, meeting_id: int, membership_id: int) -> str:
    return signing.dumps({"m": meeting_id, "a": membership_id}, salt=_RSVP, compress=True)


def rsvp_token_read(token: str) -> tuple[int, int] | None:
    """The (meeting id, membership id) a token was made for, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=_RSVP)
        return int(data["m"]), int(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def legacy_rsvp_token_read(token: str) -> tuple[int, int] | None:
    """The (meeting id, alliance member id) of a link emailed before links named memberships, if genuine."""
    try:
        data = signing.loads(token, salt=_RSVP_V1)
        return int(data["m"]), int(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_token_make(*, membership_id: int) -> str:
    return signing.dumps(membership_id, salt=_UNSUBSCRIBE)


def unsubscribe_token_read(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=_UNSUBSCRIBE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def calendar_token_make(*, membership_id: int, key: int) -> str:
    return signing.dumps({"m": membership_id, "k": key}, salt=_CALENDAR)


def calendar_token_read(token: str) -> tuple[int, int] | None:
    """The (membership id, calendar key) this feed address was made for, or None if it was tampered with.

    Addresses made before feeds had keys carry the membership id alone; they read as key 0, so they
    work until the person first asks for a new address.
    """
    try:
        data = signing.loads(token, salt=_CALENDAR)
        if isinstance(data, dict):
            return int(data["m"]), int(data["k"])
        return int(data), 0
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


# Sign-in links (checked and used in network.services.invitations). A link carries a payload signed with a
# timestamp, so it expires, and a fingerprint of the user's sign-in state, so it works once.
LINK_SALT = "network.sign-in-link"
INVITATION_MAX_AGE = timedelta(days=7)
SIGN_IN_LINK_MAX_AGE = timedelta(minutes=30)


def sign_in_fingerprint(user: User) -> str:
    login = "" if user.last_login is None else user.last_login.astimezone(UTC).replace(tzinfo=None).isoformat()
    value = f"{user.pk}|{login}|{user.password}|{user.is_active}"
    return salted_hmac(LINK_SALT, value, algorithm="sha256").hexdigest()[:32]


def sign_in_token_make(*, user: User, site_slug: str = "", invitation: bool = False) -> str:
    payload = {"u": user.pk, "s": site_slug, "f": sign_in_fingerprint(user), "i": int(invitation)}
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(payload, compress=True)


def sign_in_link_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('network:sign-in-link', kwargs={'token': token})}"


# Check-in and action links expire: an old email should not speak for someone months later.
_CHECKIN = "network.commitment-checkin"
_ACTION = "network.action-done"
LINK_MAX_AGE = 60 * 60 * 24 * 42  # six weeks, in seconds


class LinkExpiredError(Exception):
    """A genuine link, too old to use."""


def _pair_read(token: str, salt: str, max_age: int) -> tuple[int, int] | None:
    """The (object id, membership id) a token was made for; None if tampered with; LinkExpiredError if too old."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        return int(data["o"]), int(data["m"])
    except signing.SignatureExpired as error:
        raise LinkExpiredError from error
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def checkin_token_make(*, commitment_id: int, membership_id: int) -> str:
    return signing.dumps({"o": commitment_id, "m": membership_id}, salt=_CHECKIN)


def checkin_token_read(token: str, *, max_age: int = LINK_MAX_AGE) -> tuple[int, int] | None:
    """The (commitment id, owner's membership id) of a check-in link. Raises LinkExpiredError when it is too old."""
    return _pair_read(token, _CHECKIN, max_age)


def action_token_make(*, action_id: int, membership_id: int) -> str:
    return signing.dumps({"o": action_id, "m": membership_id}, salt=_ACTION)


def action_token_read(token: str, *, max_age: int = LINK_MAX_AGE) -> tuple[int, int] | None:
    """The (action id, owner's membership id) of a "mark done" link. Raises LinkExpiredError when it is too old."""
    return _pair_read(token, _ACTION, max_age)
