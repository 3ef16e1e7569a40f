"""Issue 14 in a real Chromium: what an htmx swap changed is said in the one live region (#messages): a ballot's
move ("Moved … to 1st") and the attendance count ("1 of 3 here"); and a leader's overview says "Vote now"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from network import services
from outcomes.services import outcome_propose, round_create_and_open
from tests.browser.conftest import SETTLED, PageAudit, sign_in
from tests.conftest import make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_ballot_move_is_announced(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
    site, _, enabler, _, leaders = make_site("ashby", leader_count=2)
    rough = outcome_propose(membership=leaders[1], statement="Nobody sleeps rough", why_it_matters="Everyone.")
    outcome_propose(membership=leaders[1], statement="Safe streets after dark", why_it_matters="Fear of crime.")
    voting_round = round_create_and_open(membership=enabler, title="Spring round")
    sign_in(page, live_server.url, leaders[0].user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/")
    audit.check(page, "overview-vote-now")
    page.get_by_role("link", name="Vote now").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/sites/{site.slug}/rounds/{voting_round.pk}/")
    expect(page.locator("#ballot-count")).to_contain_text("0 leaders have voted so far")
    expect(page.locator(f"#down-{rough.pk}")).to_have_count(0)  # not ranked: only "Add to my ranking"
    expect(page.locator(f"#up-{rough.pk}")).to_have_text(re.compile("^Add to my ranking"))
    page.locator(f"#up-{rough.pk}").focus()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_function(SETTLED)
    expect(page.locator("#messages .announcement")).to_have_text("Moved “Nobody sleeps rough” to 1st")
    expect(page.locator("#ballot-count")).to_contain_text("1 leader has voted so far")  # out of band, no reload
    expect(page.locator(f"#down-{rough.pk}")).to_be_visible()  # ranked now: it can move down
    audit.check(page, "ballot-after-move")
    audit.assert_clean()


def test_an_attendance_tap_announces_the_count(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
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
    expect(page.locator("#messages .announcement")).to_have_count(0)  # nothing is said on arrival
    invited = page.locator("#attendee-list button").count()
    page.locator("#attendee-list button").first.focus()
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_function(SETTLED)
    expect(page.locator("#messages .announcement")).to_have_text(f"1 of {invited} here")
    audit.check(page, "attendance-announced")
    audit.assert_clean()


def test_a_new_sites_enabler_sees_the_checklist(page: Page, live_server: LiveServer, audit: PageAudit) -> None:
    site, _, enabler, _, _ = make_site("ashby", leader_count=1)
    sign_in(page, live_server.url, enabler.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/")
    checklist = page.get_by_role("region", name="Getting started")
    expect(checklist).to_contain_text("2 of 5 steps done")
    audit.check(page, "overview-checklist")
    checklist.get_by_role("link", name="Send the invitations").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/sites/{site.slug}/invitations/")
    audit.assert_clean()


def test_the_round_form_shows_each_setting_only_for_its_choice(
    page: Page, live_server: LiveServer, audit: PageAudit
) -> None:
    site, _, enabler, _, leaders = make_site("ashby", leader_count=1)
    outcome_propose(membership=leaders[0], statement="Nobody sleeps rough", why_it_matters="Everyone.")
    sign_in(page, live_server.url, enabler.user.email)
    page.goto(f"{live_server.url}/sites/{site.slug}/outcomes/")
    dots = page.get_by_label("Dots per leader")
    group = page.get_by_label("Smallest group shown under a secret ballot")
    expect(dots).to_be_hidden()
    expect(group).to_be_hidden()
    page.get_by_role("radio", name=re.compile("^Dot voting")).check()
    expect(dots).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Secret")).check()
    expect(group).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Approval")).check()
    expect(dots).to_be_hidden()
    audit.check(page, "round-form-by-choice")
    audit.assert_clean()
