"""A meeting for everyone in a site that has no alliance, in a real Chromium: the coordinator calls it,
every member is emailed, a capacity of one puts the second "Going" on the waiting list, and when the
first person drops out the place goes to the next in line by email. The list page's calendar feed holds it.
Every page visited is checked with axe-core, for one h1, and at 320px wide (see conftest.PageAudit).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from network.models import Membership
from tests.browser.conftest import PageAudit, fill_date, sign_in
from tests.conftest import make_site

TITLE = "Ashby network: spring meeting"


def link_in(message: EmailMessage, label: str) -> str:
    """The one-click link after "- <label>: " in a plain-text email."""
    found = re.search(rf"^- {re.escape(label)}: (\S+)$", str(message.body), re.MULTILINE)
    assert found is not None, f"no {label!r} link in {message.subject!r}:\n{message.body}"
    return found.group(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_site_wide_meeting_fills_up_and_passes_a_freed_place_on(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    mailoutbox: list[EmailMessage],
    settings: Settings,
    audit: PageAudit,
) -> None:
    base = live_server.url
    settings.SITE_URL = base  # emailed links point at the live server
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=3)  # and no alliance
    Membership.objects.filter(pk__in=[m.pk for m in leaders]).update(invitation_status="accepted")  # invited
    meetings_url = f"{base}/sites/{site.slug}/meetings/"

    # 1. The coordinator finds Meetings in the site's navigation and calls a meeting for everyone.
    dana = page
    sign_in(dana, base, coordinator.user.email)
    dana.goto(f"{base}/sites/{site.slug}/")
    dana.get_by_role("navigation", name=site.name).get_by_role("link", name="Meetings", exact=True).click()
    expect(dana).to_have_url(meetings_url)
    expect(dana.get_by_role("heading", level=1)).to_have_text("Meetings")
    expect(dana.get_by_text("No meetings yet.")).to_be_visible()
    audit.check(dana, "site-meetings-empty")
    dana.get_by_role("link", name="Create a meeting").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Create a meeting")
    who = dana.get_by_role("group", name="Who is invited")
    expect(who.get_by_role("radio")).to_have_count(1)  # no alliance, so nothing else to offer
    expect(who.get_by_role("radio", name="Everyone in the site")).to_be_checked()
    dana.get_by_label("Title").fill(TITLE)
    fill_date(dana, "Starts at", "2031-03-13T18:30")
    dana.get_by_label("Place").fill("Ashby Library")
    dana.get_by_label("How many people can come").fill("1")
    audit.check(dana, "site-meeting-create-filled")
    dana.get_by_role("button", name="Create meeting").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text(TITLE)
    details = dana.locator("dl.details")
    expect(details.locator("dt:text-is('For') + dd")).to_have_text("Everyone in the site")
    audit.check(dana, "site-meeting-detail")

    # 2. Every active member was emailed; with one place, the first "Going" gets it and the second waits.
    members = [enabler, coordinator, *leaders]
    invitations = [m for m in mailoutbox if str(m.subject).endswith(TITLE)]
    assert sorted(m.to[0] for m in invitations) == sorted(member.user.email for member in members)

    def invitation_for(index: int) -> EmailMessage:
        (message,) = [m for m in invitations if m.to == [leaders[index].user.email]]
        return message

    first = new_context().new_page()
    first.goto(link_in(invitation_for(0), "Yes, I am going"))
    expect(first.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(first.get_by_text("Replying as Leader 0 of Ashby")).to_be_visible()
    expect(first.get_by_label("Going", exact=True)).to_be_checked()
    audit.check(first, "site-rsvp-from-email")
    first.get_by_role("button", name="Save my reply").click()
    expect(first.get_by_role("status").filter(has_text="Thanks")).to_have_text("Thanks, your reply is saved: Going.")

    second = new_context().new_page()
    second.goto(link_in(invitation_for(1), "Yes, I am going"))
    expect(second.get_by_label("Going", exact=True)).to_be_checked()
    second.get_by_role("button", name="Save my reply").click()
    expect(second.get_by_role("status").filter(has_text="Thanks")).to_have_text(
        "Thanks, your reply is saved: you are on the waiting list, and will get a place if one frees up."
    )
    audit.check(second, "site-rsvp-waitlisted")

    # 3. The first drops out from their email; the place goes to the second, who is told by email.
    mailoutbox.clear()
    first.goto(link_in(invitation_for(0), "No, I am not going"))
    expect(first.get_by_label("Not going", exact=True)).to_be_checked()
    first.get_by_role("button", name="Save my reply").click()
    expect(first.get_by_role("status").filter(has_text="Thanks")).to_have_text(
        "Thanks, your reply is saved: Not going."
    )
    places = [m for m in mailoutbox if str(m.subject).endswith(f"A place for you: {TITLE}")]
    assert [m.to for m in places] == [[leaders[1].user.email]]
    second.goto(link_in(places[0], "No, I am not going"))
    expect(second.get_by_text("Your reply so far: Going.")).to_be_visible()  # off the waiting list now
    expect(second.get_by_label("Not going", exact=True)).to_be_checked()
    audit.check(second, "site-rsvp-from-place-email")
    second.get_by_role("button", name="Save my reply").click()
    expect(second.get_by_role("status").filter(has_text="Thanks")).to_have_text(
        "Thanks, your reply is saved: Not going."
    )

    # 4. The list shows the meeting, for everyone, and the coordinator's calendar feed holds it.
    dana.goto(meetings_url)
    row = dana.get_by_role("row").filter(has=dana.get_by_role("link", name=TITLE))
    expect(row.get_by_role("cell").nth(1)).to_have_text("Everyone in the site")
    audit.check(dana, "site-meetings-listed")
    feed_url = dana.get_by_role("link", name="your calendar feed").get_attribute("href")
    assert feed_url is not None
    feed = dana.request.get(feed_url)
    assert feed.ok, f"{feed_url} answered {feed.status}"
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [TITLE]
    assert events[0].decoded("DTSTART").isoformat() == "2031-03-13T18:30:00+00:00"
    assert "Ashby Library" in str(events[0]["LOCATION"])

    # 5. The address was shared too widely: a new one, and the old one stops answering.
    dana.get_by_role("button", name="Get a new feed address").click()
    expect(dana.get_by_role("status")).to_contain_text("Your calendar feed has a new address")
    new_url = dana.get_by_role("link", name="your calendar feed").get_attribute("href")
    assert new_url is not None and new_url != feed_url
    assert dana.request.get(feed_url).status == 404
    assert dana.request.get(new_url).ok
    audit.check(dana, "site-meetings-new-feed-address")

    audit.assert_clean()
