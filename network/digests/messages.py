"""Building the email one person gets for a digest. Nothing here writes; the only reads are of the
digest's content, once per digest (network.digests.content)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from network import tokens
from network.calendars import meeting_ics
from network.digests.content import (
    DigestContent,
    MeetingContent,
    SiteContact,
    meeting_content,
    site_contact,
    weekly_digest_for,
    weekly_news,
)
from network.digests.keys import Digest, Kind
from network.i18n import language_of
from network.models import DigestDelivery, Meeting, Membership, Rsvp, User
from network.text import one_line

# Emails about a meeting that carry its calendar file: every one, from the invitation on.
_WITH_CALENDAR = (Kind.MEETING, Kind.PRE_MEETING, Kind.CHANGE, Kind.PLACE)


def _content(digest: Digest, *, reader: int | None = None) -> DigestContent:
    """What every copy of the digest says in the active language, read on first use and kept on the digest for
    the rest of its run: once per language its readers speak (a mixed alliance reads it twice, not per person).

    With `reader` (a membership id, for the preview of one copy), the weekly news of that reader only, not kept.
    """
    if reader is not None and digest.meeting is None:
        assert digest.alliance is not None  # noqa: S101 - only weekly digests have no meeting
        return weekly_news(alliance=digest.alliance, reader=reader)
    language = translation.get_language()
    if language not in digest.content:
        if digest.meeting is not None:
            digest.content[language] = meeting_content(meeting=digest.meeting)
        else:
            assert digest.alliance is not None  # noqa: S101 - only weekly digests have no meeting
            digest.content[language] = weekly_news(alliance=digest.alliance)
    return digest.content[language]


def _rsvp_links(meeting: Meeting, membership: Membership) -> dict[str, str]:
    token = tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=membership.pk)
    url = settings.SITE_URL + reverse("network:meeting-rsvp", kwargs={"token": token})
    return {choice: f"{url}?answer={choice}" for choice in Rsvp.values}


def _meeting_template_and_subject(digest: Digest, meeting: Meeting) -> tuple[str, str]:
    names = {"site": digest.site.name, "title": meeting.title}
    if digest.kind == Kind.MEETING:
        return "network/email/meeting_digest", gettext("%(site)s: %(title)s") % names
    if digest.kind == Kind.PLACE:
        return "network/email/meeting_place", gettext("%(site)s: A place for you: %(title)s") % names
    if digest.kind == Kind.CHANGE and meeting.cancelled_at:
        return "network/email/meeting_notice", gettext("%(site)s: Cancelled: %(title)s") % names
    if digest.kind == Kind.CHANGE:
        return "network/email/meeting_notice", gettext("%(site)s: Changed: %(title)s") % names
    return "network/email/meeting_notice", gettext("%(site)s: Coming up: %(title)s") % names


def _footer(contact: SiteContact | None) -> dict[str, object]:
    """What the foot of every email names: whom to write to about the site, and about the service."""
    return {"contact": contact, "contact_email": settings.CONTACT_EMAIL}


def message_id_for(key: str, delivery: DigestDelivery) -> str:
    """The Message-ID of one delivery, derived from its key and recipient: every copy of it carries the same
    one, so a mail system can fold a second copy sent after a crash."""
    local = key.replace(":", ".").replace("<", "").replace(">", "").replace("@", "")
    return f"<digest.{local}.{delivery.recipient_id}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


def digest_message(
    digest: Digest, membership: Membership, *, connection: BaseEmailBackend | None = None, message_id: str = ""
) -> EmailMultiAlternatives | None:
    """The email one person gets for this digest, in their language, or None when there is nothing new for them.

    What the digest says is read once for all its readers (`_content`: data, no words); each email is written
    from it in its reader's language, so a mixed alliance gets each person's copy in their own."""
    with language_of(membership.user):
        return _digest_message(digest, membership, connection=connection, message_id=message_id)


def _digest_message(
    digest: Digest, membership: Membership, *, connection: BaseEmailBackend | None, message_id: str
) -> EmailMultiAlternatives | None:
    if digest.kind == Kind.INVITATION:
        return invitation_message(membership, connection=connection, message_id=message_id)
    if digest.kind == Kind.SIGN_IN:
        return sign_in_message(digest, membership, connection=connection, message_id=message_id)
    written = _written(digest, membership)
    if written is None:
        return None
    message = EmailMultiAlternatives(
        subject=one_line(written.subject),  # a header cannot hold a line break, even from a title saved long ago
        body=render_to_string(f"{written.template}.txt", written.context),
        to=[membership.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{written.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **({"Message-ID": message_id} if message_id else {}),
        },
    )
    message.attach_alternative(render_to_string(f"{written.template}.html", written.context), "text/html")
    if digest.kind in _WITH_CALENDAR and digest.meeting is not None:
        message.attach("meeting.ics", meeting_ics(meeting=digest.meeting), "text/calendar")
    return message


@dataclass(frozen=True)
class _Written:
    """A meeting's or the weekly digest's email for one reader, before either part is rendered."""

    template: str  # without ".txt" or ".html"
    subject: str
    context: dict[str, object]
    unsubscribe_url: str


def _written(digest: Digest, membership: Membership, *, alone: bool = False) -> _Written | None:
    """What one reader's copy of a meeting's or the weekly digest's email says, or None when nothing is new to them;
    in the active language. `alone`: the only copy written (the preview), so what is each reader's own is read
    for this reader only."""
    unsubscribe_url = settings.SITE_URL + reverse(
        "network:digest-unsubscribe", kwargs={"token": tokens.unsubscribe_token_make(membership_id=membership.pk)}
    )
    content = _content(digest, reader=membership.pk if alone else None)
    # The templates' context: what every copy shares, then what is this reader's own.
    context: dict[str, object] = {"site": digest.site, "alliance": digest.alliance, **_footer(content.contact)}
    context.update(recipient=membership.user, membership=membership, unsubscribe_url=unsubscribe_url, kind=digest.kind)
    if isinstance(content, MeetingContent):
        meeting = digest.meeting
        assert meeting is not None  # noqa: S101 - meeting content is read only for a meeting's digest
        context.update(
            meeting=meeting,
            going=content.going,
            going_count=content.going_count,
            going_more=content.going_more,
            meeting_url=content.meeting_url,
        )
        context["rsvp_links"] = _rsvp_links(meeting, membership) if meeting.cancelled_at is None else {}
        template, subject = _meeting_template_and_subject(digest, meeting)
    else:
        personal = weekly_digest_for(news=content, membership=membership)
        if personal.is_empty:
            return None
        context.update(news=content, digest=personal)
        context["meeting_links"] = [(m, _rsvp_links(m.meeting, membership)) for m in personal.meetings]
        template = "network/email/weekly_digest"
        subject = gettext("%(site)s: your week in the alliance") % {"site": digest.site.name}
    return _Written(template=template, subject=subject, context=context, unsubscribe_url=unsubscribe_url)


def invitation_message(
    membership: Membership, *, connection: BaseEmailBackend | None = None, message_id: str = ""
) -> EmailMultiAlternatives:
    """One person's invitation, with a fresh sign-in link: it signs them in and brings them to the site."""
    token = tokens.sign_in_token_make(user=membership.user, site_slug=membership.site.slug, invitation=True)
    context = {
        "membership": membership,
        "site": membership.site,
        "link": tokens.sign_in_link_url(token),
        "days": tokens.INVITATION_MAX_AGE.days,
        **_footer(site_contact(site=membership.site)),
    }
    with language_of(membership.user):
        message = EmailMultiAlternatives(
            subject=one_line(gettext("You are invited to %(site)s on Systems Leader") % {"site": membership.site.name}),
            body=render_to_string("network/email/invitation.txt", context),
            to=[membership.user.email],
            connection=connection,
            headers={"Message-ID": message_id} if message_id else {},
        )
        message.attach_alternative(render_to_string("network/email/invitation.html", context), "text/html")
    return message


def sign_in_message(
    digest: Digest, membership: Membership, *, connection: BaseEmailBackend | None = None, message_id: str = ""
) -> EmailMultiAlternatives:
    """A sign-in link the person asked for, made as it is sent (a link is never stored)."""
    site_slug = membership.site.slug if digest.key.endswith(":1") else ""
    token = tokens.sign_in_token_make(user=membership.user, site_slug=site_slug)
    return sign_in_link_email(
        user=membership.user, link=tokens.sign_in_link_url(token), connection=connection, message_id=message_id
    )


def sign_in_link_email(
    *, user: User, link: str, connection: BaseEmailBackend | None = None, message_id: str = ""
) -> EmailMultiAlternatives:
    """The email that carries a sign-in link, in the person's language."""
    minutes = int(tokens.SIGN_IN_LINK_MAX_AGE.total_seconds() // 60)
    context = {"user": user, "link": link, "minutes": minutes, **_footer(None)}
    with language_of(user):
        message = EmailMultiAlternatives(
            subject=gettext("Your sign-in link for Systems Leader"),
            body=render_to_string("network/email/sign_in_link.txt", context),
            to=[user.email],
            connection=connection,
            headers={"Message-ID": message_id} if message_id else {},
        )
        message.attach_alternative(render_to_string("network/email/sign_in_link.html", context), "text/html")
    return message


def stored_message(
    delivery: DigestDelivery, *, connection: BaseEmailBackend | None = None, message_id: str = ""
) -> EmailMultiAlternatives:
    """An email written when it was queued (kind "mail"), as it was stored with its delivery."""
    return EmailMultiAlternatives(
        subject=one_line(delivery.subject),
        body=delivery.body,
        to=[delivery.recipient.user.email],
        connection=connection,
        headers={"Message-ID": message_id} if message_id else {},
    )


def digest_preview(*, digest: Digest, membership: Membership, part: str = "html") -> str | None:
    """One part of the email ("html" or "text") as this person would get it, for the enabler to look at, or None
    when they would get none; nothing is sent or recorded. Only the part shown is rendered."""
    with language_of(membership.user):
        if digest.kind in (Kind.INVITATION, Kind.SIGN_IN):
            message = _digest_message(digest, membership, connection=None, message_id="")
            assert message is not None  # noqa: S101 - these two are always sent
            return str(message.body) if part == "text" else str(message.alternatives[0][0])
        written = _written(digest, membership, alone=True)
        if written is None:
            return None
        return render_to_string(f"{written.template}.{'txt' if part == 'text' else 'html'}", written.context)
