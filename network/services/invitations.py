"""Writes: invitations and passwordless sign-in links.

A sign-in link carries a payload signed with a timestamp (django.core.signing),
so it expires, and a fingerprint of the user's sign-in state (their last
sign-in time and password hash), so it works once: signing in changes
`last_login` and every earlier link stops matching. The fingerprint is
compared in constant time.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_noop

from network import activity_text, dispatch
from network.digests.keys import invitation_key, sign_in_key
from network.digests.messages import sign_in_link_email
from network.errors import DomainError
from network.models import DigestDelivery, InvitationStatus, Membership, PilotSite, User
from network.ratelimit import rate_exceeded
from network.services.activity import activity_record

# The link itself is made in network.tokens (so the email ledger can make one too); named here as before.
from network.tokens import INVITATION_MAX_AGE as INVITATION_MAX_AGE
from network.tokens import LINK_SALT, SIGN_IN_LINK_MAX_AGE, sign_in_link_url
from network.tokens import sign_in_fingerprint as _fingerprint
from network.tokens import sign_in_token_make as sign_in_token_make

logger = logging.getLogger(__name__)

# A burst of requests is refused: per email address (silently, so nothing is
# revealed about which addresses have accounts) and per client address.
RATE_WINDOW_SECONDS = 15 * 60
RATE_PER_EMAIL = 3
RATE_PER_IP = 10


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


@dataclass(frozen=True)
class LinkCheck:
    state: LinkState
    user: User | None = None
    site_slug: str = ""


class RateLimitedError(Exception):
    pass


def sign_in_token_check(*, token: str) -> LinkCheck:
    """Say whether a link is valid, expired, used or not a link of ours, and whose it is."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        payload = signer.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return LinkCheck(LinkState.INVALID)
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return LinkCheck(LinkState.INVALID)
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        return LinkCheck(LinkState.INVALID)
    site_slug = str(payload.get("s") or "")
    max_age = INVITATION_MAX_AGE if payload.get("i") else SIGN_IN_LINK_MAX_AGE
    try:
        signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        return LinkCheck(LinkState.EXPIRED, user, site_slug)
    if not constant_time_compare(str(payload.get("f", "")), _fingerprint(user)):
        return LinkCheck(LinkState.USED, user, site_slug)
    return LinkCheck(LinkState.VALID, user, site_slug)


@transaction.atomic
def invitations_queue(*, site: PilotSite, actor: User, memberships: list[Membership]) -> int:
    """Queue invitations to these members of `site` through the email ledger; a worker sends them after commit.

    The people are locked and marked "Sending" here, and whoever is already being sent one is left out,
    so pressing the button again (or twice at once) never sends anyone a second invitation.
    """
    # An enabler is signed in already and never invites themself.
    wanted = [m.pk for m in memberships if m.site_id == site.pk and m.archived_at is None and m.user_id != actor.pk]
    chosen = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=wanted, site=site, archived_at__isnull=True)
        .exclude(invitation_status=InvitationStatus.QUEUED)
        .order_by("pk")
    )
    if not chosen:
        return 0
    key = invitation_key(site=site, when=timezone.now())
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(key=key, kind=DigestDelivery.Kind.INVITATION, recipient=m) for m in chosen], batch_size=1000
    )
    # Someone who has accepted stays accepted, whatever becomes of another invitation.
    Membership.objects.filter(pk__in=[m.pk for m in chosen]).exclude(
        invitation_status=InvitationStatus.ACCEPTED
    ).update(invitation_status=InvitationStatus.QUEUED, invitation_error="")
    dispatch.digest_send.after_commit(key)
    if len(chosen) == 1:
        words = activity_text.words(gettext_noop("Invited %(name)s"), name=chosen[0].user.name or chosen[0].user.email)
    else:
        words = activity_text.words(gettext_noop("Invited %(count)d people"), count=len(chosen))
    activity_record(site=site, actor=actor, action="invite", words=words)
    return len(chosen)


def invitation_queue_one(*, site: PilotSite, actor: User, membership_id: int) -> Membership:
    membership = site.memberships.select_related("user").filter(pk=membership_id, archived_at__isnull=True).first()
    if membership is None:
        raise DomainError(gettext("That person is not in this site."))
    invitations_queue(site=site, actor=actor, memberships=[membership])
    return membership


def _rate_exceeded(key: str, limit: int) -> bool:
    return rate_exceeded(key, limit=limit, window_seconds=RATE_WINDOW_SECONDS)


def sign_in_link_request(*, email: str, ip: str) -> None:
    """Email a sign-in link to this address if it has an account; say nothing either way.

    Raises RateLimitedError when this client has asked too often. Too many requests
    for one address are dropped silently, so the answer never reveals whether
    the address has an account.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if _rate_exceeded(f"sign-in-link:ip:{ip}", RATE_PER_IP):
        raise RateLimitedError
    email_key = salted_hmac(LINK_SALT, email).hexdigest()  # no addresses in the cache
    if _rate_exceeded(f"sign-in-link:email:{email_key}", RATE_PER_EMAIL):
        return
    user = User.objects.filter(email__iexact=email, is_active=True).only("pk").first()
    if user is None:
        return
    _sign_in_link_queue(user=user, site_slug="")


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Whether a password-reset email may go now: the same limits per address and per client as sign-in links.

    The caller answers the same either way, so the limit tells nobody whether the address has an account.
    """
    if _rate_exceeded(f"password-reset:ip:{ip}", RATE_PER_IP):
        return False
    email_key = salted_hmac(LINK_SALT, User.objects.normalize_email(email).strip().lower()).hexdigest()
    return not _rate_exceeded(f"password-reset:email:{email_key}", RATE_PER_EMAIL)


def sign_in_link_send(*, user: User, site_slug: str = "") -> None:
    token = sign_in_token_make(user=user, site_slug=site_slug)
    sign_in_link_email(user=user, link=sign_in_link_url(token)).send()


def fresh_link_send(*, check: LinkCheck) -> None:
    """Send a new link to the owner of an expired or used one: only ever to their own address."""
    if check.user is None or check.state not in (LinkState.EXPIRED, LinkState.USED):
        return
    email_key = salted_hmac(LINK_SALT, check.user.email.lower()).hexdigest()
    if _rate_exceeded(f"sign-in-link:email:{email_key}", RATE_PER_EMAIL):
        return  # the same limit as asking on the sign-in page
    _sign_in_link_queue(user=check.user, site_slug=check.site_slug)


def _sign_in_link_queue(*, user: User, site_slug: str) -> None:
    """Queue a sign-in link through the email ledger (as invitations and digests are), by one of the person's
    memberships: that of the site to land on, else any. Someone in no site at all has it sent by a plain task."""
    people = Membership.objects.filter(user=user, archived_at__isnull=True).order_by("pk")
    membership = (people.filter(site__slug=site_slug).first() if site_slug else None) or people.first()
    if membership is None:
        dispatch.sign_in_link_send.after_commit(user.pk, site_slug)
        return
    to_site = bool(site_slug) and membership.site.slug == site_slug
    key = sign_in_key(membership_id=membership.pk, when=timezone.now(), to_site=to_site)
    DigestDelivery.objects.create(key=key, kind=DigestDelivery.Kind.SIGN_IN, recipient=membership)
    dispatch.digest_send.after_commit(key)


@transaction.atomic
def sign_in_link_accept(*, token: str) -> LinkCheck:
    """Check a link under a row lock and, if valid, mark the person's invitations accepted.

    The caller signs the person in (which changes `last_login`, using the link up)
    inside the same transaction.
    """
    check = sign_in_token_check(token=token)
    if check.state is not LinkState.VALID or check.user is None:
        return check
    locked = User.objects.select_for_update().get(pk=check.user.pk)
    if not constant_time_compare(_fingerprint(locked), _fingerprint(check.user)):
        return LinkCheck(LinkState.USED, locked, check.site_slug)
    Membership.objects.filter(user=locked, archived_at__isnull=True).exclude(
        invitation_status=InvitationStatus.ACCEPTED
    ).update(invitation_status=InvitationStatus.ACCEPTED, invitation_error="")
    locked.last_login = timezone.now()
    locked.save(update_fields=["last_login"])
    return LinkCheck(LinkState.VALID, locked, check.site_slug)
