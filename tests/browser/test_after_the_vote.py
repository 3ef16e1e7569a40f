"""After the vote, in a real Chromium (issue 12's "done when"): a coordinator records a meeting's actions;
a leader checks in from the emailed link without signing in and another drops a commitment with a
reason; the enabler uploads a year of measure updates with two bad rows, fixes them and sees the
curve; the story page tells it all in order. Every page is checked with axe-core, for one h1 and at
320px wide (conftest.PageAudit).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import BrowserContext, FilePayload, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from network import digests, services
from network.models import Commitment, Meeting
from network.services.commitments import commitment_add
from outcomes.services import outcome_propose
from tests.browser.conftest import PageAudit, fill_date, sign_in
from tests.conftest import make_site
from tests.outcomes.adopted import adopt

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(weeks=53)


def _year_csv(*, bad: bool) -> bytes:
    rows = ["date,value,note"]
    for week in range(1, 53):
        rows.append(f"{(START + dt.timedelta(weeks=week)).isoformat()},{46 - week // 2},")
    rows[20] = rows[20].rsplit(",", 1)[0] + ",Outreach began on Friday nights"
    if bad:
        rows[5] = "32/13/2025,43,"  # row 6: no such date
        rows[30] = f"{(START + dt.timedelta(weeks=30)).isoformat()},about thirty,"  # row 31: not a number
    return ("\r\n".join(rows) + "\r\n").encode()


def _upload(page: Page, data: bytes, name: str) -> None:
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": data}
    page.get_by_label("CSV or Excel file").set_input_files(files=[payload])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the upload")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_the_vote_from_actions_to_the_story(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    mailoutbox: list[EmailMessage],
    settings: Settings,
    audit: PageAudit,
) -> None:
    base = live_server.url
    settings.SITE_URL = base
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=3)
    cast = SimpleNamespace(enabler=enabler, leaders=leaders)
    candidates = [
        outcome_propose(membership=leaders[0], statement="No one sleeps rough", why_it_matters="Everyone meets them."),
        outcome_propose(membership=leaders[1], statement="Children ready for school", why_it_matters="Early years."),
    ]
    outcome, alliance = adopt(cast, candidates)  # type: ignore[arg-type]
    five_weeks_ago = timezone.now() - dt.timedelta(weeks=5)
    for leader, action in zip(
        leaders[:2],
        ["Share our eviction list with outreach", "Hold three beds for people leaving custody"],
        strict=True,
    ):
        commitment_add(
            alliance=alliance,
            membership=leader,
            action=action,
            due_on=TODAY + dt.timedelta(days=90),
            now=five_weeks_ago,
        )
    meeting = services.meeting_create(
        alliance=alliance,
        created_by=coordinator,
        title="Alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="Ashby Library",
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(days=1))
    site_url = f"{base}/sites/{site.slug}/"

    # 1. The coordinator records the meeting's notes, decisions and an action.
    sign_in(page, base, coordinator.user.email)
    page.goto(f"{site_url}meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record notes, decisions and actions").click()
    audit.check(page, "meeting-record")
    page.get_by_role("textbox", name="Decisions").fill("Open the hub on Fridays.")
    page.get_by_role("button", name="Save notes and decisions").click()
    expect(page.get_by_text("Notes and decisions saved.")).to_be_visible()
    page.get_by_role("button", name="Add action").click()  # empty: errors by the fields, nothing saved
    expect(page.get_by_text("Enter what is to be done").first).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Map every hostel bed")
    page.get_by_label("Owner").select_option(label=leaders[2].user.name)
    fill_date(page, "Due by", (TODAY + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("cell", name="Map every hostel bed", exact=True)).to_be_visible()
    audit.check(page, "meeting-record-with-action")

    # 2. The weekly digest asks each owner, once, how their commitment is going.
    key = digests.weekly_key(alliance=alliance, when=timezone.now())
    mailoutbox.clear()
    digests.digest_send(key=key)
    digests.digest_send(key=key)
    asked = {m.to[0]: m for m in mailoutbox if "HOW ARE YOUR COMMITMENTS GOING?" in str(m.body)}
    assert sorted(asked) == sorted([leaders[0].user.email, leaders[1].user.email])
    assert len([m for m in mailoutbox if m.to == [leaders[0].user.email]]) == 1

    # 3. Leader 0 says "on track" from the link, without signing in.
    on_track = re.search(r"On track: (\S+)", str(asked[leaders[0].user.email].body))
    assert on_track is not None
    guest = new_context().new_page()
    guest.goto(on_track.group(1))
    expect(guest.get_by_role("heading", level=1)).to_have_text("How is your commitment going?")
    expect(guest.get_by_label("On track")).to_be_checked()
    audit.check(guest, "checkin-from-email")
    guest.get_by_role("button", name="Save my check-in").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("Thank you, your check-in is saved")
    audit.check(guest, "checkin-saved")

    # 4. Leader 1 drops theirs, and is asked one line of why.
    dropped = re.search(r"Dropped: (\S+)", str(asked[leaders[1].user.email].body))
    assert dropped is not None
    other = new_context().new_page()
    other.goto(dropped.group(1))
    other.get_by_role("button", name="Save my check-in").click()
    expect(other.get_by_text("Say in one line why.").first).to_be_visible()
    audit.check(other, "checkin-needs-why")
    other.get_by_label("In one line, why?").fill("The council's triage team does this better")
    other.get_by_role("button", name="Save my check-in").click()
    expect(other.get_by_text("helps the alliance learn")).to_be_visible()
    other.goto(dropped.group(1))  # closed now: a clear refusal
    expect(other.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    audit.check(other, "checkin-closed")
    assert Commitment.objects.get(member__membership=leaders[1]).status == "dropped"

    # 5. The action's owner marks it done from the digest's link.
    action_mail = next(m for m in mailoutbox if m.to == [leaders[2].user.email])
    done = re.search(r"Mark it done: (\S+)", str(action_mail.body))
    assert done is not None
    owner = new_context().new_page()
    owner.goto(done.group(1))
    audit.check(owner, "action-from-email")
    owner.get_by_role("button", name="Mark it done").click()
    expect(owner.get_by_text("Thank you: marked done.")).to_be_visible()

    # 6. The enabler names an indicator and uploads a year of it, fixing two bad rows first.
    enabler_page = new_context().new_page()
    sign_in(enabler_page, base, enabler.user.email)
    enabler_page.goto(f"{site_url}alliance/")
    audit.check(enabler_page, "alliance-with-commitments")
    enabler_page.get_by_role("link", name="The measure: is the curve turning?").click()
    enabler_page.get_by_label("Indicator", exact=True).fill("People sleeping rough")
    enabler_page.get_by_role("textbox", name="Unit").fill("people")
    enabler_page.get_by_role("textbox", name="Source").fill("Council street count")
    enabler_page.get_by_label("Lower is better").check()
    enabler_page.get_by_label("Baseline value").fill("46")
    fill_date(enabler_page, "Baseline date", START.isoformat())
    enabler_page.get_by_label("Target (optional)", exact=True).fill("15")
    fill_date(enabler_page, "Target date (optional)", (TODAY + dt.timedelta(days=365)).isoformat())
    audit.check(enabler_page, "measure-add-indicator")
    enabler_page.get_by_role("button", name="Add indicator").click()
    expect(enabler_page.get_by_role("heading", level=1)).to_have_text("People sleeping rough")
    enabler_page.get_by_role("link", name="Upload many updates from a CSV or Excel file").click()
    audit.check(enabler_page, "measure-upload")
    _upload(enabler_page, _year_csv(bad=True), "year.csv")
    expect(enabler_page.get_by_text("2 rows need fixing")).to_be_visible()
    expect(enabler_page.get_by_text(re.compile(r"Row 6: .*not a date we can read"))).to_be_visible()
    expect(enabler_page.get_by_text(re.compile(r"Row 31: .*is not a number"))).to_be_visible()
    audit.check(enabler_page, "measure-upload-bad-rows")
    enabler_page.get_by_role("link", name="Upload a corrected file").click()
    _upload(enabler_page, _year_csv(bad=False), "year-fixed.csv")
    audit.check(enabler_page, "measure-upload-preview")
    enabler_page.get_by_role("button", name="Save 52 updates").click()
    expect(enabler_page.get_by_text("52 updates saved.")).to_be_visible()
    chart = enabler_page.get_by_role("img", name="People sleeping rough: the curve so far")
    expect(chart).to_be_visible()
    expect(enabler_page.locator("#chart-desc")).to_contain_text("The trend is falling")
    expect(enabler_page.get_by_role("cell", name="Outreach began on Friday nights")).to_be_visible()
    audit.check(enabler_page, "indicator-with-curve")

    # 7. The story tells it in order, newest first, and filters by kind.
    enabler_page.goto(f"{base}/sites/{site.slug}/outcomes/{outcome.pk}/story/")
    audit.check(enabler_page, "story")
    story = enabler_page.locator("#events").inner_text()
    order = [
        "did: Map every hostel bed",
        "checked in on “Hold three beds for people leaving custody”: Dropped",
        "checked in on “Share our eviction list with outreach”: On track",
        "committed: Share our eviction list",
        "joined the alliance, pledging",
        "Adopted as the outcome",
        "Voting round “Spring round” closed",
        "proposed “No one sleeps rough”",
    ]
    positions = [story.index(words) for words in order]
    assert positions == sorted(positions), story
    enabler_page.get_by_label("Show").select_option(label="Check-ins")
    enabler_page.get_by_role("button", name="Filter").click()
    expect(enabler_page.locator("#events")).to_contain_text("The council's triage team does this better")
    expect(enabler_page.locator("#events")).not_to_contain_text("Adopted as the outcome")
    enabler_page.get_by_role("link", name="Printable handover pack").click()
    expect(enabler_page.get_by_role("heading", level=1)).to_have_text("Handover pack")
    audit.check(enabler_page, "handover-pack")
    audit.assert_clean()
