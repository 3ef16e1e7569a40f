"""Issue 14: a meeting's date is typed in GOV.UK's day / month / year boxes (and a time), not the browser's
datetime-local; a missing part is named in the error summary, which leads to the first box."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from network.models import Meeting
from tests.browser.conftest import PageAudit, sign_in
from tests.conftest import make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_meeting_is_called_with_day_month_year_boxes(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
    site, _, _, coordinator, _ = make_site("ashby", leader_count=1)
    sign_in(page, live_server.url, coordinator.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/meetings/new/")
    expect(page.locator("input[type='datetime-local']")).to_have_count(0)
    starts = page.get_by_role("group", name="Starts at")
    expect(starts).to_contain_text("For example, 27 3 2027")
    audit.check(page, "meeting-create-dates")
    page.get_by_label("Title").fill("Spring gathering")
    page.get_by_label("Place").fill("Ashby Library")
    starts.get_by_label("Day").fill("27")
    starts.get_by_label("Year").fill("2027")
    starts.get_by_label("Time").fill("14:30")
    page.get_by_role("button", name="Create meeting").press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["The date must include a month"])
    expect(page).to_have_title(re.compile(r"^Error: "))
    audit.check(page, "meeting-create-date-error")
    summary.get_by_role("link").press("Enter")
    expect(starts.get_by_label("Day")).to_be_focused()
    expect(starts.get_by_label("Day")).to_have_value("27")  # what was typed is kept
    starts.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Create meeting").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring gathering")
    meeting = Meeting.objects.get(title="Spring gathering")
    local = timezone.localtime(meeting.starts_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2027, 3, 27, 14, 30)
    audit.assert_clean()
