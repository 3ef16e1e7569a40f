"""Convening a site in a real Chromium: import 100 leaders (fixing five bad rows), invite them, and a
leader signs in from the emailed link. Every page is checked with axe-core and at 320px wide."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import BrowserContext, FilePayload, Page, expect

from network.models import Membership
from network.services import agency_create, site_create
from tests.browser.conftest import PageAudit
from tests.conftest import PASSWORD, make_user

SITE_NAME = "Kirklees Together"
HEADER = "name,email,agency,sector,role_title"
AGENCIES = [("Kirklees Council", "Local authority"), ("Locala Health", "NHS"), ("Kirklees Fire", "Fire")]


def good_row(i: int) -> str:
    agency, sector = AGENCIES[i % len(AGENCIES)]
    return f"Łeader Ñumber {i:03},leader{i:03}@kirklees.example,{agency},{sector},Director {i}"


def spreadsheet(bad: bool) -> bytes:
    rows = [good_row(i) for i in range(100)]
    if bad:
        rows[3] = "Leader 003,,Kirklees Council,,"  # missing email
        rows[17] = "Leader 017,leader017-at-kirklees,Kirklees Council,,"  # malformed email
        rows[42] = "Leader 042,leader042@kirklees.example,Kirklees Army,Army,"  # unknown sector
        rows[64] = "Leader 064,leader064@kirklees.example,Nowhere Trust,,"  # unknown agency
        rows[88] = "Leader 088,leader000@kirklees.example,Locala Health,,"  # duplicate of row 0
    return ("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def upload(page: Page, data: bytes) -> None:
    payload: FilePayload = {"name": "leaders.csv", "mimeType": "text/csv", "buffer": data}
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(files=[payload])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_imports_invites_and_signs_a_leader_in(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    mailoutbox: list[EmailMessage],
    settings,
    audit: PageAudit,
) -> None:
    base = live_server.url
    settings.SITE_URL = base
    enabler = make_user("erin@kirklees.example", "Erin Shaw")
    site = site_create(creator=enabler, name=SITE_NAME, place="Kirklees")
    agency_create(site=site, name="Kirklees Council", sector="local_authority")

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(enabler.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/sites/{site.slug}/")
    page.get_by_role("navigation", name=SITE_NAME).get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import agencies and leaders")
    expect(page.get_by_role("link", name="Download the template (CSV)")).to_be_visible()
    audit.check(page, "import")

    # Five bad rows, each shown with its reason; nothing is saved yet.
    upload(page, spreadsheet(bad=True))
    problems = page.get_by_role("region", name="Rows with problems (5)")
    expect(problems.get_by_role("row")).to_have_count(6)
    for message in ["Missing email.", "Malformed email", "Unknown sector “Army”", "Unknown agency “Nowhere Trust”"]:
        expect(problems.get_by_text(message)).to_be_visible()
    expect(problems.get_by_text("Duplicate: leader000@kirklees.example is also on row 2.")).to_be_visible()
    expect(page.get_by_role("button", name="Import 95 rows")).to_be_visible()
    audit.check(page, "import-preview-errors")
    assert not Membership.objects.filter(site=site, role="leader").exists()

    # The enabler fixes the file and uploads it again: all 100 are good.
    upload(page, spreadsheet(bad=False))
    expect(page.get_by_text("100 ready to import")).to_be_visible()
    audit.check(page, "import-preview-clean")
    page.get_by_role("button", name="Import 100 rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    expect(page.get_by_role("status")).to_have_text("Imported 100 people and 2 new agencies.")
    assert Membership.objects.filter(site=site, role="leader").count() == 100
    audit.check(page, "invitations-pending")

    # Invite everyone at once; the page shows each person's status.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name="Invite everyone not yet invited (100)").click()
    expect(page.get_by_role("status")).to_have_text("Sending 100 invitations.")
    expect(page.get_by_role("row", name=re.compile("Łeader Ñumber 007")).get_by_role("cell").nth(2)).to_contain_text(
        "Invited"
    )
    audit.check(page, "invitations-sent")
    assert len(mailoutbox) == 100

    page.get_by_role("navigation", name=SITE_NAME).get_by_role("link", name="Who is missing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is missing")
    expect(page.get_by_role("row", name="Invited, not yet accepted")).to_contain_text("100")
    audit.check(page, "dashboard")

    # A leader follows the emailed link in their own browser and lands on the site, signed in.
    email = next(m for m in mailoutbox if m.to == ["leader007@kirklees.example"])
    link = re.search(r"https?://\S+/accounts/link/\S+/", str(email.body))
    assert link, email.body
    leader = new_context().new_page()
    leader.goto(link.group(0))
    expect(leader.get_by_role("heading", level=1)).to_have_text("Sign in to Systems Leader")
    audit.check(leader, "sign-in-link")
    leader.get_by_role("button", name="Sign in").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    expect(leader.get_by_text("You are a leader for Locala Health in")).to_be_visible()
    audit.check(leader, "leader-landed")

    # The same link again says it has been used, and offers a fresh one.
    other = new_context().new_page()
    other.goto(link.group(0))
    expect(other.get_by_role("heading", level=1)).to_have_text("This link has been used")
    audit.check(other, "sign-in-link-used")
    other.get_by_role("button", name="Email me a fresh link").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Check your email")
    audit.check(other, "sign-in-link-sent")

    leader.get_by_role("link", name="Profile").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Your profile")
    audit.check(leader, "profile")

    page.reload()
    expect(page.get_by_role("row", name="Accepted 1", exact=True)).to_be_visible()
    audit.assert_clean()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_enabler_changes_roles_removes_and_restores_and_a_leader_asks_for_a_link(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    mailoutbox: list[EmailMessage],
    settings,
    audit: PageAudit,
) -> None:
    from network.services import member_add

    # Rate limits start afresh in a cache of this test's own, never the shared Redis (tested in test_invitations).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "convening"}}
    base = live_server.url
    settings.SITE_URL = base
    enabler = make_user("erin@kirklees.example", "Erin Shaw")
    site = site_create(creator=enabler, name=SITE_NAME, place="Kirklees")
    council = agency_create(site=site, name="Kirklees Council", sector="local_authority")
    fire = agency_create(site=site, name="Kirklees Fire", sector="fire")
    leader = member_add(site=site, name="Priya Shah", email="priya@kirklees.example", agency=council)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(enabler.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/sites/{site.slug}/people/")
    page.get_by_role("link", name="Priya Shah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    audit.check(page, "member-edit")
    page.get_by_label("Role", exact=True).select_option(label="Coordinator")
    page.get_by_label("Role title").fill("Head of Partnerships")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved the changes to Priya Shah.")
    page.get_by_role("button", name="Remove Priya Shah").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure you want to remove Priya Shah")
    audit.check(page, "member-remove-confirm")
    page.get_by_role("button", name="Yes, remove Priya Shah").click()
    expect(page.get_by_role("status")).to_have_text("Removed Priya Shah. Their past votes still count.")

    page.goto(f"{base}/sites/{site.slug}/people/")
    page.get_by_role("link", name="Kirklees Fire").click()
    audit.check(page, "agency-edit")
    page.get_by_role("button", name="Archive Kirklees Fire").click()
    expect(page.get_by_role("status")).to_have_text("Archived Kirklees Fire.")

    page.get_by_role("navigation", name=SITE_NAME).get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity")
    log = page.get_by_role("table", name=re.compile("Who changed what"))
    expect(log.get_by_role("row").nth(1)).to_contain_text("Archived the agency Kirklees Fire")
    expect(log).to_contain_text("Removed Priya Shah")
    expect(log).to_contain_text("role from leader to coordinator")
    audit.check(page, "activity")
    page.get_by_role("link", name="Priya Shah").click()
    page.get_by_role("button", name="Restore Priya Shah").click()
    expect(page.get_by_role("status")).to_have_text("Restored Priya Shah.")
    leader.refresh_from_db()
    fire.refresh_from_db()
    assert leader.archived_at is None and leader.role == "coordinator" and fire.archived_at is not None

    # Priya asks for a sign-in link from the sign-in page, and uses it.
    priya = new_context().new_page()
    priya.goto(f"{base}/accounts/login/")
    priya.get_by_role("link", name="email me a sign-in link").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("Email me a sign-in link")
    audit.check(priya, "sign-in-link-request")
    priya.get_by_label("Email address").fill("PRIYA@kirklees.example")
    priya.get_by_role("button", name="Email me a link").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = re.search(r"https?://\S+/accounts/link/\S+/", str(mailoutbox[-1].body))
    assert link, mailoutbox[-1].body
    priya.goto(link.group(0))
    priya.get_by_role("button", name="Sign in").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    expect(priya.get_by_text("You are a coordinator for Kirklees Council in")).to_be_visible()

    priya.goto(f"{base}/accounts/link/not-a-real-link/")
    expect(priya.get_by_role("heading", level=1)).to_have_text("This link does not work")
    audit.check(priya, "sign-in-link-invalid")
    audit.assert_clean()
