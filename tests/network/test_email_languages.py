"""Everything sent to a person is in their language (issue 15), and every email has the one design (issue 14).

The readers of one email differ in language: each copy, calendar file and page opened from a link is in the
language of the person it is for, whatever the language of whoever caused it to be sent.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network import digests, services, tokens
from network.digests.messages import digest_message, invitation_message
from network.models import Alliance, DigestDelivery, Meeting, Membership
from network.services.invitations import sign_in_link_send
from network.services.meetings import meeting_update
from network.services.people import user_set_language
from outcomes.services.mail import mail_send
from tests.conftest import Cast

LONDON = ZoneInfo("Europe/London")


def _welsh(membership: Membership) -> Membership:
    user_set_language(user=membership.user, language="cy")
    return membership


def _meeting(cast: Cast, alliance: Alliance, **details: object) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First alliance meeting",
        starts_at=dt.datetime(2031, 3, 13, 18, 30, tzinfo=LONDON),
        ends_at=dt.datetime(2031, 3, 13, 20, 0, tzinfo=LONDON),
        place="Central Library",
        **details,  # type: ignore[arg-type]
    )


def _html(message: object) -> str:
    return message.alternatives[0][0]  # type: ignore[attr-defined]


def test_it_writes_each_meeting_email_in_its_readers_language_with_the_end_time(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    welsh = _welsh(cast.leaders[0])
    english = cast.leaders[1]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(cast, alliance)
    sent = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == len(cast.leaders)  # once each

    cy = sent[welsh.user.email]
    assert cy.subject == "Ashby Pilot: First alliance meeting"  # names only: nothing to translate
    assert "Helo Leader 0 of Ashby," in cy.body
    assert "Pryd: Dydd Iau 13 Mawrth 2031, 18:30 tan 20:00 (amser y DU)" in cy.body
    assert "Rydych wedi cael gwahoddiad i gyfarfod:" in cy.body
    assert "- Ydw, rwy'n dod: http://localhost:8000/rsvp/" in cy.body
    assert '<html lang="cy">' in _html(cy) and "Hello" not in _html(cy)
    ((name, calendar, _),) = cy.attachments  # the invitation carries the calendar file, in its reader's language
    assert name == "meeting.ics" and "Tudalen y cyfarfod:" in calendar and "DTEND:20310313T200000Z" in calendar
    en = sent[english.user.email]
    assert "When: Thursday 13 March 2031, 18:30 to 20:00 (UK time)" in en.body
    assert '<html lang="en-gb">' in _html(en)

    # A change notice carries the calendar file, in its reader's language too.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            updated_by=cast.coordinator,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=dt.datetime(2031, 3, 13, 20, 30, tzinfo=LONDON),
            place=meeting.place,
        )
    sent = {m.to[0]: m for m in mailoutbox}
    assert "Mae'r cyfarfod hwn wedi newid." in sent[welsh.user.email].body
    welsh_calendar = sent[welsh.user.email].attachments[0][1]
    assert "Tudalen y cyfarfod:" in welsh_calendar and "DTEND:20310313T203000Z" in welsh_calendar
    assert "Meeting page:" in sent[english.user.email].attachments[0][1]


def test_a_meeting_over_two_days_gives_both_dates(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_create(
            alliance=alliance,
            created_by=cast.coordinator,
            title="Away days",
            starts_at=dt.datetime(2031, 3, 13, 9, 0, tzinfo=LONDON),
            ends_at=dt.datetime(2031, 3, 14, 17, 0, tzinfo=LONDON),
            place="Ashby Hall",
        )
    assert "When: Thursday 13 March 2031, 09:00 to Friday 14 March 2031, 17:00 (UK time)" in mailoutbox[0].body


def test_every_email_has_the_sites_name_on_top_and_whom_to_ask_at_the_foot(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _meeting(cast, alliance, online_link="https://meet.example/abc")
    message = mailoutbox[0]
    html = _html(message)
    assert html.count("<h1>") == 1 and "<h2>" in html
    assert "Ashby Pilot · Systems Leader</div>" in html
    assert 'Write to Ashby Enabler, its enabler, at <a href="mailto:enabler@ashby.example">' in html
    assert 'Help with Systems Leader: <a href="mailto:help@systemsleader.localhost">' in html
    assert "font-size: 19px" in html and "prefers-color-scheme: dark" in html
    # Links say where they go, not "click here".
    assert '<a href="https://meet.example/abc">Join the meeting online</a>' in html
    assert ">See the meeting page (you sign in first)</a>" in html
    # The plain-text part reads as well: the same facts, the same contacts.
    assert "Write to Ashby Enabler, its enabler, at enabler@ashby.example." in message.body
    assert "Online: https://meet.example/abc" in message.body


def test_an_invitation_and_a_sign_in_link_are_in_the_readers_language(cast: Cast, mailoutbox: list) -> None:
    welsh = _welsh(cast.leaders[0])
    invitation = invitation_message(welsh)
    assert invitation.subject == "Gwahoddiad i Ashby Pilot ar Systems Leader"
    assert "Mewngofnodwch gyda'r ddolen hon" in invitation.body
    assert '<html lang="cy">' in _html(invitation)
    assert invitation_message(cast.leaders[1]).subject == "You are invited to Ashby Pilot on Systems Leader"

    sign_in_link_send(user=welsh.user)
    sign_in_link_send(user=cast.leaders[1].user)
    welsh_link, english_link = mailoutbox
    assert welsh_link.subject == "Eich dolen fewngofnodi ar gyfer Systems Leader"
    assert "Dyma'ch dolen i fewngofnodi i Systems Leader:" in welsh_link.body
    assert english_link.subject == "Your sign-in link for Systems Leader"


def test_voting_emails_are_written_once_per_language_and_each_reader_gets_their_own(cast: Cast) -> None:
    _welsh(cast.enabler)
    context = {"round": None, "ballot_count": 3, "url": "/"}
    mail_send(site=cast.site, name="round_closed", context=context, recipients=[cast.enabler, cast.coordinator])
    bodies = dict(DigestDelivery.objects.filter(kind=DigestDelivery.Kind.MAIL).values_list("recipient", "body"))
    assert "Gweld y canlyniad a'r golwg ar y system:" in bodies[cast.enabler.pk]
    assert "See the result and the system view:" in bodies[cast.coordinator.pk]
    assert bodies[cast.coordinator.pk].endswith(
        "--\nQuestions about Ashby Pilot? Write to Ashby Enabler, its enabler, at enabler@ashby.example.\n"
        "Help with Systems Leader: help@systemsleader.localhost"
    )


def test_a_calendar_feed_is_in_its_owners_language(cast: Cast, alliance: Alliance) -> None:
    welsh = _welsh(cast.leaders[0])
    _meeting(cast, alliance)
    token = tokens.calendar_token_make(membership_id=welsh.pk, key=welsh.calendar_key)
    # A calendar app asks with no cookie and no language of its own.
    feed = Client().get(reverse("network:site-calendar", kwargs={"token": token})).content.decode()
    assert "Cyfarfodydd Ashby Pilot" in feed and "Tudalen y cyfarfod:" in feed


def test_a_reply_page_opened_from_an_email_speaks_the_invitees_language(cast: Cast, alliance: Alliance) -> None:
    welsh = _welsh(cast.leaders[0])
    meeting = _meeting(cast, alliance)
    token = tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=welsh.pk)
    page = Client().get(reverse("network:meeting-rsvp", kwargs={"token": token})).content.decode()
    assert '<html lang="cy"' in page
    assert "Yn ateb fel <strong>Leader 0 of Ashby</strong>." in page
    assert "Dydd Iau 13 Mawrth 2031, 18:30 tan 20:00" in page
    english = cast.leaders[1]
    token = tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=english.pk)
    page = Client().get(reverse("network:meeting-rsvp", kwargs={"token": token})).content.decode()
    assert "Replying as <strong>Leader 1 of Ashby</strong>." in page


def test_a_digest_reads_its_content_once_per_language_not_once_per_reader(
    cast: Cast, alliance: Alliance, django_assert_num_queries
) -> None:
    """The words read with a digest's content (a sector's name, a reply's label) are in the language active when
    it is read, so a digest keeps one reading per language its readers speak."""
    _welsh(cast.leaders[0])
    _meeting(cast, alliance)
    digest = digests.digest_parse(digests.weekly_key(alliance=alliance, when=timezone.now()))
    assert digest is not None
    readers = list(Membership.objects.filter(pk__in=[m.pk for m in cast.leaders]).select_related("user", "site"))
    for reader in readers:
        assert digest_message(digest, reader) is not None
    assert sorted(digest.content) == ["cy", "en-gb"]
    # A further reader of a language already read costs no reading of the content.
    english = next(r for r in readers if r.user.language != "cy")
    with django_assert_num_queries(0):
        digest_message(digest, english)
