from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from network import digests, selectors, services
from network.errors import DomainError
from network.models import Alliance, AllianceMember, DigestDelivery, Meeting, MeetingResponse, Membership
from tests.conftest import Cast
from tests.html import text_of

MEETING_FORM = {
    "title": "First alliance meeting",
    "starts_at": "2026-12-09T10:00",
    "place": "Central Library, Room 2",
    "online_link": "",
    "agenda": "1. Why we are here",
    "invitees": "alliance",
}


def _meeting(cast: Cast, alliance: Alliance) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First alliance meeting",
        # Replies close when a meeting starts, so the meeting is always in the future.
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Central Library",
        agenda="Introductions",
    )


def test_a_coordinator_creates_a_meeting_and_the_alliance_gets_a_digest(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    url = reverse("network:meeting-create", args=[cast.site.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client_for(cast.coordinator).post(url, MEETING_FORM)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    assert meeting.starts_at.isoformat() == "2026-12-09T10:00:00+00:00"  # GMT in December
    assert sorted(m.to[0] for m in mailoutbox) == sorted(leader.user.email for leader in cast.leaders)
    assert "First alliance meeting" in mailoutbox[0].subject
    assert "Central Library, Room 2" in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_it_reads_meeting_times_as_uk_time(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:meeting-create", args=[cast.site.slug])
    cast.client_for(cast.coordinator).post(url, {**MEETING_FORM, "starts_at": "2026-07-01T10:00"})
    assert Meeting.objects.get().starts_at.isoformat() == "2026-07-01T09:00:00+00:00"  # BST


def test_it_needs_a_place_or_a_link(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:meeting-create", args=[cast.site.slug])
    response = cast.client_for(cast.coordinator).post(url, {**MEETING_FORM, "place": ""})
    assert response.status_code == 422
    assert text_of(response.content, id="id_place_error") == "Error: Give a place to meet, an online link, or both."
    assert not Meeting.objects.exists()


def test_it_explains_a_bad_date(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:meeting-create", args=[cast.site.slug])
    response = cast.client_for(cast.coordinator).post(url, {**MEETING_FORM, "starts_at": "next tuesday"})
    error = text_of(response.content, id="id_starts_at_error")
    assert error == "Error: Enter a real date and time for the start of the meeting"
    assert not Meeting.objects.exists()


def test_leaders_cannot_create_meetings(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:meeting-create", args=[cast.site.slug])
    assert cast.client_for(cast.leaders[0]).post(url, MEETING_FORM).status_code == 403
    assert cast.client_for(cast.outsider).post(url, MEETING_FORM).status_code == 404
    assert not Meeting.objects.exists()


def test_before_there_is_an_alliance_a_meeting_is_for_the_whole_site(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    Membership.objects.filter(pk__in=[m.pk for m in cast.leaders[1:]]).update(invitation_status="sent")
    not_yet = cast.leaders[0]  # imported, never invited: hears nothing until their invitation
    url = reverse("network:meeting-create", args=[cast.site.slug])
    client = cast.client_for(cast.coordinator)
    page = client.get(url).content.decode()
    assert "Everyone in the site" in page
    assert 'value="alliance"' not in page  # no alliance to choose
    assert client.post(url, MEETING_FORM).status_code == 422  # asking for an alliance that is not there
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**MEETING_FORM, "invitees": "site"}).status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.site_id, meeting.alliance_id) == (cast.site.pk, None)
    everyone = [cast.enabler, cast.coordinator, *cast.leaders[1:]]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in everyone)
    with pytest.raises(DomainError):
        services.meeting_respond(meeting=meeting, membership=not_yet, rsvp="going")
    assert not_yet.user.name not in [row.name for row in selectors.meeting_attendee_rows(meeting=meeting)]
    assert "this meeting is for everyone in the site" in mailoutbox[0].body
    assert cast.outsider.user.email not in {m.to[0] for m in mailoutbox}


def test_a_whole_site_meeting_welcomes_those_outside_the_alliance(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    newcomer = services.member_add(site=cast.site, name="Newcomer", email="new@ashby.example", agency=cast.agencies[1])
    Membership.objects.filter(site=cast.site).update(invitation_status="accepted")
    newcomer.refresh_from_db()
    url = reverse("network:meeting-create", args=[cast.site.slug])
    client = cast.client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**MEETING_FORM, "title": "Open session", "invitees": "site"})
        client.post(url, {**MEETING_FORM, "title": "Alliance only"})
    open_session = Meeting.objects.get(title="Open session")
    alliance_only = Meeting.objects.get(title="Alliance only")
    assert alliance_only.alliance_id == alliance.pk
    got = {(m.to[0], m.subject.split(": ")[-1]) for m in mailoutbox}
    assert (newcomer.user.email, "Open session") in got
    assert (newcomer.user.email, "Alliance only") not in got
    newcomer_client = cast.client_for(newcomer)
    detail = reverse("network:meeting-detail", args=[cast.site.slug, open_session.pk])
    assert newcomer_client.post(detail, {"rsvp": "going"}).status_code == 302
    other = reverse("network:meeting-detail", args=[cast.site.slug, alliance_only.pk])
    assert newcomer_client.get(other).status_code == 200  # everyone sees what is being convened
    assert newcomer_client.post(other, {"rsvp": "going"}).status_code == 403  # but only invitees reply
    with pytest.raises(DomainError):
        services.meeting_respond(meeting=alliance_only, membership=newcomer, rsvp="going")
    names = [row.name for row in selectors.meeting_attendee_rows(meeting=open_session)]
    assert "Newcomer" in names and cast.coordinator.user.name in names
    listing = newcomer_client.get(reverse("network:meeting-list", args=[cast.site.slug])).content.decode()
    assert "Open session" in listing and "Everyone in the site" in listing


def test_a_member_replies_by_full_page_and_by_htmx(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    client = cast.client_for(cast.leaders[0])
    assert client.post(url, {"rsvp": "maybe"}).status_code == 302
    response = client.post(url, {"rsvp": "going"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="rsvp"')
    assert "1 going" in body
    assert MeetingResponse.objects.get().rsvp == "going"


def test_it_refuses_a_reply_that_is_not_a_choice(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    response = cast.client_for(cast.leaders[0]).post(url, {"rsvp": "perhaps"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MeetingResponse.objects.exists()


def test_non_members_of_the_alliance_cannot_reply(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    assert cast.client_for(cast.enabler).post(url, {"rsvp": "going"}).status_code == 403
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    other_url = reverse("network:meeting-detail", args=[cast.other_site.slug, meeting.pk])
    assert cast.client_for(cast.outsider).get(other_url).status_code == 404


def test_the_coordinator_downloads_the_attendee_list(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    member = AllianceMember.objects.get(membership=cast.leaders[0])
    services.meeting_respond(meeting=meeting, membership=member.membership, rsvp="going")
    url = reverse("network:meeting-attendees-csv", args=[cast.site.slug, meeting.pk])
    response = cast.client_for(cast.coordinator).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0] == ["Name", "Email", "Agency", "Sector", "Role", "Reply", "Attended", "Walk-in"]
    assert [
        cast.leaders[0].user.name,
        cast.leaders[0].user.email,
        "Ashby Council",
        "Local authority",
        "Director",
        "Going",
        "No",
        "No",
    ] in rows
    assert len(rows) == 1 + len(cast.leaders)


def test_the_attendee_list_neutralises_spreadsheet_formulas(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    cast.leaders[1].role_title = '=HYPERLINK("http://evil.example")'
    cast.leaders[1].save()
    url = reverse("network:meeting-attendees-csv", args=[cast.site.slug, meeting.pk])
    body = b"".join(cast.client_for(cast.coordinator).get(url).streaming_content).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK" in body


@pytest.mark.parametrize("who", ["leader", "outsider"])
def test_only_coordinators_download_attendees(cast: Cast, alliance: Alliance, who: str) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-attendees-csv", args=[cast.site.slug, meeting.pk])
    membership = cast.leaders[0] if who == "leader" else cast.outsider
    assert cast.client_for(membership).get(url).status_code == (403 if who == "leader" else 404)


def test_the_digest_is_sent_once_however_often_the_task_runs(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    meeting = _meeting(cast, alliance)
    first = digests.digest_send(key=f"meeting:{meeting.pk}")
    second = digests.digest_send(key=f"meeting:{meeting.pk}")
    assert first == {"sent": 3, "failed": 0, "skipped": 0}
    assert second == {"sent": 0, "failed": 0, "skipped": 3}
    assert len(mailoutbox) == 3
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_the_digest_lists_who_is_coming(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    meeting = _meeting(cast, alliance)
    going = AllianceMember.objects.get(membership=cast.leaders[2])
    services.meeting_respond(meeting=meeting, membership=going.membership, rsvp="going")
    digests.digest_send(key=f"meeting:{meeting.pk}")
    body = mailoutbox[0].body
    assert "Who is coming (1 person):" in body
    assert f"- {cast.leaders[2].user.name}, Ashby Police" in body


def test_a_failed_delivery_is_recorded_and_retried(cast: Cast, alliance: Alliance, mailoutbox: list, settings) -> None:
    meeting = _meeting(cast, alliance)
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    failed = digests.digest_send(key=f"meeting:{meeting.pk}")
    assert failed["failed"] == 3
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {"failed"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DigestDelivery.objects.update(retry_at=timezone.now())  # its backoff is over
    assert digests.digest_send(key=f"meeting:{meeting.pk}")["sent"] == 3
    assert len(mailoutbox) == 3


def test_a_digest_for_a_deleted_meeting_does_nothing(db: None, mailoutbox: list) -> None:
    assert digests.digest_send(key=f"meeting:{12345}") == {"sent": 0, "failed": 0, "skipped": 0}
    assert mailoutbox == []


def test_it_pins_the_meeting_page_query_count(cast: Cast, alliance: Alliance, django_assert_num_queries) -> None:
    from network.services import member_add

    meeting = _meeting(cast, alliance)
    for i in range(40):
        leader = member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[i % 3])
        member = services.alliance_join(alliance=alliance, membership=leader)
        services.meeting_respond(meeting=meeting, membership=member.membership, rsvp="going")
    client = cast.client_for(cast.coordinator)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    # session, user, membership, the meeting with its places, the coordinator's own row (none: not invited), a page
    # of replies
    with django_assert_num_queries(6):
        response = client.get(url)
    assert "40 going" in response.content.decode()
    invitee = cast.client_for(cast.leaders[0])
    with django_assert_num_queries(6):  # the same for an invitee, whose own row is found
        response = invitee.get(url)
    assert "40 going" in response.content.decode() and 'id="rsvp-save"' in response.content.decode()


@pytest.mark.parametrize("meetings", [1, 12])
def test_the_meetings_list_and_site_page_pin_their_query_counts(
    cast: Cast, alliance: Alliance, django_assert_num_queries, meetings: int
) -> None:
    Membership.objects.filter(site=cast.site).update(invitation_status="accepted")
    cast.leaders[0].refresh_from_db()
    for i in range(meetings):
        meeting = services.meeting_create(
            alliance=alliance if i % 2 else None,
            created_by=cast.coordinator,
            title=f"Meeting {i}",
            starts_at=timezone.now() + dt.timedelta(days=i + 1),
            place="Hall",
        )
        services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
    client = cast.client_for(cast.leaders[0])
    with django_assert_num_queries(4):
        listing = client.get(reverse("network:meeting-list", args=[cast.site.slug]))
    assert listing.content.decode().count("<tr>") == meetings + 1
    with django_assert_num_queries(7):  # whether this leader is in the alliance comes with the alliance
        client.get(reverse("network:site-detail", args=[cast.site.slug]))
