"""Issue 10 item 12 in a real Chromium: the main pages load (htmx included) and print without one
Content-Security-Policy violation, and the policy does refuse an inline script put into a page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from network import services
from network.models import Membership
from outcomes.services import outcome_propose, round_create_and_open
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.conftest import make_site

# Runs before any page script: records every violation the page reports, and stands in for the print dialog.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => {
  const where = e.sourceFile + ':' + e.lineNumber;
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + where);
});
window.__printed = false;
window.print = () => { window.__printed = true; };
"""


def _violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_pages_report_no_policy_violation(
    browser: Browser, browser_context_args: dict[str, Any], live_server: LiveServer
) -> None:
    # The other browser tests bypass the policy (conftest.py); this one keeps it.
    context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _visit_the_main_pages(page, live_server.url)
    finally:
        context.close()


def _visit_the_main_pages(page: Page, base: str) -> None:
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=3)
    Membership.objects.filter(pk__in=[m.pk for m in leaders]).update(invitation_status="accepted")
    meeting = services.meeting_create(
        alliance=None,
        created_by=coordinator,
        title="Spring meeting",
        starts_at=timezone.now() + dt.timedelta(days=5),
        place="Central Library",
    )
    outcomes = [
        outcome_propose(membership=leaders[i], statement=text, why_it_matters="It matters.")
        for i, text in enumerate(["No one sleeps rough", "Children ready for school"])
    ]
    voting_round = round_create_and_open(membership=enabler, title="What really matters?")
    assert outcomes

    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(LISTEN)

    page.goto(f"{base}/accounts/login/")
    assert _violations(page, console) == []
    sign_in(page, base, coordinator.user.email)
    visited = [
        f"/sites/{site.slug}/",
        f"/sites/{site.slug}/people/",
        f"/sites/{site.slug}/outcomes/",
        f"/sites/{site.slug}/rounds/{voting_round.pk}/",
        f"/sites/{site.slug}/meetings/",
        f"/sites/{site.slug}/meetings/{meeting.pk}/",
        reverse("accessibility"),
        reverse("privacy"),
        reverse("contact"),
    ]
    for path in visited:
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        assert _violations(page, console) == [], path

    # The printable sheet's button works from its static script.
    page.goto(f"{base}/sites/{site.slug}/meetings/{meeting.pk}/sign-in-sheet/")
    page.get_by_role("button", name="Print this sheet").click()
    assert page.evaluate("window.__printed") is True
    assert _violations(page, console) == []

    # And the policy has teeth: an inline script put into the page does not run, and is reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.append(s); }"
    )
    # page.evaluate, not wait_for_function: the latter evals its predicate, which the policy itself refuses.
    for _ in range(50):
        if page.evaluate("window.__violations.length"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__violations")[0].startswith("script-src")
