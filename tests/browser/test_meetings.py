"""Meetings in a real Chromium: a coordinator calls one, an invitee replies from the emailed link without
signing in, the coordinator takes attendance on a phone-sized screen and downloads CSV, XLSX and ICS.
Every page visited is checked with axe-core, for one h1, and at 320px wide (see conftest.PageAudit).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.mail import EmailMessage
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from network import services
from network.models import Meeting
from tests.browser.conftest import SETTLED, PageAudit, fill_date, sign_in
from tests.conftest import make_site

PHONE: ViewportSize = {"width": 375, "height": 812}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_meeting_from_invitation_to_attendance_and_exports(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    mailoutbox: list[EmailMessage],
    settings: Settings,
    audit: PageAudit,
) -> None:
    base = live_server.url
    settings.SITE_URL = base  # emailed links point at the live server
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=4)
    alliance = services.alliance_for_outcome(site=site, purpose="No one sleeps rough")
    for leader in leaders:
        services.alliance_join(alliance=alliance, membership=leader, pledge="Our outreach team")
    site_url = f"{base}/sites/{site.slug}/"

    # 1. The coordinator calls a meeting.
    dana = page
    sign_in(dana, base, coordinator.user.email)
    dana.goto(f"{site_url}alliance/")
    audit.check(dana, "alliance")
    dana.get_by_role("link", name="Meetings", exact=True).click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Meetings")
    audit.check(dana, "meetings-with-calendar")
    dana.get_by_role("link", name="Create a meeting").click()
    dana.get_by_label("Title").fill("Rough sleeping: first meeting")
    expect(dana.get_by_label("The alliance: No one sleeps rough")).to_be_checked()
    fill_date(dana, "Starts at", "2031-03-13T18:30")
    fill_date(dana, "Ends at (optional)", "2031-03-13T20:00")
    dana.get_by_label("Place").fill("Ashby Library")
    dana.get_by_label("Online link").fill("https://meet.example/ashby")
    dana.get_by_label("How many people can come").fill("3")
    audit.check(dana, "meeting-create-filled")
    dana.get_by_role("button", name="Create meeting").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Rough sleeping: first meeting")
    expect(dana.get_by_text("Thursday 13 March 2031, 18:30 to 20:00")).to_be_visible()
    meeting_url = dana.url
    audit.check(dana, "meeting-detail-coordinator")

    # 2. An invitee replies "Going" straight from the email, without signing in.
    invitee = leaders[1].user
    (message,) = [m for m in mailoutbox if m.to == [invitee.email]]
    going_link = re.search(r"- Yes, I am going: (\S+)", str(message.body))
    assert going_link is not None
    guest = new_context().new_page()
    guest.goto(going_link.group(1))
    expect(guest.get_by_role("heading", level=1)).to_have_text("Rough sleeping: first meeting")
    expect(guest.get_by_label("Going", exact=True)).to_be_checked()
    audit.check(guest, "rsvp-from-email")
    guest.get_by_role("button", name="Save my reply").click()
    expect(guest.get_by_text("Thanks, your reply is saved: Going.")).to_be_visible()
    unsubscribe = re.search(r"choose which emails you get: (\S+)", str(message.body))
    assert unsubscribe is not None
    guest.goto(unsubscribe.group(1))
    audit.check(guest, "email-preferences")
    guest.get_by_label("Meeting reminders only").check()
    guest.get_by_role("button", name="Save my choice").click()
    expect(guest.get_by_text("Saved: Meeting reminders only.")).to_be_visible()

    # 3. On the day, on a phone: search, one tap per person, and a walk-in.
    phone = new_context(viewport=PHONE).new_page()
    sign_in(phone, base, coordinator.user.email)
    phone.goto(meeting_url)
    phone.get_by_role("link", name="Take attendance").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Attendance: Rough sleeping: first meeting")
    audit.check(phone, "attendance")
    phone.set_viewport_size(PHONE)
    phone.get_by_label("Search by name, email or agency").fill("Leader 1")
    expect(phone.locator("#attendee-list li")).to_have_count(1)
    person = phone.get_by_role("button", name=re.compile(r"^Leader 1 of Ashby"))
    expect(person).to_have_attribute("aria-pressed", "false")
    with phone.expect_response(lambda r: r.request.method == "POST"):
        person.click()
    expect(phone.get_by_role("button", name=re.compile(r"^Leader 1 of Ashby"))).to_have_attribute(
        "aria-pressed", "true"
    )
    # The row is swapped by its button's id, so focus stays on it: a second tap by keyboard undoes the first.
    expect(phone.get_by_role("button", name=re.compile(r"^Leader 1 of Ashby"))).to_be_focused()
    with phone.expect_response(lambda r: r.request.method == "POST"):
        phone.keyboard.press("Enter")
    expect(phone.get_by_role("button", name=re.compile(r"^Leader 1 of Ashby"))).to_have_attribute(
        "aria-pressed", "false"
    )
    with phone.expect_response(lambda r: r.request.method == "POST"):
        phone.keyboard.press("Enter")
    phone.get_by_label("Walk-in's name").fill("Pat Visitor")
    phone.get_by_label("Walk-in's agency").fill("=Ashby Food Bank")
    phone.get_by_role("button", name="Add walk-in").click()
    expect(phone.locator("#messages")).to_contain_text("Pat Visitor is recorded as a walk-in")
    expect(phone.get_by_role("heading", name="Walk-ins (1)")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the attendance page scrolls sideways on a phone: {width}px"
    audit.check(phone, "attendance-after")

    # 4. The exports, each parsed as a spreadsheet or calendar app would.
    dana.goto(meeting_url)
    dana.get_by_role("link", name="Printable sign-in sheet").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Sign-in sheet: Rough sleeping: first meeting")
    audit.check(dana, "sign-in-sheet")
    dana.goto(meeting_url)

    def download(name: str) -> bytes:
        with dana.expect_download() as info:
            dana.get_by_role("link", name=name).click()
        return Path(info.value.path()).read_bytes()

    rows = list(csv.DictReader(io.StringIO(download("Download attendee list (CSV)").decode("utf-8"))))
    by_name = {row["Name"]: row for row in rows}
    assert by_name["Leader 1 of Ashby"]["Reply"] == "Going"
    assert by_name["Leader 1 of Ashby"]["Attended"] == "Yes"
    assert by_name["Leader 0 of Ashby"]["Attended"] == "No"
    assert by_name["Pat Visitor"]["Walk-in"] == "Yes"
    assert by_name["Pat Visitor"]["Agency"] == "'=Ashby Food Bank"  # neutralised for spreadsheets

    sheet = openpyxl.load_workbook(io.BytesIO(download("Download attendee list (Excel)")))["Attendees"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == ["Name", "Email", "Agency", "Sector", "Role", "Reply", "Attended", "Walk-in"]
    walk_in = next(row for row in sheet.iter_rows() if row[0].value == "Pat Visitor")
    assert walk_in[2].value == "'=Ashby Food Bank"  # the same formula guard as the CSV
    assert walk_in[2].data_type == "s"  # text, not a formula
    assert len(table) == 1 + 4 + 1

    event = Calendar.from_ical(download("Add to your calendar (ICS file)")).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Rough sleeping: first meeting"
    assert str(event["URL"]) == meeting_url
    assert "https://meet.example/ashby" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART").isoformat() == "2031-03-13T18:30:00+00:00"

    # 5. The enabler's digest page: schedule, preview as a member, then the meeting's reminder, sent now.
    erin = new_context().new_page()
    sign_in(erin, base, enabler.user.email)
    erin.goto(f"{site_url}digests/")
    expect(erin.get_by_role("heading", level=1)).to_have_text("Digests")
    expect(erin.frame_locator("iframe.digest-preview").get_by_text("Hello Leader 0 of Ashby,")).to_be_visible()
    audit.check(erin, "digests")
    meeting = Meeting.objects.get()
    # Choosing the email swaps in its preview and its sending panel at once, keeping focus on the list.
    which = erin.get_by_label("Which email")
    which.focus()
    with erin.expect_response(lambda response: f"digest=pre_meeting%3A{meeting.pk}" in response.url):
        which.select_option(f"pre_meeting:{meeting.pk}")
    erin.wait_for_function(SETTLED)
    preview = erin.frame_locator("iframe.digest-preview")
    expect(preview.get_by_text("Coming up soon:")).to_be_visible()
    expect(erin.locator("#send-heading + p")).to_contain_text(meeting.title)
    expect(which).to_be_focused()
    assert f"digest=pre_meeting%3A{meeting.pk}" in erin.url  # a reload keeps the choice
    erin.get_by_label("Preview as").select_option(label=f"{leaders[2].user.name} ({leaders[2].user.email})")
    erin.get_by_role("button", name="Show preview").click()
    expect(preview.get_by_text("Coming up soon:")).to_be_visible()
    expect(preview.get_by_text("Hello Leader 2 of Ashby,")).to_be_visible()
    mailoutbox.clear()
    erin.get_by_role("button", name="Send now").click()
    expect(erin.get_by_role("status").filter(has_text="So far:")).to_contain_text("4 sent, 0 failed, 0 remaining")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(leader.user.email for leader in leaders)
    audit.check(erin, "digests-reminder-sent")

    audit.assert_clean()
