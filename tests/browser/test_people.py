"""The people page of a big site in a real Chromium: search as you type, pages by link and by keyboard,
and the same without script. Checked with axe-core, for one h1, and at 320px wide (conftest.PageAudit).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from network.models import Membership, Role, User
from tests.browser.conftest import PageAudit, sign_in
from tests.conftest import make_site


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enabler_finds_people_in_a_site_of_hundreds(
    page: Page, new_context: Callable[..., BrowserContext], live_server: LiveServer, audit: PageAudit
) -> None:
    base = live_server.url
    site, agencies, enabler, _, _ = make_site("ashby")
    users = User.objects.bulk_create(
        User(email=f"person{i:03d}@ashby.example", name=f"Person {i:03d}") for i in range(300)
    )
    Membership.objects.bulk_create(
        Membership(site=site, user=user, role=Role.LEADER, agency=agencies[i % 3]) for i, user in enumerate(users)
    )
    people_url = f"{base}/sites/{site.slug}/people/"
    sign_in(page, base, enabler.user.email)
    page.goto(people_url)
    expect(page.get_by_role("heading", name="People (305)")).to_be_visible()
    expect(page.locator("#people-list tbody tr")).to_have_count(50)
    audit.check(page, "people-paged")

    # A page link by keyboard: the list swaps, the address follows, focus lands on the list's heading.
    pages = page.get_by_role("navigation", name="Pages of people")
    pages.get_by_role("link", name="Page 2").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{people_url}?page=2")
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="People (305)")).to_be_focused()

    # Search as you type: only the list swaps, so the search box keeps focus.
    search = page.get_by_label("Find people")
    search.fill("person 02")
    expect(page.get_by_role("heading", name="10 people match “person 02”")).to_be_visible()
    expect(search).to_be_focused()
    audit.check(page, "people-searched")

    # Without script, the same search and pages are plain links and a plain form.
    plain = new_context(java_script_enabled=False).new_page()
    sign_in(plain, base, enabler.user.email)
    plain.goto(people_url)
    plain.get_by_label("Find people").fill("ashby police")
    plain.get_by_role("button", name="Search", exact=True).click()
    expect(plain).to_have_url(f"{people_url}?q=ashby+police")
    expect(plain.get_by_role("heading", name="101 people match “ashby police”")).to_be_visible()
    plain.get_by_role("link", name="Next page").click()
    expect(plain).to_have_url(f"{people_url}?q=ashby%20police&page=2")
    expect(plain.locator("#people-list tbody tr")).to_have_count(50)
    audit.assert_clean()
