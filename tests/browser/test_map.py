"""The living map, tried as a new user would: the enabler reads the demo site's map, six leaders answer the
relationship check-in, and a new map shows the change. Every page is checked with axe-core and at 320px."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from network.models import Membership
from outcomes.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SLUG
from tests.browser.conftest import PageAudit


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your pilot sites")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enabler_reads_the_demo_map_and_a_new_map_shows_the_check_in(
    page: Page, new_context: Callable[..., BrowserContext], live_server: LiveServer, audit: PageAudit
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    base = live_server.url
    map_url = f"{base}/sites/{DEMO_SLUG}/map/"

    # 1. The enabler finds the map in the site's menu and reads it, words first.
    _sign_in(page, base, "enabler@northbrook.example")
    page.goto(f"{base}/sites/{DEMO_SLUG}/")
    page.get_by_role("navigation", name="Northbrook Together").get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who works with whom")
    page.get_by_role("link", name="Agencies", exact=True).click()
    summary = page.get_by_role("region", name="What the map says")
    expect(summary).to_contain_text("Sectors with no tie to the rest: Business")
    expect(summary).to_contain_text("Northbrook Council for Voluntary Service — alone connects two parts of the map")
    expect(page.get_by_role("region", name="Going quiet")).to_contain_text("Eastshire Fire and Rescue Service")
    expect(page.get_by_role("table", name="Agencies")).to_contain_text("Northbrook Chamber of Commerce")
    audit.check(page, "map-agencies")
    page.get_by_role("link", name="People (enablers only)").click()
    expect(page.get_by_role("region", name="What the map says")).to_contain_text("alone connects two parts")
    audit.check(page, "map-people")

    # 2. Six leaders answer the check-in, among them the three of the Chamber of Commerce.
    chamber = Membership.objects.filter(site__slug=DEMO_SLUG, agency__name="Northbrook Chamber of Commerce")
    emails = [m.user.email for m in chamber.select_related("user")]
    emails += ["leader01@northbrook.example", "leader02@northbrook.example", "leader03@northbrook.example"]
    assert len(emails) == 6
    for n, email in enumerate(emails):
        leader = new_context().new_page()
        _sign_in(leader, base, email)
        leader.goto(map_url)
        leader.get_by_role("link", name="Answer the relationship check-in", exact=False).click()
        expect(leader.get_by_role("heading", level=1)).to_have_text("Relationship check-in")
        if n == 0:  # a wrong answer first: explained, nothing saved
            leader.get_by_role("button", name="Save answer").click()
            expect(leader.get_by_role("alert")).to_contain_text("Choose someone you work with.")
            audit.check(leader, "map-checkin-error")
        leader.get_by_label("Who do you work with?").select_option(index=1 + n)
        leader.get_by_label("Every month or so").check()
        leader.get_by_role("radio", name="4").check()
        leader.get_by_role("button", name="Save answer").click()
        expect(leader.get_by_role("status")).to_contain_text("Saved your answer")
        expect(leader.get_by_role("table", name="The people you said you work with")).to_be_visible()
        if n == 0:
            audit.check(leader, "map-checkin")
        if n == 5:  # the last one thinks better of withdrawing everything, when asked
            leader.get_by_role("button", name="Withdraw all my answers").click()
            expect(
                leader.get_by_role("heading", name="Are you sure you want to withdraw all your answers?")
            ).to_be_visible()
            audit.check(leader, "map-checkin-withdraw-all")
            leader.get_by_role("link", name="No, keep them").click()
            expect(leader.get_by_role("table", name="The people you said you work with")).to_be_visible()
        leader.context.close()

    # 3. The enabler makes a new map: business is no longer cut off, and the check-in shows in totals.
    page.goto(map_url + "?level=agencies")
    page.get_by_role("button", name="Make a new map now").click()
    expect(page.get_by_role("status")).to_contain_text("A new map is being made")
    page.goto(map_url + "?level=agencies")
    expect(page.get_by_role("region", name="What the map says")).to_contain_text(
        "Every sector has a tie to at least one other sector."
    )
    expect(page.get_by_role("table", name="By sector")).to_be_visible()
    expect(page.get_by_role("region", name="Compare with an earlier map")).to_be_visible()
    audit.check(page, "map-after-check-in")
    audit.assert_clean()
