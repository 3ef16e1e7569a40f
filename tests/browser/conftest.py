"""Real-browser fixtures: Chromium or a clear skip, a default timeout, and an accessibility audit.

Without Chromium these tests skip on a developer's machine; with REQUIRE_BROWSER=1
(as in CI) a missing Chromium is a failure instead.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import PASSWORD, require

TIMEOUT_MS = 10_000  # generous for a slow CI machine, short enough that a wrong locator fails fast
NARROW_WIDTH = 320  # WCAG 1.4.10 reflow: content must fit 320 CSS pixels without scrolling sideways
# True once htmx has no request in flight and nothing left to swap or settle. htmx moves focus to an
# [autofocus] element only when it settles (20 ms after the swap), so keys pressed before then race it.
SETTLED = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
SHOTS_DIR = Path(os.environ.get("SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")  # outside the repository


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    # Session-scoped and autouse so it runs before pytest-playwright launches the browser.
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require(Path(path).exists(), f"Chromium not found at {path}", env="REQUIRE_BROWSER")
    expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's wait_for_function evaluates its predicate (SETTLED) with eval, which the app's
    # Content-Security-Policy rightly refuses. tests/browser/test_csp.py opens a context that keeps the policy.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory, with our default timeout on every context (and so on `page`)."""

    def _new_context(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    return _new_context


# Elements whose right edge passes the viewport: the outermost ones, and any positioned ones (which can
# escape a scrolling box that is not their containing block), described as tag#id.class.
_WIDEST_JS = """width => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > width + 1
    && (!(e.parentElement && e.parentElement.getBoundingClientRect().right > width + 1)
        || ['absolute', 'fixed'].includes(getComputedStyle(e).position)))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
    + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)')"""


class PageAudit:
    """Checks each page a journey visits and keeps every problem, so one run reports them all.

    For each page: axe-core finds no violations, there is exactly one h1, and at
    320px wide nothing scrolls sideways. A screenshot of each width goes to SHOTS_DIR.
    """

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.checked: list[str] = []
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)

    def check(self, page: Page, name: str) -> None:
        self.checked.append(name)
        results = self.axe.run(page)
        if results.violations_count:
            self.problems.append(f"axe on {name} ({page.url}):\n{results.generate_report()}")
        headings = page.locator("h1").count()
        if headings != 1:
            self.problems.append(f"{name} ({page.url}) has {headings} h1 elements, not one")
        page.screenshot(path=SHOTS_DIR / f"{name}.png", full_page=True)

        wide = page.viewport_size
        page.set_viewport_size({"width": NARROW_WIDTH, "height": 720})
        try:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > NARROW_WIDTH:
                culprits = page.evaluate(_WIDEST_JS, NARROW_WIDTH)
                self.problems.append(
                    f"{name} ({page.url}) scrolls sideways at {NARROW_WIDTH}px: {scroll_width}px wide; "
                    f"the outermost elements sticking out: {culprits}"
                )
            page.screenshot(path=SHOTS_DIR / f"{name}-{NARROW_WIDTH}.png", full_page=True)
        finally:
            if wide is not None:
                page.set_viewport_size(wide)

    def assert_clean(self) -> None:
        assert self.checked, "no page was audited"
        assert not self.problems, "\n\n".join(self.problems)


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in with the cast's password, from the sign-in page, and land on one's sites."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your pilot sites")).to_be_visible()


@pytest.fixture
def audit() -> PageAudit:
    return PageAudit()


def fill_date(page: Page, legend: str, when: str) -> None:
    """Type an ISO date ("2031-03-13") or date and time ("2031-03-13T18:30") into GOV.UK's day / month / year
    boxes (and the time box) of the fieldset with this legend (systemsleader.forms.GovukDateField)."""
    group = page.get_by_role("group", name=legend, exact=True)
    parsed = dt.datetime.fromisoformat(when)
    group.get_by_label("Day").fill(str(parsed.day))
    group.get_by_label("Month").fill(str(parsed.month))
    group.get_by_label("Year").fill(str(parsed.year))
    if "T" in when:
        group.get_by_label("Time").fill(parsed.strftime("%H:%M"))
