"""Editing and cancelling meetings, capacity and the waiting list, and replies from a signed email link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from network import digests, services, tokens
from network.errors import DomainError
from network.models import Alliance, AllianceMember, DigestDelivery, Meeting, MeetingResponse
from network.services.meetings import meeting_cancel, meeting_update
from network.services.people import member_archive
from tests.conftest import Cast
from tests.html import text_of


def _members(alliance: Alliance) -> list[AllianceMember]:
    return list(alliance.members.order_by("membership__user__name"))


def _meeting(cast: Cast, alliance: Alliance, **extra: object) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Central Library",
        **extra,  # type: ignore[arg-type]
    )


def _form(meeting: Meeting, **changes: str) -> dict[str, str]:
    local = timezone.localtime(meeting.starts_at)
    return {
        "title": meeting.title,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "online_link": "",
        "agenda": "",
        "capacity": "",
        **changes,
    }


def test_it_waitlists_past_capacity_and_promotes_when_someone_drops_out(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance, capacity=2)
    first, second, third = _members(alliance)
    services.meeting_respond(meeting=meeting, membership=first.membership, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second.membership, rsvp="going")
    waiting = services.meeting_respond(meeting=meeting, membership=third.membership, rsvp="going")
    assert waiting.waitlisted_at is not None

    services.meeting_respond(meeting=meeting, membership=first.membership, rsvp="not_going")
    assert MeetingResponse.objects.get(membership=third.membership).waitlisted_at is None
    assert MeetingResponse.objects.filter(rsvp="going", waitlisted_at__isnull=True).count() == 2


def test_whoever_gets_a_freed_place_is_emailed_once(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    first, second, third = (m.membership for m in _members(alliance))
    services.meeting_respond(meeting=meeting, membership=first, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=third, rsvp="going")
    second.digest_preference = "none"  # they asked for this place, so it reaches them whatever their digests
    second.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_respond(meeting=meeting, membership=first, rsvp="not_going")
    assert [m.to[0] for m in mailoutbox] == [second.user.email]
    place = mailoutbox[0]
    assert place.subject == "Ashby Pilot: A place for you: First alliance meeting"
    assert "A place has come free and it is yours" in place.body
    not_going = re.search(r"No, I am not going: (\S+)", place.body)
    assert not_going is not None and "/rsvp/" in not_going.group(1)
    assert place.attachments[0][0] == "meeting.ics"
    key = DigestDelivery.objects.get(recipient=second).key
    digests.digest_send(key=key)  # the task again, as a retry would: no second copy
    assert len(mailoutbox) == 1
    # Giving the place back passes it on, and the next person is told in turn.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_respond(meeting=meeting, membership=second, rsvp="not_going")
    assert [m.to[0] for m in mailoutbox] == [second.user.email, third.user.email]


def test_no_place_email_once_the_place_is_given_back(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    first, second, _ = (m.membership for m in _members(alliance))
    services.meeting_respond(meeting=meeting, membership=first, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second, rsvp="going")
    with django_capture_on_commit_callbacks() as queued:
        services.meeting_respond(meeting=meeting, membership=first, rsvp="not_going")  # promotes second
    assert len(queued) == 1
    services.meeting_respond(meeting=meeting, membership=second, rsvp="maybe")  # who changes their mind at once
    mailoutbox.clear()
    queued[0]()  # the queued email task runs only now
    assert mailoutbox == []


def test_someone_removed_from_the_site_frees_their_place(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    first, second, _ = (m.membership for m in _members(alliance))
    services.meeting_respond(meeting=meeting, membership=first, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second, rsvp="going")
    member_archive(membership=first, actor=cast.enabler.user)
    meeting_update(
        meeting=meeting, updated_by=cast.coordinator, title=meeting.title, starts_at=meeting.starts_at,
        place=meeting.place, capacity=1,
    )  # fmt: skip
    assert MeetingResponse.objects.get(membership=second).waitlisted_at is None


def test_an_rsvp_link_emailed_before_the_move_to_memberships_still_works(
    cast: Cast, alliance: Alliance, client
) -> None:
    meeting = _meeting(cast, alliance)
    member = _members(alliance)[0]
    old = signing.dumps({"m": meeting.pk, "a": member.pk}, salt="network.meeting-rsvp", compress=True)
    url = reverse("network:meeting-rsvp", args=[old])
    assert member.membership.user.name in client.get(url).content.decode()
    assert client.post(url, {"rsvp": "going"}).status_code == 200
    assert MeetingResponse.objects.get(membership=member.membership).rsvp == "going"
    forged = signing.dumps({"m": meeting.pk, "a": member.pk}, salt="network.meeting-rsvp", key="not-the-key")
    assert client.get(reverse("network:meeting-rsvp", args=[forged])).status_code == 404


def test_saying_going_again_keeps_a_place(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    first, second, _ = _members(alliance)
    services.meeting_respond(meeting=meeting, membership=first.membership, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second.membership, rsvp="going")
    assert services.meeting_respond(meeting=meeting, membership=first.membership, rsvp="going").waitlisted_at is None
    assert MeetingResponse.objects.get(membership=second.membership).waitlisted_at is not None


def test_raising_capacity_promotes_the_waiting_list(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    first, second, _ = _members(alliance)
    services.meeting_respond(meeting=meeting, membership=first.membership, rsvp="going")
    services.meeting_respond(meeting=meeting, membership=second.membership, rsvp="going")
    meeting_update(
        meeting=meeting,
        updated_by=cast.coordinator,
        title=meeting.title,
        starts_at=meeting.starts_at,
        place=meeting.place,
        capacity=5,
    )
    assert MeetingResponse.objects.get(membership=second.membership).waitlisted_at is None


def test_replies_close_when_the_meeting_starts(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    member = _members(alliance)[0]
    with pytest.raises(DomainError, match="started"):
        services.meeting_respond(
            meeting=meeting, membership=member.membership, rsvp="going", now=meeting.starts_at + dt.timedelta(minutes=1)
        )


def test_editing_notifies_everyone_invited_with_the_calendar_file(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-edit", args=[cast.site.slug, meeting.pk])
    client = cast.client_for(cast.coordinator)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(meeting, place="Town Hall, Room 5"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Town Hall, Room 5"
    assert meeting.revision == 1
    changed = [m for m in mailoutbox if "Changed:" in m.subject]
    assert sorted(m.to[0] for m in changed) == sorted(leader.user.email for leader in cast.leaders)
    assert "Town Hall, Room 5" in changed[0].body
    assert changed[0].attachments[0][0] == "meeting.ics"
    assert changed[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestDelivery.objects.filter(key=f"change:{meeting.pk}:1", status="sent").count() == 3


def test_the_edit_form_explains_an_end_before_the_start(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-edit", args=[cast.site.slug, meeting.pk])
    start = timezone.localtime(meeting.starts_at)
    bad = _form(meeting, ends_at=(start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    response = cast.client_for(cast.coordinator).post(url, bad)
    assert response.status_code == 422
    assert text_of(response.content, id="id_ends_at_error") == "Error: The meeting must end after it starts."


def test_cancelling_notifies_everyone_and_closes_replies(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-cancel", args=[cast.site.slug, meeting.pk])
    client = cast.client_for(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url)["Location"] == url  # a POST from anywhere but the question only asks it
        asked = client.get(url).content.decode()
    assert "Are you sure you want to cancel this meeting?" in asked
    assert meeting.title in asked
    assert mailoutbox == []
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "yes"}).status_code == 302
    cancelled = [m for m in mailoutbox if "Cancelled:" in m.subject]
    assert len(cancelled) == 3
    assert "This meeting has been cancelled" in cancelled[0].body
    with pytest.raises(DomainError):
        services.meeting_respond(meeting=meeting, membership=_members(alliance)[0].membership, rsvp="going")
    detail = cast.client_for(cast.leaders[0]).get(reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk]))
    assert "This meeting has been cancelled." in detail.content.decode()


@pytest.mark.parametrize("who", ["leader", "outsider"])
def test_only_the_sites_coordinators_edit_or_cancel(cast: Cast, alliance: Alliance, who: str) -> None:
    meeting = _meeting(cast, alliance)
    membership = cast.leaders[0] if who == "leader" else cast.outsider
    client = cast.client_for(membership)
    expected = 403 if who == "leader" else 404
    assert client.get(reverse("network:meeting-edit", args=[cast.site.slug, meeting.pk])).status_code == expected
    cancel_url = reverse("network:meeting-cancel", args=[cast.site.slug, meeting.pk])
    assert client.get(cancel_url).status_code == expected
    assert client.post(cancel_url, {"confirm": "yes"}).status_code == expected
    with pytest.raises(DomainError):
        meeting_cancel(meeting=meeting, cancelled_by=cast.leaders[0])


def test_an_invitee_replies_from_the_signed_link_without_signing_in(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    member = _members(alliance)[0]
    url = reverse(
        "network:meeting-rsvp", args=[tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=member.membership_id)]
    )
    client = cast.client_for(cast.outsider)
    client.logout()
    page = client.get(url + "?answer=going")
    assert page.status_code == 200
    assert not MeetingResponse.objects.exists()  # a GET (a mail scanner following the link) changes nothing
    assertInHTML(
        '<input type="radio" name="rsvp" value="going" required id="id_rsvp_0" checked>', page.content.decode()
    )
    response = client.post(url, {"rsvp": "going"})
    assert response.status_code == 200
    assert "your reply is saved" in response.content.decode()
    assert MeetingResponse.objects.get().rsvp == "going"
    assert client.post(url, {"rsvp": "maybe"}).status_code == 200
    assert MeetingResponse.objects.get().rsvp == "maybe"


@pytest.mark.parametrize(("capacity", "queries"), [(None, 4), (3, 5)])
def test_the_signed_link_pins_its_query_count(
    cast: Cast, alliance: Alliance, client, django_assert_num_queries, capacity: int | None, queries: int
) -> None:
    """The invitee and the meeting, whether they are invited, their reply; and the places, where there is a limit."""
    meeting = _meeting(cast, alliance, capacity=capacity)
    members = _members(alliance)
    services.meeting_respond(meeting=meeting, membership=members[1].membership, rsvp="going")
    url = reverse(
        "network:meeting-rsvp",
        args=[tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=members[0].membership_id)],
    )
    with django_assert_num_queries(queries):
        page = client.get(url).content.decode()
    assert members[0].membership.user.name in page
    assert ("3: 2 left" in page) == (capacity is not None)


def test_a_tampered_or_foreign_rsvp_link_is_refused(cast: Cast, alliance: Alliance, client) -> None:
    meeting = _meeting(cast, alliance)
    member = _members(alliance)[0]
    token = tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=member.membership_id)
    assert client.get(reverse("network:meeting-rsvp", args=[token[:-2] + "xx"])).status_code == 404
    other = signing.dumps({"m": meeting.pk, "a": member.pk}, salt="network.digest-unsubscribe")
    assert client.get(reverse("network:meeting-rsvp", args=[other])).status_code == 404
    assert client.post(reverse("network:meeting-rsvp", args=["junk"]), {"rsvp": "going"}).status_code == 404
    assert client.post(reverse("network:meeting-rsvp", args=[token]), {"rsvp": "perhaps"}).status_code == 422
    assert not MeetingResponse.objects.exists()


def test_the_signed_link_refuses_replies_after_the_start(cast: Cast, alliance: Alliance, client) -> None:
    meeting = _meeting(cast, alliance)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    member = _members(alliance)[0]
    url = reverse(
        "network:meeting-rsvp", args=[tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=member.membership_id)]
    )
    assert "replies are closed" in client.get(url).content.decode()
    assert client.post(url, {"rsvp": "going"}).status_code == 422
    assert not MeetingResponse.objects.exists()


def test_the_meeting_page_shows_the_waiting_list_by_htmx(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance, capacity=1)
    services.meeting_respond(meeting=meeting, membership=_members(alliance)[1].membership, rsvp="going")
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    response = cast.client_for(cast.leaders[0]).post(url, {"rsvp": "going"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="rsvp"')
    assert "you are on the waiting list" in body
    assert "1 going, 1 waiting" in body


def test_someone_removed_from_the_site_can_no_longer_reply_from_an_old_link(
    cast: Cast, alliance: Alliance, client
) -> None:
    from network.services.people import member_archive

    meeting = _meeting(cast, alliance)
    member = _members(alliance)[0]
    url = reverse(
        "network:meeting-rsvp", args=[tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=member.membership_id)]
    )
    member_archive(membership=member.membership, actor=cast.enabler.user)
    assert client.post(url, {"rsvp": "going"}).status_code == 404
    assert not MeetingResponse.objects.exists()


def test_a_reply_by_htmx_redraws_only_its_region_however_many_are_invited(
    cast: Cast, alliance: Alliance, django_assert_max_num_queries
) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    client = cast.client_for(cast.leaders[0])
    small = client.post(url, {"rsvp": "going"}, headers={"HX-Request": "true"}).content.decode()
    for i in range(60):
        leader = services.member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        services.alliance_join(alliance=alliance, membership=leader)
    # session, user, membership, meeting, the reply (one statement: the meeting locked with whether this person
    # is invited, the reply, the count of places)
    with django_assert_max_num_queries(5):
        large = client.post(url, {"rsvp": "maybe"}, headers={"HX-Request": "true"}).content.decode()
    assert "L59" not in large  # the list of invitees is not re-drawn
    assert abs(len(large) - len(small)) < 20, (len(small), len(large))
    own = f'<template><td id="reply-{cast.leaders[0].pk}" hx-swap-oob="true">Maybe</td></template>'
    assert own in large  # the person's own reply in the list, out of band
    assert '<span id="reply-counts" hx-swap-oob="true">0 going</span>' in large
    page = client.get(url).content.decode()
    assert "L49" in page and "L59" not in page  # the page lists the first 50 invitees by name
    page = client.get(url, {"page": "2"}).content.decode()
    assert f'<td id="reply-{cast.leaders[0].pk}">Maybe</td>' in page and "L59" in page  # and the rest on the next


def test_every_count_of_places_leaves_out_those_removed_and_those_waiting(cast: Cast, alliance: Alliance) -> None:
    """The counts read by subqueries on partial indexes (selectors/meetings.py) agree with the rule, row by row."""
    from network.selectors.meetings import meeting_going_first, meeting_places, meetings_for_site

    meeting = _meeting(cast, alliance, capacity=2)
    other = _meeting(cast, alliance)  # no replies: counts of nothing are 0, not None
    first, second, third = (m.membership for m in _members(alliance))
    for member in (first, second, third):
        services.meeting_respond(meeting=meeting, membership=member, rsvp="going")  # the third waits
    member_archive(membership=second, actor=cast.enabler.user)  # a place held by someone removed is free
    expected_going = sum(
        r.has_place and r.membership.archived_at is None for r in meeting.responses.select_related("membership")
    )
    expected_waiting = sum(
        r.rsvp == "going" and r.waitlisted_at is not None and r.membership.archived_at is None
        for r in meeting.responses.select_related("membership")
    )
    places = meeting_places(meeting=meeting)
    assert (places.going, places.waiting) == (expected_going, expected_waiting) == (1, 1)
    counts = {m.pk: m.going_count for m in meetings_for_site(site=cast.site)}  # type: ignore[attr-defined]
    assert counts[meeting.pk] == 1 and counts[other.pk] == 0
    assert meeting_going_first(meeting=meeting, limit=5)[1] == 1
    assert meeting_places(meeting=other) == type(places)(capacity=None, going=0, waiting=0)


def test_the_sql_counts_of_places_are_the_orm_s(cast: Cast, alliance: Alliance) -> None:
    """The counts written as SQL for the meeting page and the lists agree with the ORM's, meeting by meeting."""
    from django.db.models import OuterRef

    from network.selectors import meetings as selectors

    people = [m.membership for m in _members(alliance)]
    meetings = [_meeting(cast, alliance, capacity=capacity) for capacity in (None, 1, 2)]
    meetings.append(_meeting(cast, alliance))  # no replies
    for meeting in meetings[:3]:
        for person, rsvp in zip(people, ["going", "going", "going", "maybe"], strict=False):
            services.meeting_respond(meeting=meeting, membership=person, rsvp=rsvp)
    member_archive(membership=people[0], actor=cast.enabler.user)
    MeetingResponse.objects.filter(meeting=meetings[0], membership=people[2]).update(waitlisted_at=timezone.now())
    waiting = MeetingResponse.objects.filter(selectors._waiting(), meeting_id=OuterRef("pk"))
    by_orm = Meeting.objects.annotate(
        going=selectors._places_taken(OuterRef("pk")), waiting=selectors._count(waiting)
    ).values_list("pk", "going", "waiting")
    by_sql = Meeting.objects.annotate(
        going=selectors._places_taken_here(), waiting=selectors._waiting_here()
    ).values_list("pk", "going", "waiting")
    counts = sorted(by_sql)
    assert counts == sorted(by_orm)
    assert any(going for _pk, going, _waiting in counts) and any(waiting for _pk, _going, waiting in counts)
    assert len(counts) == 4
