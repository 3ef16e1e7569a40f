"""What a digest's key names: every key is made here, and read back here.

A key names one digest, which goes to each of its recipients once: "meeting:12" (a new meeting),
"change:12:3" (its third change or its cancellation), "pre_meeting:12" (the reminder before it),
"weekly:4:2026-W48" (an alliance's week), "place:12:7:<stamp>" (a place on the waiting list came
free for membership 7, once per time they waited), or "invitation:3:<stamp>" (invitations to people of
site 3, chosen when an enabler pressed the button: the deliveries made then say who), or
"mail:3:round_closed:<stamp>" (an email written when it was queued, stored with its deliveries), or
"sign_in:7:<stamp>:0" (a sign-in link membership 7's person asked for; 1 at the end lands on its site).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from network.digests.content import DigestContent
from network.models import Alliance, DigestDelivery, Meeting, Membership, PilotSite

Kind = DigestDelivery.Kind

_MEETING_KINDS = (Kind.MEETING, Kind.CHANGE, Kind.PRE_MEETING, Kind.PLACE)


@dataclass
class Digest:
    """One digest, parsed from its key."""

    key: str
    kind: str
    site: PilotSite
    alliance: Alliance | None = None
    meeting: Meeting | None = None
    # For a "place came free" email, the one person it is for.
    membership_id: int | None = None
    # What every copy says, by language: read once per language on first use by network.digests.messages, as
    # the words read with it (a sector's name, a reply's label) are in the language active then.
    content: dict[str, DigestContent] = field(default_factory=dict, repr=False, compare=False)


def weekly_key(*, alliance: Alliance, when: dt.datetime) -> str:
    """The key of an alliance's digest for the week (Monday to Sunday, UK time) that `when` falls in."""
    year, week, _ = timezone.localtime(when).isocalendar()
    return f"{Kind.WEEKLY}:{alliance.pk}:{year}-W{week:02d}"


def meeting_key(*, meeting_id: int) -> str:
    """The key of the email telling everyone invited of a new meeting."""
    return f"{Kind.MEETING}:{meeting_id}"


def change_key(*, meeting: Meeting) -> str:
    """The key of the email telling everyone invited of a meeting's latest change or its cancellation."""
    return f"{Kind.CHANGE}:{meeting.pk}:{meeting.revision}"


def pre_meeting_key(*, meeting_id: int) -> str:
    """The key of the reminder a few days before a meeting."""
    return f"{Kind.PRE_MEETING}:{meeting_id}"


def place_key(*, meeting: Meeting, membership_id: int, waitlisted_at: dt.datetime) -> str:
    """The key of the email telling someone a place came free: one per time they waited."""
    return f"{Kind.PLACE}:{meeting.pk}:{membership_id}:{int(waitlisted_at.timestamp() * 1_000_000)}"


def invitation_key(*, site: PilotSite, when: dt.datetime) -> str:
    """The key of one press of an invite button: its deliveries, made at once, are whom it invites."""
    return f"{Kind.INVITATION}:{site.pk}:{int(when.timestamp() * 1_000_000)}"


def sign_in_key(*, membership_id: int, when: dt.datetime, to_site: bool) -> str:
    """The key of one sign-in link asked for by the person of this membership; with `to_site` it lands on
    the membership's site (a fresh link for an expired one), else on their home page."""
    return f"{Kind.SIGN_IN}:{membership_id}:{int(when.timestamp() * 1_000_000)}:{int(to_site)}"


def mail_key(*, site: PilotSite, name: str, when: dt.datetime) -> str:
    """The key of one email written once and queued to some people of a site ("round_closed", say)."""
    return f"{Kind.MAIL}:{site.pk}:{name}:{int(when.timestamp() * 1_000_000)}"


def digest_parse(key: str) -> Digest | None:
    """The digest a key names, or None if the key is malformed or what it names no longer exists."""
    kind, _, rest = key.partition(":")
    parts = rest.split(":")
    if not parts[0].isdigit():
        return None
    if kind == Kind.WEEKLY:
        alliance = Alliance.objects.select_related("site").filter(pk=int(parts[0])).first()
        return Digest(key=key, kind=kind, site=alliance.site, alliance=alliance) if alliance else None
    if kind == Kind.SIGN_IN:
        membership = Membership.objects.select_related("site").filter(pk=int(parts[0])).first()
        if membership is None:
            return None
        return Digest(key=key, kind=kind, site=membership.site, membership_id=membership.pk)
    if kind in (Kind.INVITATION, Kind.MAIL):
        site = PilotSite.objects.filter(pk=int(parts[0])).first()
        return Digest(key=key, kind=kind, site=site) if site else None
    if kind not in _MEETING_KINDS:
        return None
    meeting = Meeting.objects.select_related("site", "alliance").filter(pk=int(parts[0])).first()
    if meeting is None:
        return None
    digest = Digest(key=key, kind=kind, site=meeting.site, alliance=meeting.alliance, meeting=meeting)
    if kind == Kind.PLACE:
        if len(parts) < 2 or not parts[1].isdigit():
            return None
        digest.membership_id = int(parts[1])
    return digest
