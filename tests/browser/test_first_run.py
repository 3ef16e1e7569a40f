"""Issue 14 in a real Chromium, by keyboard where it matters, with axe-core on every page (conftest.PageAudit):
a newcomer reads the invitation in the development mailbox and signs in from it; a form with errors is walked
from its summary to its fields; a meeting is cancelled only after "Are you sure"; attendance taps keep focus."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from network import services
from network.services.invitations import invitations_queue
from tests.browser.conftest import SETTLED, PageAudit, sign_in
from tests.conftest import make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_reads_the_invitation_in_the_browser_and_signs_in_from_it(
    page: Page, live_server: LiveServer, settings: Settings, tmp_path: Path, audit: PageAudit
) -> None:
    # As `make run` has it: DEBUG on, no EMAIL_HOST, email kept rather than sent.
    settings.DEBUG = True
    settings.EMAIL_HOST = ""
    settings.EMAIL_BACKEND = "systemsleader.devmail.MailboxBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = live_server.url
    site, _, enabler, _, leaders = make_site("ashby", leader_count=2)
    leader = leaders[0]
    # Tasks run in-process here, once the transaction commits, as under `make run`.
    assert invitations_queue(site=site, actor=enabler.user, memberships=[leader]) == 1

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Read the email the app has sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email sent by this copy of the app")
    audit.check(page, "dev-mail-list")
    page.get_by_role("link", name=f"You are invited to {site.name} on Systems Leader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"You are invited to {site.name} on Systems Leader")
    audit.check(page, "dev-mail-detail")
    page.locator("a[href*='/accounts/link/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Systems Leader")
    page.get_by_role("button", name="Sign in").press("Enter")
    expect(page.locator("#messages")).to_contain_text(f"Welcome, {leader.user.name}. You are signed in.")
    expect(page.get_by_role("link", name="Profile")).to_be_visible()
    audit.assert_clean()


def test_a_form_with_errors_is_walked_by_keyboard_from_its_summary(
    page: Page, live_server: LiveServer, audit: PageAudit
) -> None:
    site, _, enabler, _, _ = make_site("ashby", leader_count=1)
    sign_in(page, live_server.url, enabler.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/people/")
    add = page.locator("#add-person")
    add.focus()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")  # htmx swaps the form back with its errors
    page.wait_for_function(SETTLED)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Agencies and leaders · "))
    audit.check(page, "people-form-errors")
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        ["Enter the person's full name", "Enter the person's email address, like name@council.gov.uk"]
    )
    for index, field in enumerate(["Full name", "Email address"]):
        summary.focus()
        for _ in range(index + 1):
            page.keyboard.press("Tab")
        expect(links.nth(index)).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_label(field, exact=True)).to_be_focused()
    # The field's error is beside it, and typing there fixes it.
    page.get_by_label("Full name", exact=True).fill("Priya Shah")
    page.get_by_label("Email address", exact=True).fill("priya@ashby.example")
    page.get_by_label("Role", exact=True).select_option(label="Coordinator")
    page.locator("#add-person").press("Enter")
    expect(page.locator("#messages")).to_contain_text("Added Priya Shah")
    expect(page).to_have_title(re.compile(r"^Agencies and leaders · "))  # the errors are gone, and so is "Error: "
    audit.assert_clean()


def test_a_whole_page_with_errors_focuses_its_summary_and_says_error_in_its_title(
    page: Page, live_server: LiveServer, settings: Settings, audit: PageAudit
) -> None:
    settings.SELF_SERVICE_SITES = True
    page.goto(f"{live_server.url}/start/")
    audit.check(page, "site-start")
    page.get_by_role("button", name="Email me the link").press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: Start a pilot site"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    audit.check(page, "site-start-errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your name")).to_be_focused()
    audit.assert_clean()


def test_cancelling_a_meeting_asks_first(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
    site, _, _, coordinator, _ = make_site("ashby", leader_count=2)
    meeting = services.meeting_create(
        alliance=None,
        created_by=coordinator,
        title="Open session",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Ashby Library",
    )
    sign_in(page, live_server.url, coordinator.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Cancel the meeting and tell everyone").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to cancel this meeting?")
    expect(page.get_by_text("everyone invited is emailed at once to say the meeting is cancelled")).to_be_visible()
    audit.check(page, "meeting-cancel-confirm")
    page.get_by_role("link", name="No, keep the meeting").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open session")
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None
    page.get_by_role("button", name="Cancel the meeting and tell everyone").press("Enter")
    page.get_by_role("button", name="Yes, cancel the meeting and tell everyone").press("Enter")
    expect(page.locator("#messages")).to_contain_text("Meeting cancelled. Everyone invited is being told.")
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    audit.assert_clean()


def test_attendance_taps_keep_focus(
    page: Page, new_context: Callable[..., BrowserContext], live_server: LiveServer, audit: PageAudit
) -> None:
    site, _, _, coordinator, _ = make_site("ashby", leader_count=3)
    meeting = services.meeting_create(
        alliance=None,
        created_by=coordinator,
        title="Open session",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        place="Ashby Library",
    )
    sign_in(page, live_server.url, coordinator.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/meetings/{meeting.pk}/attendance/")
    second = page.locator("#attendee-list button").nth(1)
    second.focus()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_function(SETTLED)
    tapped = page.locator("#attendee-list button").nth(1)
    expect(tapped).to_have_attribute("aria-pressed", "true")
    expect(tapped).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Space")  # and again, to undo, without moving
    page.wait_for_function(SETTLED)
    expect(page.locator("#attendee-list button").nth(1)).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#attendee-list button").nth(1)).to_be_focused()
    audit.check(page, "attendance-after-taps")
    audit.assert_clean()


def test_radios_and_checkboxes_are_gov_uk_sized(page: Page, live_server: LiveServer) -> None:
    site, _, _, _, leaders = make_site("ashby", leader_count=1)
    sign_in(page, live_server.url, leaders[0].user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/outcomes/")
    tick = page.get_by_label("Ashby Council")
    box = tick.bounding_box()
    assert box is not None and box["width"] >= 40 and box["height"] >= 40, box  # the browser's own are 13px
    body = page.evaluate("getComputedStyle(document.body).fontSize")
    assert body == "19px"
    page.set_viewport_size({"width": 320, "height": 640})  # GOV.UK's small-screen size: 16px text, same targets
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "16px"
    small = tick.bounding_box()
    assert small is not None and small["width"] >= 40 and small["height"] >= 40, small
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_footer_pages_are_reached_from_every_page(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    footer = page.get_by_role("navigation", name="Support")
    for link, heading in [
        ("Accessibility statement", "Accessibility statement"),
        ("Privacy notice", "Privacy notice"),
        ("Contact", "Contact"),
    ]:
        footer.get_by_role("link", name=link).press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("link", name="help@systemsleader.localhost").first).to_be_visible()
        audit.check(page, f"footer-{link.split()[0].lower()}")
        footer = page.get_by_role("navigation", name="Support")
    audit.assert_clean()
