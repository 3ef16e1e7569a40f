"""The whole journey, through the UI in a real Chromium.

An enabler sets up a pilot site with its agencies and leaders; the leaders
propose outcomes and rank them; the enabler closes the round; the leaders
commit to the winner and so form an alliance; a coordinator calls a meeting,
a leader replies, and the coordinator downloads who is coming. Every page on
the way is checked with axe-core and at 320px wide (see conftest.PageAudit).

The test at the bottom reads as the list of steps; each step is a function
above it, in the order they happen, sharing one `Journey` (the people's
browser pages and the addresses found on the way).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from network.models import User
from tests.browser.conftest import SETTLED, PageAudit, fill_date, sign_in
from tests.conftest import PASSWORD, make_user

SITE_NAME = "Calder Valley Together"
AGENCIES = [("Calder Council", "Local authority"), ("Calder Valley NHS Trust", "NHS")]
KEYBOARD_AGENCY = ("West Yorkshire Police", "Police")  # added by keyboard alone
LEADERS = [  # name, email, agency, role title
    ("Asha Patel", "asha@calder.example", "Calder Council", "Director of Housing"),
    ("Ben Okafor", "ben@calder.example", "Calder Valley NHS Trust", "Chief Executive"),
    ("Carys Jones", "carys@calder.example", "West Yorkshire Police", "Chief Superintendent"),
]
COORDINATOR = ("Dana Reid", "dana@calder.example")
ROUGH = "No one sleeps rough in the valley"
SCHOOL = "Every child starts school ready to learn"
STREETS = "Streets that feel safe after dark"


def htmx_submit(page: Page, submit: Callable[[], None]) -> None:
    """Submit an htmx form and wait for its response, which may leave the page looking the same."""
    with page.expect_response(lambda response: response.request.method == "POST"):
        submit()
    page.wait_for_load_state()
    page.wait_for_function(SETTLED)  # the response arrives before htmx has swapped and settled it


def tab_to(page: Page, element_id: str, limit: int = 40) -> None:
    """Press Tab from the top of the page until the element with this id has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} was not reached in {limit} presses of Tab")


def rank(page: Page, ranks: dict[str, int]) -> None:
    for statement, position in ranks.items():
        page.get_by_role("spinbutton", name=statement).fill(str(position))
    # Each leader would commit a lot of energy to their first choice: "what really matters" needs energy too.
    first = min(ranks, key=ranks.__getitem__)
    page.get_by_role("group", name=f"Energy you would commit to {first}").get_by_label("A lot").check()
    htmx_submit(page, page.get_by_role("button", name="Save my ballot").click)
    expect(page.locator("#ballot").get_by_role("status")).to_have_text("Your ballot is saved.")


def expect_ranks(page: Page, ranks: dict[str, int]) -> None:
    for statement, position in ranks.items():
        expect(page.get_by_role("spinbutton", name=statement)).to_have_value(str(position))


def propose(page: Page, statement: str, why: str) -> None:
    page.get_by_label("Statement").fill(statement)
    page.get_by_label("Why it matters").fill(why)
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("heading", level=3, name=statement)).to_be_visible()


@dataclass
class Journey:
    """What the steps share: the live server, each person's browser page, and addresses found on the way."""

    base: str
    audit: PageAudit
    mailoutbox: list[EmailMessage]
    new_page: Callable[[], Page]
    enabler: Page
    site_url: str = ""
    round_url: str = ""
    leaders: list[Page] = field(default_factory=list)  # Asha, Ben and Carys, once signed in
    coordinator: Page | None = None


def enabler_sets_up_the_site(j: Journey) -> None:
    enabler = j.enabler
    enabler.goto(f"{j.base}/")
    expect(enabler).to_have_url(re.compile(r"/accounts/login/"))
    j.audit.check(enabler, "login")
    sign_in(enabler, j.base, "erin@calder.example")
    expect(enabler.get_by_text("You are not part of a pilot site yet")).to_be_visible()
    j.audit.check(enabler, "home-empty")

    enabler.get_by_role("link", name="Set up a new pilot site").click()
    expect(enabler.get_by_role("heading", level=1)).to_have_text("Set up a pilot site")
    j.audit.check(enabler, "site-create")
    enabler.get_by_label("Name of the pilot").fill(SITE_NAME)
    enabler.get_by_label("Place").fill("Calder Valley")
    enabler.get_by_label("Description").fill("The valley's public services, working as one.")
    enabler.get_by_role("button", name="Create the site").click()
    expect(enabler.get_by_role("heading", level=1)).to_have_text("Agencies and leaders")
    expect(enabler.get_by_role("status")).to_contain_text(f"{SITE_NAME} is set up")
    j.site_url = enabler.url.removesuffix("people/")
    j.audit.check(enabler, "people-empty")


def enabler_adds_agencies(j: Journey) -> None:
    enabler = j.enabler
    for name, sector in AGENCIES:
        enabler.get_by_label("Agency name").fill(name)
        enabler.get_by_label("Sector").select_option(label=sector)
        htmx_submit(enabler, enabler.get_by_role("button", name="Add agency").click)
        expect(enabler.get_by_role("cell", name=name, exact=True)).to_be_visible()

    # The third agency by keyboard alone: Tab to the field, type, Tab on, choose by typing, Enter.
    enabler.reload()
    tab_to(enabler, "id_agency-name")
    enabler.keyboard.type(KEYBOARD_AGENCY[0])
    enabler.keyboard.press("Tab")
    enabler.keyboard.type(KEYBOARD_AGENCY[1])
    expect(enabler.get_by_label("Sector")).to_have_value("police")
    enabler.keyboard.press("Tab")
    expect(enabler.get_by_role("button", name="Add agency")).to_be_focused()
    htmx_submit(enabler, lambda: enabler.keyboard.press("Enter"))
    expect(enabler.get_by_role("cell", name=KEYBOARD_AGENCY[0], exact=True)).to_be_visible()
    expect(enabler.get_by_role("heading", name="Agencies (3)")).to_be_visible()
    # The page's one live region announces it, and focus stays where the keyboard user left it.
    expect(enabler.get_by_role("status")).to_have_text(f"Added {KEYBOARD_AGENCY[0]}.")
    expect(enabler.get_by_role("button", name="Add agency")).to_be_focused()


def enabler_adds_people(j: Journey) -> None:
    enabler = j.enabler
    # A leader without an agency is refused, with the error tied to the agency field.
    name, email, agency, title = LEADERS[0]
    enabler.get_by_label("Full name").fill(name)
    enabler.get_by_label("Email address").fill(email)
    htmx_submit(enabler, enabler.get_by_role("button", name="Add person").click)
    agency_field = enabler.get_by_role("combobox", name="Agency (optional)")
    expect(agency_field).to_have_attribute("aria-invalid", "true")
    expect(agency_field).to_have_accessible_description(re.compile("A leader needs an agency"))
    expect(enabler.get_by_role("status")).to_be_empty()  # the last success message does not linger
    j.audit.check(enabler, "people-error")

    for i, (name, email, agency, title) in enumerate(LEADERS):
        enabler.get_by_label("Full name").fill(name)
        enabler.get_by_label("Email address").fill(email)
        enabler.get_by_role("combobox", name="Agency (optional)").select_option(label=agency)
        enabler.get_by_label("Role title").fill(title)
        if i == 0:  # by keyboard: Enter in a text field submits its form, and focus stays there
            htmx_submit(enabler, lambda: enabler.get_by_label("Role title").press("Enter"))
            expect(enabler.get_by_label("Role title")).to_be_focused()
        else:
            htmx_submit(enabler, enabler.get_by_role("button", name="Add person").click)
        expect(enabler.get_by_role("cell", name=re.compile(name))).to_be_visible()
    enabler.get_by_label("Full name").fill(COORDINATOR[0])
    enabler.get_by_label("Email address").fill(COORDINATOR[1])
    enabler.get_by_label("Role", exact=True).select_option(label="Coordinator")
    htmx_submit(enabler, enabler.get_by_role("button", name="Add person").click)
    expect(enabler.get_by_role("heading", name="People (5)")).to_be_visible()
    j.audit.check(enabler, "people-full")
    assert j.mailoutbox == []  # adding people emails nobody; inviting them does


def enabler_invites_everyone(j: Journey) -> None:
    """Everyone at once; each invitation goes through Celery."""
    enabler = j.enabler
    enabler.get_by_role("navigation", name=SITE_NAME).get_by_role("link", name="Invitations").click()
    expect(enabler.get_by_role("heading", level=1)).to_have_text("Invitations")
    htmx_submit(enabler, enabler.get_by_role("button", name="Invite everyone not yet invited (4)").click)
    expect(enabler.get_by_role("status")).to_have_text("Sending 4 invitations.")
    j.audit.check(enabler, "invitations")
    invited = sorted([COORDINATOR[1], *(email for _, email, _, _ in LEADERS)])
    assert sorted(m.to[0] for m in j.mailoutbox) == invited


def first_leader_signs_in_from_the_email_and_proposes(j: Journey) -> None:
    """Asha signs in from the emailed link, without a password, lands on the site and proposes."""
    asha = j.new_page()
    invitation = next(m for m in j.mailoutbox if m.to == [LEADERS[0][1]])
    link = re.search(r"https?://\S+/accounts/link/\S+/", str(invitation.body))
    assert link, invitation.body
    asha.goto(link.group(0))
    expect(asha.get_by_role("heading", level=1)).to_have_text("Sign in to Systems Leader")
    expect(asha.get_by_text(LEADERS[0][1])).to_be_visible()
    j.audit.check(asha, "sign-in-link")
    asha.get_by_role("button", name="Sign in").click()
    expect(asha.get_by_role("heading", level=1)).to_have_text(SITE_NAME)
    expect(asha.get_by_text("You are a leader for Calder Council in")).to_be_visible()
    j.audit.check(asha, "site-detail")
    asha.get_by_role("navigation", name=SITE_NAME).get_by_role("link", name="Outcomes").click()
    j.audit.check(asha, "outcomes-leader")
    propose(asha, ROUGH, "Rough sleeping touches every service we run.")
    j.leaders.append(asha)


def other_leaders_propose(j: Journey) -> None:
    """Ben and Carys sign in with passwords set here: the invitation link is proven above."""
    for _, email, _, _ in LEADERS[1:]:
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    ben, carys = j.new_page(), j.new_page()
    for leader_page, (_, email, _, _), statement in [(ben, LEADERS[1], SCHOOL), (carys, LEADERS[2], STREETS)]:
        sign_in(leader_page, j.base, email)
        leader_page.goto(f"{j.site_url}outcomes/")
        propose(leader_page, statement, "It shapes every life in the valley.")
    expect(carys.get_by_role("heading", name="Candidates (3)")).to_be_visible()
    j.leaders += [ben, carys]


def enabler_opens_a_round(j: Journey) -> None:
    enabler = j.enabler
    enabler.goto(f"{j.site_url}outcomes/")
    j.audit.check(enabler, "outcomes-enabler")
    expect(enabler.get_by_label("Round title")).to_have_value("What really matters?")
    enabler.get_by_role("button", name="Open voting").click()
    expect(enabler.get_by_role("heading", level=1)).to_have_text("What really matters?")
    j.audit.check(enabler, "round-open-enabler")
    j.round_url = enabler.url


def leaders_rank_the_outcomes(j: Journey) -> None:
    """Each leader ranks; Ben changes his mind."""
    asha, ben, carys = j.leaders
    asha.goto(f"{j.site_url}outcomes/")
    asha.get_by_role("link", name="What really matters?").click()
    expect(asha.get_by_role("heading", name="Your ballot")).to_be_visible()
    j.audit.check(asha, "round-ballot")
    rank(asha, {ROUGH: 1, SCHOOL: 2, STREETS: 3})

    # Ben's first ballot alone would leave a three-way tie; his second makes ROUGH the clear winner.
    ben.goto(j.round_url)
    rank(ben, {SCHOOL: 1, STREETS: 2, ROUGH: 3})
    ben.reload()
    expect_ranks(ben, {SCHOOL: 1, STREETS: 2, ROUGH: 3})
    rank(ben, {ROUGH: 1, STREETS: 2, SCHOOL: 3})
    ben.reload()
    expect_ranks(ben, {ROUGH: 1, STREETS: 2, SCHOOL: 3})
    expect(ben.locator("#ballot").get_by_role("status")).to_have_text("Your ballot is saved.")

    carys.goto(j.round_url)
    rank(carys, {STREETS: 1, ROUGH: 2, SCHOOL: 3})


def enabler_closes_the_round_and_sees_what_matters(j: Journey) -> None:
    enabler = j.enabler
    enabler.reload()
    expect(enabler.get_by_text("3 leaders have voted so far")).to_be_visible()
    enabler.get_by_role("button", name="Close and count").click()
    enabler.get_by_role("button", name="Yes, close the round and count it").click()
    expect(enabler.get_by_role("status")).to_contain_text("The round is closed and counted")
    matters = enabler.get_by_role("region", name="What really matters")
    expect(matters.locator(".winner")).to_have_text(ROUGH)
    expect(enabler.get_by_role("region", name="Ranking").get_by_role("listitem")).to_have_text([ROUGH, STREETS, SCHOOL])
    head_to_head = enabler.get_by_role("region", name="Head to head").get_by_role("table")
    expect(head_to_head.get_by_role("row", name=f"1. {ROUGH}").get_by_role("cell")).to_have_text(
        ["—", "2 to 1", "3 to 0"]
    )
    j.audit.check(enabler, "round-result")


def leaders_commit_and_form_the_alliance(j: Journey) -> None:
    for leader_page, (name, _, _, _) in zip(j.leaders, LEADERS, strict=True):
        leader_page.goto(j.round_url)
        leader_page.get_by_label("What will you bring?").fill(f"{name.split()[0]}'s team, one day a week")
        leader_page.get_by_role("button", name="Commit to this outcome").click()
        expect(leader_page.get_by_role("heading", level=1)).to_have_text("The alliance")
        expect(leader_page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    carys = j.leaders[2]
    expect(carys.get_by_role("heading", name="Members (3)")).to_be_visible()
    expect(carys.get_by_text(f"Committed to: {ROUGH}")).to_be_visible()
    j.audit.check(carys, "alliance")


def coordinator_chooses_a_password_and_signs_in(j: Journey) -> None:
    """The coordinator has no password yet: she asks for a link from the sign-in page."""
    dana = j.new_page()
    dana.goto(f"{j.base}/accounts/login/")
    dana.get_by_role("link", name=re.compile("forgotten your password")).click()
    j.audit.check(dana, "password-reset")
    sent_before = len(j.mailoutbox)
    dana.get_by_label("Email").fill(COORDINATOR[1])
    dana.get_by_role("button", name="Email me a link").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Check your email")
    reset_email = j.mailoutbox[sent_before]
    assert reset_email.to == [COORDINATOR[1]]
    assert isinstance(reset_email.body, str)
    reset_link = re.search(r"https?://\S+/accounts/set-password/\S+/", reset_email.body)
    assert reset_link, reset_email.body
    dana.goto(j.base + urlsplit(reset_link.group(0)).path)
    expect(dana.get_by_role("heading", level=1)).to_have_text("Choose a password")
    expect(dana.get_by_text(COORDINATOR[1])).to_be_visible()
    expect(dana.get_by_label("New password", exact=True)).to_have_accessible_description(re.compile("8 characters"))
    j.audit.check(dana, "set-password")
    dana.get_by_label("New password", exact=True).fill(PASSWORD)
    dana.get_by_label("New password confirmation").fill(PASSWORD)
    dana.get_by_role("button", name="Save password").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("Your password is saved")
    sign_in(dana, j.base, COORDINATOR[1])
    j.coordinator = dana


def coordinator_calls_a_meeting(j: Journey) -> None:
    dana = j.coordinator
    assert dana is not None
    dana.goto(f"{j.site_url}alliance/")
    dana.get_by_role("link", name="Create a meeting").click()
    j.audit.check(dana, "meeting-create")
    dana.get_by_label("Title").fill("First alliance meeting")
    fill_date(dana, "Starts at", "2030-05-14T18:30")
    dana.get_by_label("Place").fill("Halifax Town Hall")
    dana.get_by_label("Agenda").fill("Introductions.\nWhat each agency brings.")
    dana.get_by_role("button", name="Create meeting").click()
    expect(dana.get_by_role("heading", level=1)).to_have_text("First alliance meeting")
    expect(dana.get_by_text("Tuesday 14 May 2030, 18:30")).to_be_visible()
    j.audit.check(dana, "meeting-detail-coordinator")


def a_leader_says_she_is_going(j: Journey) -> None:
    asha = j.leaders[0]
    asha.goto(f"{j.site_url}alliance/")
    asha.get_by_role("link", name="First alliance meeting").click()
    j.audit.check(asha, "meeting-detail-leader")
    asha.get_by_label("Going", exact=True).check()
    htmx_submit(asha, asha.get_by_role("button", name="Save my reply").click)
    expect(asha.locator("#rsvp").get_by_role("status")).to_contain_text("your reply is saved")
    expect(asha.get_by_role("heading", name="Replies (1 going)")).to_be_visible()


def coordinator_downloads_who_is_coming(j: Journey) -> None:
    dana = j.coordinator
    assert dana is not None
    dana.reload()
    with dana.expect_download() as download_info:
        dana.get_by_role("link", name="Download attendee list (CSV)").click()
    download = download_info.value
    reader = csv.DictReader(Path(download.path()).read_text(encoding="utf-8-sig").splitlines())
    assert reader.fieldnames == ["Name", "Email", "Agency", "Sector", "Role", "Reply", "Attended", "Walk-in"]
    by_email = {row["Email"]: row for row in reader}
    assert sorted(by_email) == sorted(email for _, email, _, _ in LEADERS)
    name, email, agency, title = LEADERS[0]
    assert (by_email[email]["Name"], by_email[email]["Agency"], by_email[email]["Role"]) == (name, agency, title)
    assert by_email[email]["Reply"] == "Going"
    assert by_email[LEADERS[1][1]]["Reply"] == "No reply"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_a_site_from_set_up_to_a_meeting(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    mailoutbox: list[EmailMessage],
    settings: Settings,
    audit: PageAudit,
) -> None:
    settings.SITE_URL = live_server.url  # so the emailed links point at the live server
    settings.SELF_SERVICE_SITES = True  # Erin has no site yet and sets one up herself
    make_user("erin@calder.example", "Erin Shaw")
    journey = Journey(
        base=live_server.url,
        audit=audit,
        mailoutbox=mailoutbox,
        new_page=lambda: new_context().new_page(),
        enabler=page,
    )

    # 1. The enabler signs in and sets up the site, its agencies and its people, and invites them.
    enabler_sets_up_the_site(journey)
    enabler_adds_agencies(journey)
    enabler_adds_people(journey)
    enabler_invites_everyone(journey)
    # 2. The leaders sign in (the first from her invitation) and propose outcomes.
    first_leader_signs_in_from_the_email_and_proposes(journey)
    other_leaders_propose(journey)
    # 3. The enabler opens a round and each leader ranks the outcomes.
    enabler_opens_a_round(journey)
    leaders_rank_the_outcomes(journey)
    # 4. The enabler closes the round and sees what really matters.
    enabler_closes_the_round_and_sees_what_matters(journey)
    # 5. The leaders commit to the winner, and the alliance lists them.
    leaders_commit_and_form_the_alliance(journey)
    # 6. The coordinator calls a meeting; a leader is going; the coordinator downloads the list.
    coordinator_chooses_a_password_and_signs_in(journey)
    coordinator_calls_a_meeting(journey)
    a_leader_says_she_is_going(journey)
    coordinator_downloads_who_is_coming(journey)

    audit.assert_clean()
