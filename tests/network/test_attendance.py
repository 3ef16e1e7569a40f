"""Taking attendance on the day, and the coordinator's downloads: CSV, XLSX, sign-in sheet, ICS and the feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core import signing
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pytest_django.asserts import assertInHTML

from network import selectors, services, tokens
from network.models import Alliance, AllianceMember, Meeting, MeetingAttendance, Membership
from network.selectors.meetings import meeting_export_rows
from network.services.meetings import attendance_set, walk_in_record
from network.services.people import member_archive
from tests.conftest import Cast
from tests.html import text_of


@pytest.fixture
def meeting(cast: Cast, alliance: Alliance) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="First alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
        place="Central Library",
        online_link="https://meet.example/abc",
        agenda="Introductions",
    )


def _body(response: Any) -> bytes:
    """A page's bytes, sent whole or streamed (the whole attendance list and the sign-in sheet are streamed)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _url(name: str, cast: Cast, meeting: Meeting, *extra: int) -> str:
    return reverse(f"network:{name}", args=[cast.site.slug, meeting.pk, *extra])


def test_a_coordinator_marks_people_present_with_one_tap(cast: Cast, meeting: Meeting) -> None:
    member = cast.leaders[1]
    client = cast.client_for(cast.coordinator)
    url = _url("attendance-toggle", cast, meeting, member.pk)
    response = client.post(url, {"present": "1"}, headers={"HX-Request": "true"})
    body = _body(response).decode()
    assert body.lstrip().startswith(f'<button id="a{member.pk}" name="absent" value="{member.pk}" aria-pressed="true"')
    assert 'hx-swap-oob="true"' in body  # swapped by its id, so focus stays on the button tapped
    assertInHTML(
        '<strong id="present-count" role="status" hx-swap-oob="true" data-announce="1 of 3 here">1</strong>', body
    )  # the count moves too
    assert MeetingAttendance.objects.get().membership == member
    assert client.post(url, {"present": "1"}).status_code == 302  # tapping twice quickly records once
    assert MeetingAttendance.objects.count() == 1
    client.post(url, {"present": "0"})
    assert not MeetingAttendance.objects.exists()


def test_someone_removed_since_they_came_can_be_marked_absent(cast: Cast, meeting: Meeting) -> None:
    leaver = cast.leaders[2]
    attendance_set(meeting=meeting, membership=leaver, present=True, recorded_by=cast.coordinator)
    member_archive(membership=leaver, actor=cast.enabler.user)
    assert leaver.user.name in [row.name for row in selectors.meeting_attendee_rows(meeting=meeting)]
    url = _url("attendance-toggle", cast, meeting, leaver.pk)
    response = cast.client_for(cast.coordinator).post(url, {"present": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = _body(response).decode()
    assert "<li" not in body  # their row simply goes
    assertInHTML(
        '<strong id="present-count" role="status" hx-swap-oob="true" data-announce="0 of 2 here">0</strong>', body
    )
    assert not MeetingAttendance.objects.exists()


def test_the_list_is_searchable_as_a_page_and_by_htmx(cast: Cast, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    page = _body(client.get(_url("meeting-attendance", cast, meeting), {"q": "Leader 2"})).decode()
    assertInHTML("<h1>Attendance: First alliance meeting</h1>", page)
    assert "Leader 2 of Ashby" in page
    assert "Leader 1 of Ashby" not in page
    partial = _body(
        client.get(
            _url("meeting-attendance", cast, meeting),
            {"q": "police", "partial": "list"},
            headers={"HX-Request": "true"},
        )
    ).decode()
    assert partial.lstrip().startswith('<ul id="attendee-list"')
    assert "Leader 2 of Ashby" in partial  # found by agency
    assert "<h1>" not in partial
    # A NUL in a hand-made address is dropped rather than sent to the database (a 500 on PostgreSQL).
    nul = client.get(_url("meeting-attendance", cast, meeting), {"q": "Leader\x00 2"})
    assert nul.status_code == 200
    assert "Leader 2 of Ashby" in _body(nul).decode()


def test_a_walk_in_is_recorded_as_such(cast: Cast, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    form = {"name": "Pat Visitor", "email": "Pat@Example.org", "agency": "Ashby Food Bank"}
    assert client.post(_url("walk-in-add", cast, meeting), form).status_code == 302
    walk_in = MeetingAttendance.objects.get()
    assert walk_in.is_walk_in
    assert walk_in.walk_in_email == "pat@example.org"
    response = client.post(_url("walk-in-add", cast, meeting), {"name": " "})
    assert response.status_code == 422
    assert text_of(_body(response), id="id_name_error") == "Error: Enter the walk-in's name"


@pytest.mark.parametrize("name", ["meeting-attendance", "meeting-sign-in-sheet", "meeting-attendees-xlsx"])
def test_only_coordinators_take_attendance_and_export(cast: Cast, meeting: Meeting, name: str) -> None:
    url = _url(name, cast, meeting)
    assert cast.client_for(cast.coordinator).get(url).status_code == 200
    assert cast.client_for(cast.leaders[0]).get(url).status_code == 403
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    # The other site's own enabler, through their own site's URL, still cannot reach this meeting.
    other_enabler = cast.other_site.memberships.get(role="enabler")
    other = reverse(f"network:{name}", args=[cast.other_site.slug, meeting.pk])
    assert cast.client_for(other_enabler).get(other).status_code == 404


def test_leaders_and_outsiders_cannot_tick_people_off(cast: Cast, meeting: Meeting) -> None:
    member = AllianceMember.objects.get(membership=cast.leaders[0])
    url = _url("attendance-toggle", cast, meeting, member.pk)
    assert cast.client_for(cast.leaders[0]).post(url, {"present": "1"}).status_code == 403
    assert cast.client_for(cast.outsider).post(url, {"present": "1"}).status_code == 404
    assert cast.client_for(cast.coordinator).post(_url("attendance-toggle", cast, meeting, 999999)).status_code == 404
    assert not MeetingAttendance.objects.exists()


def test_the_attendance_page_query_count_does_not_grow(
    cast: Cast, alliance: Alliance, meeting: Meeting, django_assert_num_queries
) -> None:
    for i in range(30):
        leader = services.member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        member = services.alliance_join(alliance=alliance, membership=leader)
        services.meeting_respond(meeting=meeting, membership=member.membership, rsvp="going")
        attendance_set(meeting=meeting, membership=member.membership, present=True, recorded_by=cast.coordinator)
    client = cast.client_for(cast.coordinator)
    with django_assert_num_queries(7):  # session, user, membership, meeting, the list, walk-ins, the count
        body = _body(client.get(_url("meeting-attendance", cast, meeting))).decode()  # the list streams in
    assertInHTML('<strong id="present-count" role="status" data-announce="30 of 33 here">30</strong>', body)


def _export(cast: Cast, meeting: Meeting) -> None:
    tricky = cast.leaders[1]
    tricky.role_title = '=HYPERLINK("http://evil.example","Click")'
    tricky.save()
    member = AllianceMember.objects.get(membership=cast.leaders[0])
    services.meeting_respond(meeting=meeting, membership=member.membership, rsvp="going")
    attendance_set(meeting=meeting, membership=member.membership, present=True, recorded_by=cast.coordinator)
    walk_in_record(meeting=meeting, name="+Pat Visitor", agency="@Food Bank", recorded_by=cast.coordinator)


def test_the_csv_has_attendance_walk_ins_and_no_formulas(cast: Cast, meeting: Meeting) -> None:
    _export(cast, meeting)
    response = cast.client_for(cast.coordinator).get(_url("meeting-attendees-csv", cast, meeting))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0] == ["Name", "Email", "Agency", "Sector", "Role", "Reply", "Attended", "Walk-in"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Leader 0 of Ashby"][5:] == ["Going", "Yes", "No"]
    assert by_name["Leader 1 of Ashby"][4] == '\'=HYPERLINK("http://evil.example","Click")'
    assert by_name["'+Pat Visitor"] == ["'+Pat Visitor", "", "'@Food Bank", "", "", "", "Yes", "Yes"]


@pytest.mark.parametrize("chunk_size", [1, 2, 4, 500])
def test_the_export_lists_everyone_once_in_name_order(cast: Cast, meeting: Meeting, chunk_size: int) -> None:
    # Same-named people, so the order must break ties by id, whatever the chunks it is read in.
    for i in range(6):
        twin = services.member_add(
            site=cast.site,
            name="Sam Twin",
            email=f"twin{i}@ashby.example",
            agency=cast.agencies[i % 3],
            role_title=str(i),
        )
        services.alliance_join(alliance=meeting.alliance, membership=twin)  # type: ignore[arg-type]
    services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
    expected = [
        [row.name, row.email, row.role_title, row.rsvp_label]
        for row in selectors.meeting_attendee_rows(meeting=meeting)
    ]
    got = [[r[0], r[1], r[4], r[5]] for r in meeting_export_rows(meeting=meeting, chunk_size=chunk_size)]
    assert got == expected
    assert len(got) == 9  # three leaders and six twins, each once


def test_the_xlsx_keeps_every_value_as_text(cast: Cast, meeting: Meeting) -> None:
    _export(cast, meeting)
    response = cast.client_for(cast.coordinator).get(_url("meeting-attendees-xlsx", cast, meeting))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    sheet = workbook["Attendees"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["Name", "Email", "Agency", "Sector", "Role", "Reply", "Attended", "Walk-in"]
    by_name = {row[0].value: row for row in rows[1:]}
    formula_cell = by_name["Leader 1 of Ashby"][4]
    # The one formula guard (network/csv_cells.py), as in every CSV: an apostrophe, and kept as text.
    assert formula_cell.value == '\'=HYPERLINK("http://evil.example","Click")'
    assert formula_cell.data_type == "s"  # text, never a formula
    assert [c.value for c in by_name["'+Pat Visitor"]][6:] == ["Yes", "Yes"]


def test_the_sign_in_sheet_prints(cast: Cast, meeting: Meeting) -> None:
    response = cast.client_for(cast.coordinator).get(_url("meeting-sign-in-sheet", cast, meeting))
    body = _body(response).decode()
    assertInHTML("<h1>Sign-in sheet: First alliance meeting</h1>", body)
    assert "Leader 0 of Ashby" in body
    assert "css/meetings.css" in body
    # Everyone invited, streamed into the page's table in name order, and the page closes after them.
    invited = [r.name for r in selectors.meeting_attendee_rows(meeting=meeting)]
    assert invited and [body.index(f"<tr><td>{name}</td>") for name in invited] == sorted(
        body.index(f"<tr><td>{name}</td>") for name in invited
    )
    assert body.index(f"<tr><td>{invited[-1]}</td>") < body.index("Walk-in name") < body.rindex("</html>")


def test_the_meeting_ics_has_the_page_and_the_online_link(cast: Cast, meeting: Meeting) -> None:
    response = cast.client_for(cast.leaders[0]).get(_url("meeting-ics", cast, meeting))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "First alliance meeting"
    assert event.decoded("DTSTART") == meeting.starts_at.replace(microsecond=0)
    assert meeting.ends_at is not None
    assert event.decoded("DTEND") == meeting.ends_at.replace(microsecond=0)
    page = "http://localhost:8000" + reverse("network:meeting-detail", args=[cast.site.slug, meeting.pk])
    assert str(event["URL"]) == page
    assert "https://meet.example/abc" in str(event["DESCRIPTION"])
    assert cast.client_for(cast.outsider).get(_url("meeting-ics", cast, meeting)).status_code == 404


def test_the_calendar_feed_is_personal_and_closes_when_someone_leaves(cast: Cast, meeting: Meeting, client) -> None:
    whole_site = services.meeting_create(
        alliance=None, created_by=cast.coordinator, title="Open session", starts_at=meeting.starts_at, place="Hall"
    )

    def feed(membership: Membership) -> HttpResponse:
        return client.get(
            reverse(
                "network:site-calendar",
                args=[tokens.calendar_token_make(membership_id=membership.pk, key=membership.calendar_key)],
            )
        )

    def titles(membership: Membership) -> list[str]:
        return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(feed(membership).content).walk("VEVENT"))

    newcomer = services.member_add(site=cast.site, name="Newcomer", email="new@ashby.example", agency=cast.agencies[0])
    Membership.objects.filter(pk=newcomer.pk).update(invitation_status="sent")
    assert titles(cast.leaders[0]) == ["First alliance meeting", "Open session"]  # in the alliance
    assert titles(newcomer) == ["Open session"]  # not in it: only the whole site's meeting
    assert titles(cast.outsider) == []  # another site's person sees none of this site's meetings
    assert whole_site.site_id == cast.site.pk
    member_archive(membership=cast.leaders[0], actor=cast.enabler.user)
    assert feed(cast.leaders[0]).status_code == 404  # removed from the site: the feed closes
    old = signing.dumps(cast.site.pk, salt="network.calendar-feed")  # a feed address of the old, per-site kind
    assert client.get(reverse("network:site-calendar", args=[old])).status_code == 404
    assert client.get(reverse("network:site-calendar", args=["forged"])).status_code == 404


def test_a_new_feed_address_closes_the_old_one(cast: Cast, meeting: Meeting, client) -> None:
    leader = cast.leaders[0]
    meetings_page = reverse("network:meeting-list", args=[cast.site.slug])
    renew = reverse("network:calendar-feed-renew", args=[cast.site.slug])

    def feed_status(token: str) -> int:
        return client.get(reverse("network:site-calendar", args=[token])).status_code

    def token_in(url: str) -> str:
        return url.split("/calendar/")[1].removesuffix("/meetings.ics")

    before = cast.client_for(leader).get(meetings_page).context["calendar_url"]
    first = token_in(before)
    assert tokens.calendar_token_read(first) == (leader.pk, 0)
    unkeyed = signing.dumps(leader.pk, salt="network.calendar-feed.v2")  # an address from before keys
    assert feed_status(first) == feed_status(unkeyed) == 200

    assert cast.client_for(leader).get(renew).status_code == 405  # a link cannot change it, only the button
    response = cast.client_for(leader).post(renew, follow=True)
    assert response.redirect_chain == [(meetings_page + "#calendar", 302)]
    assert "Your calendar feed has a new address" in _body(response).decode()
    after = response.context["calendar_url"]
    assert tokens.calendar_token_read(token_in(after)) == (leader.pk, 1)
    assert feed_status(first) == feed_status(unkeyed) == 404  # the old addresses are closed
    assert client.get(after.removeprefix("http://testserver")).status_code == 200
    other = tokens.calendar_token_make(membership_id=cast.leaders[1].pk, key=0)
    assert feed_status(other) == 200  # nobody else's address changed

    # Someone from another site cannot reach this site's button, so cannot close anyone's feed here.
    assert cast.client_for(cast.outsider).post(renew).status_code == 404
    assert Membership.objects.get(pk=cast.outsider.pk).calendar_key == 0


@pytest.mark.django_db(transaction=True)
def test_a_download_holds_no_transaction_open_as_it_streams(cast: Cast, meeting: Meeting) -> None:
    from django.db import connection
    from psycopg.pq import TransactionStatus

    rows = meeting_export_rows(meeting=meeting, chunk_size=1)
    next(rows)
    # Half-way through, as a slow download would be: nothing held that a migration would wait on,
    # neither by Django nor on the connection (the cursor is held, its transaction committed).
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    assert len(list(rows)) == 2


def test_the_list_is_one_form_and_each_name_posts_its_person(cast: Cast, meeting: Meeting) -> None:
    member = cast.leaders[1]
    client = cast.client_for(cast.coordinator)
    url = _url("meeting-attendance", cast, meeting)
    page = _body(client.get(url, {"q": "leader"})).decode()
    # the list's form, the walk-in form, signing out, the language switcher
    assert page.count('name="csrfmiddlewaretoken"') == 4
    assert f'<button id="a{member.pk}" name="present" value="{member.pk}" aria-pressed="false">' in page
    response = client.post(f"{url}?q=leader", {"present": str(member.pk)})  # a tap without script
    assert response.status_code == 302
    assert response["Location"] == f"{url}?q=leader"  # back to the list as it was searched
    assert MeetingAttendance.objects.get().membership == member
    response = client.post(url, {"absent": str(member.pk)}, headers={"HX-Request": "true"})
    assert f'<button id="a{member.pk}" name="present"' in _body(response).decode()
    assert not MeetingAttendance.objects.exists()


@pytest.mark.parametrize("data", [{}, {"present": ""}, {"present": "x1"}, {"absent": "-4"}, {"present": "²"}])
def test_a_post_without_a_person_is_a_clear_400(cast: Cast, meeting: Meeting, data: dict[str, str]) -> None:
    response = cast.client_for(cast.coordinator).post(_url("meeting-attendance", cast, meeting), data)
    assert response.status_code == 400
    assert not MeetingAttendance.objects.exists()


def test_a_person_of_another_site_or_not_invited_is_404_from_the_list(cast: Cast, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    response = client.post(_url("meeting-attendance", cast, meeting), {"present": str(cast.outsider.pk)})
    assert response.status_code == 404
    assert cast.client_for(cast.leaders[0]).post(_url("meeting-attendance", cast, meeting), {}).status_code == 403
    assert not MeetingAttendance.objects.exists()


def test_the_page_costs_under_300_bytes_per_invitee(cast: Cast, alliance: Alliance, meeting: Meeting) -> None:
    client = cast.client_for(cast.coordinator)
    url = _url("meeting-attendance", cast, meeting)
    before = _body(client.get(url))
    for i in range(200):
        leader = services.member_add(
            site=cast.site, name=f"Leader {i:03d} Longname", email=f"many{i}@example.org", agency=cast.agencies[1]
        )
        services.alliance_join(alliance=alliance, membership=leader)
    after = _body(client.get(url))
    assert after.count(b"<li>") - before.count(b"<li>") == 200  # everyone invited is still listed
    per_invitee = (len(after) - len(before)) / 200
    assert per_invitee < 300, per_invitee


def test_names_and_agencies_on_the_list_are_escaped(cast: Cast, alliance: Alliance, meeting: Meeting) -> None:
    agency = services.agency_create(site=cast.site, name="<i>Fire</i> & Rescue", sector="fire")
    leader = services.member_add(site=cast.site, name="<b>Bold</b> O'Neil", email="bold@example.org", agency=agency)
    services.alliance_join(alliance=alliance, membership=leader)
    body = _body(cast.client_for(cast.coordinator).get(_url("meeting-attendance", cast, meeting))).decode()
    assert "<b>&lt;b&gt;Bold&lt;/b&gt; O&#x27;Neil</b>" in body
    assert "<small>&lt;i&gt;Fire&lt;/i&gt; &amp; Rescue · No reply</small>" in body


def test_names_are_escaped_in_the_streamed_list_and_sign_in_sheet(cast: Cast, meeting: Meeting) -> None:
    tricky = cast.leaders[1].user
    tricky.name = '<b>Bryn</b> & "Dai" O\'Neill'
    tricky.save()
    client = cast.client_for(cast.coordinator)
    escaped = "&lt;b&gt;Bryn&lt;/b&gt; &amp; &quot;Dai&quot; O&#x27;Neill"
    for name in ("meeting-attendance", "meeting-sign-in-sheet"):
        body = _body(client.get(_url(name, cast, meeting))).decode()
        assert escaped in body
        assert "<b>Bryn</b>" not in body


@pytest.mark.parametrize("name", ["meeting-attendees-csv", "meeting-attendees-xlsx"])
def test_the_export_query_count_does_not_grow(
    cast: Cast, alliance: Alliance, meeting: Meeting, django_assert_num_queries, name: str
) -> None:
    for i in range(30):
        leader = services.member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        services.alliance_join(alliance=alliance, membership=leader)
    walk_in_record(meeting=meeting, name="Pat Visitor", recorded_by=cast.coordinator)
    client = cast.client_for(cast.coordinator)
    with django_assert_num_queries(6):  # session, user, membership, meeting, the invitees, the walk-ins
        body = _body(client.get(_url(name, cast, meeting)))
    assert body
    # However small the chunks it is read in, one query for the invitees and one for the walk-ins.
    with django_assert_num_queries(2):
        assert len(list(meeting_export_rows(meeting=meeting, chunk_size=1))) == 3 + 30 + 1
