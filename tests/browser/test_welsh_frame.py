"""Issue 15 in a real browser: the switcher works by keyboard at 320px, and the sign-in page's errors, title
and error summary then speak Welsh; axe-core stays clean in both languages."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import PageAudit


def test_a_visitor_switches_to_cymraeg_by_keyboard_and_gets_welsh_errors(
    page: Page, live_server: LiveServer, audit: PageAudit
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/accounts/login/")
    switcher = page.get_by_role("navigation", name="Language")
    expect(switcher.locator("[aria-current]")).to_have_text("English")
    switcher.get_by_role("button", name="Cymraeg").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    expect(page.get_by_role("navigation", name="Iaith").locator("[aria-current]")).to_have_text("Cymraeg")
    audit.check(page, "sign-in-cy")

    page.get_by_role("button", name="Mewngofnodi").press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Gwall: Mewngofnodi · Systems Leader")
    expect(summary.get_by_role("link")).to_have_text(["Rhowch eich cyfeiriad e-bost", "Rhowch eich cyfrinair"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Cyfeiriad e-bost")).to_be_focused()
    audit.check(page, "sign-in-cy-errors")
    audit.assert_clean()
