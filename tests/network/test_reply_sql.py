"""A reply's hand-written SQL (PostgreSQL) against the ORM: who is invited, what is stored, when it queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from network import services
from network.errors import DomainError
from network.models import Alliance, InvitationStatus, Meeting, MeetingResponse, Membership, Role
from network.selectors.meetings import INVITED_SQL, INVITED_SQL_PARAMS, Places, meeting_invitees, meeting_places
from network.services import meetings as meeting_services
from network.services.people import member_archive
from tests.conftest import Cast

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")


def _meeting(cast: Cast, alliance: Alliance | None, **extra: object) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="Spring gathering",
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Central Library",
        **extra,  # type: ignore[arg-type]
    )


def _invited_by_sql(meeting: Meeting, membership: Membership) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {INVITED_SQL} FROM network_meeting m WHERE m.id = %(meeting)s",  # noqa: S608 - constants
            {"meeting": meeting.pk, "member": membership.pk, **INVITED_SQL_PARAMS},
        )
        return bool(cursor.fetchone()[0])


def test_the_sql_invites_exactly_whom_meeting_invitees_does(cast: Cast, alliance: Alliance) -> None:
    """Person by person, for an alliance's meeting and a whole site's, with every role and invitation status,
    someone removed, and someone removed after they were marked present."""
    extra = []
    for n, status in enumerate(InvitationStatus.values):
        person = services.member_add(site=cast.site, name=f"P{n}", email=f"p{n}@example.org", agency=cast.agencies[0])
        Membership.objects.filter(pk=person.pk).update(invitation_status=status)
        extra.append(person)
    Membership.objects.filter(pk=extra[0].pk).update(role=Role.COORDINATOR)
    alliance_meeting, site_meeting = _meeting(cast, alliance), _meeting(cast, None)
    came, gone = cast.leaders[0], cast.leaders[1]
    Membership.objects.filter(pk__in=[came.pk, gone.pk]).update(invitation_status=InvitationStatus.ACCEPTED)
    for meeting in (alliance_meeting, site_meeting):
        meeting_services.attendance_set(meeting=meeting, membership=came, present=True, recorded_by=cast.coordinator)
    member_archive(membership=came, actor=cast.enabler.user)
    member_archive(membership=gone, actor=cast.enabler.user)
    everyone = list(Membership.objects.all())  # both sites
    assert len(everyone) > 10
    for meeting in (alliance_meeting, site_meeting):
        invited = set(meeting_invitees(meeting=meeting).values_list("pk", flat=True))
        assert came.pk in invited and gone.pk not in invited  # the cases the rule has
        assert {m.pk for m in everyone if _invited_by_sql(meeting, m)} == invited


@pytest.mark.parametrize("rsvps", [("going", "maybe"), ("maybe", "going"), ("not_going", "not_going")])
def test_it_stores_what_the_orm_stores(cast: Cast, alliance: Alliance, rsvps: tuple[str, str]) -> None:
    meeting = _meeting(cast, alliance)
    by_sql, by_orm = cast.leaders[0], cast.leaders[1]
    for rsvp in rsvps:  # a first reply, then a change to it
        now = timezone.now()
        saved = meeting_services._respond_unlimited(meeting=meeting, membership=by_sql, rsvp=rsvp, now=now)
        assert saved is not None
        quick = saved.response
        # The general path, as a meeting with a limit takes it (no limit is reached here).
        Meeting.objects.filter(pk=meeting.pk).update(capacity=100)
        meeting.refresh_from_db()
        slow = services.meeting_respond(meeting=meeting, membership=by_orm, rsvp=rsvp, now=now)
        Meeting.objects.filter(pk=meeting.pk).update(capacity=None)
        meeting.refresh_from_db()
        stored = {r.membership_id: r for r in MeetingResponse.objects.filter(meeting=meeting)}
        assert (quick.pk, quick.rsvp, quick.waitlisted_at) == (stored[by_sql.pk].pk, rsvp, None)
        assert (slow.rsvp, slow.waitlisted_at) == (stored[by_orm.pk].rsvp, stored[by_orm.pk].waitlisted_at)
        assert stored[by_sql.pk].rsvp == stored[by_orm.pk].rsvp == rsvp
        assert stored[by_sql.pk].updated_at == now
    assert MeetingResponse.objects.filter(meeting=meeting).count() == 2


def test_the_places_it_counts_are_meeting_places(cast: Cast, alliance: Alliance) -> None:
    """Counted in the statement that saves the reply, with someone removed and someone waiting left out or in."""
    meeting = _meeting(cast, alliance)
    extra = []
    for n in range(3):
        person = services.member_add(site=cast.site, name=f"P{n}", email=f"p{n}@example.org", agency=cast.agencies[0])
        services.alliance_join(alliance=alliance, membership=person)
        extra.append(person)
    services.meeting_respond(meeting=meeting, membership=extra[0], rsvp="going")
    services.meeting_respond(meeting=meeting, membership=extra[1], rsvp="going")
    services.meeting_respond(meeting=meeting, membership=extra[2], rsvp="going")
    member_archive(membership=extra[0], actor=cast.enabler.user)  # a removed person's place is free
    MeetingResponse.objects.filter(membership=extra[2]).update(waitlisted_at=timezone.now())  # one waiting
    for person, rsvp in [
        (cast.leaders[0], "going"),
        (cast.leaders[1], "maybe"),
        (cast.leaders[0], "going"),
        (cast.leaders[0], "not_going"),
        (cast.leaders[2], "going"),
    ]:
        saved = meeting_services.meeting_reply(meeting=meeting, membership=person, rsvp=rsvp)
        assert saved.places == meeting_places(meeting=meeting)
    assert meeting_places(meeting=meeting) == Places(capacity=None, going=2, waiting=1)


def test_a_meeting_given_a_limit_since_it_was_read_takes_the_queue(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    Meeting.objects.filter(pk=meeting.pk).update(capacity=1)  # meeting, as read, still has no limit
    now = timezone.now()
    assert (
        meeting_services._respond_unlimited(meeting=meeting, membership=cast.leaders[0], rsvp="going", now=now) is None
    )
    assert not MeetingResponse.objects.exists()
    services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
    second = services.meeting_respond(meeting=meeting, membership=cast.leaders[1], rsvp="going")
    assert second.waitlisted_at is not None  # the limit held


def test_it_refuses_as_the_orm_does(cast: Cast, alliance: Alliance) -> None:
    meeting = _meeting(cast, alliance)
    now = timezone.now()
    with pytest.raises(meeting_services.NotInvitedError):
        meeting_services._respond_unlimited(meeting=meeting, membership=cast.coordinator, rsvp="going", now=now)
    with pytest.raises(meeting_services.NotInvitedError):
        meeting_services._respond_unlimited(meeting=meeting, membership=cast.outsider, rsvp="going", now=now)
    later = now + dt.timedelta(days=11)
    with pytest.raises(DomainError, match="has started"):
        meeting_services._respond_unlimited(meeting=meeting, membership=cast.leaders[0], rsvp="going", now=later)
    meeting_services.meeting_cancel(meeting=meeting, cancelled_by=cast.coordinator)
    with pytest.raises(DomainError, match="cancelled"):
        meeting_services._respond_unlimited(meeting=meeting, membership=cast.leaders[0], rsvp="going", now=now)
    assert not MeetingResponse.objects.exists()


def test_a_reply_by_htmx_takes_five_queries(cast: Cast, alliance: Alliance, django_assert_num_queries) -> None:
    meeting = _meeting(cast, alliance)
    url = reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    client = cast.client_for(cast.leaders[0])
    for rsvp in ("going", "maybe"):  # a first reply, then a change to it
        # session, user, membership, meeting; one statement: the meeting locked (with whether this person is
        # invited), the reply, and the count of places (atomic alone: no savepoint or transaction around it)
        with django_assert_num_queries(5):
            response = client.post(url, {"rsvp": rsvp}, headers={"HX-Request": "true"})
        assert response.status_code == 200
    body = response.content.decode()
    assert f'<template><td id="reply-{cast.leaders[0].pk}" hx-swap-oob="true">Maybe</td></template>' in body
    assert '<span id="reply-counts" hx-swap-oob="true">0 going</span>' in body
    assert 'id="rsvp"' in body and "Thanks, your reply is saved." in body


@pytest.mark.django_db(transaction=True)
def test_a_reply_waits_for_a_cancelling_and_is_then_refused(cast: Cast, alliance: Alliance) -> None:
    """The one statement locks the meeting's row (FOR SHARE) before it reads whether the meeting is open and
    writes: a reply made while the meeting is being cancelled waits for the cancelling to commit, then is
    refused, and writes nothing. (The reply's foreign key alone would not wait: an UPDATE of the meeting that
    leaves its key alone does not block the key-share lock a foreign key check takes.)"""
    import threading

    import psycopg

    meeting = _meeting(cast, alliance)
    with psycopg.connect(**connection.get_connection_params()) as other:  # its own transaction, open until commit
        other.execute("UPDATE network_meeting SET cancelled_at = now() WHERE id = %s", [meeting.pk])
        committing = threading.Timer(0.5, other.commit)
        committing.start()
        try:
            with pytest.raises(DomainError, match="cancelled"):
                services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
        finally:
            committing.join()
    assert not MeetingResponse.objects.exists()


def test_the_own_reply_is_the_person_s_line_of_the_list(cast: Cast, alliance: Alliance) -> None:
    """meeting_own_reply (SQL) against meeting_attendee_rows (the ORM), person by person: who is invited, and
    each reply as the list reads it (none, going, maybe, waiting, removed)."""
    from network.selectors.meetings import meeting_attendee_rows, meeting_own_reply

    alliance_meeting, site_meeting = _meeting(cast, alliance, capacity=1), _meeting(cast, None)
    Membership.objects.filter(pk__in=[m.pk for m in cast.leaders]).update(invitation_status=InvitationStatus.ACCEPTED)
    for meeting in (alliance_meeting, site_meeting):
        for person, rsvp in zip(cast.leaders, ["going", "going", "maybe"], strict=False):
            services.meeting_respond(meeting=meeting, membership=person, rsvp=rsvp)  # the second waits at one place
    gone = services.member_add(site=cast.site, name="Gone", email="gone@example.org", agency=cast.agencies[0])
    services.alliance_join(alliance=alliance, membership=gone)
    Membership.objects.filter(pk=gone.pk).update(invitation_status=InvitationStatus.ACCEPTED)
    services.meeting_respond(meeting=site_meeting, membership=gone, rsvp="maybe")
    member_archive(membership=gone, actor=cast.enabler.user)
    everyone = list(Membership.objects.all())  # both sites, every role, someone removed
    seen = set()
    for meeting in (alliance_meeting, site_meeting):
        for person in everyone:
            row = next(iter(meeting_attendee_rows(meeting=meeting, membership_id=person.pk)), None)
            if person.archived_at is not None or person.site_id != meeting.site_id:
                row = None  # meeting_is_invited's rule: the ORM's list keeps someone removed who came
            own = meeting_own_reply(meeting=meeting, membership=person)
            expected = None if row is None else (row.member_id, row.rsvp, row.rsvp_label, row.waitlisted, row.has_place)
            got = None if own is None else (own.member_id, own.rsvp, own.rsvp_label, own.waitlisted, own.has_place)
            assert got == expected, (meeting.title, person)
            seen.add(None if got is None else (got[1], got[3]))
    assert {None, ("", False), ("going", False), ("going", True), ("maybe", False)} <= seen
