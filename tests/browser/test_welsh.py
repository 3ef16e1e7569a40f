"""Issue 15's journey in a real browser: a leader switches to Cymraeg on the sign-in page, signs in, votes in an
open round by keyboard, reads the result of a closed round, the meetings list and a meeting. Every page says
lang="cy" and axe-core finds nothing (conftest.PageAudit, which also checks one h1 and reflow at 320px)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from network import services as network_services
from outcomes import services
from outcomes.models import BallotRank, CandidateOutcome, Energy
from tests.browser.conftest import PageAudit
from tests.browser.test_journey import htmx_submit, tab_to
from tests.conftest import PASSWORD, Cast
from tests.outcomes.adopted import adopt


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_votes_and_reads_the_result_and_meetings_in_welsh(
    page: Page, live_server: LiveServer, audit: PageAudit, cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    base = live_server.url
    site, enabler, coordinator, leaders = cast.site, cast.enabler, cast.coordinator, cast.leaders
    closed_round_outcome, alliance = adopt(cast, candidates)
    meeting = network_services.meeting_create(
        alliance=alliance,
        created_by=coordinator,
        title="Alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Town hall",
    )
    later = [
        services.outcome_propose(membership=leaders[0], statement=s, why_it_matters="It matters to us.")
        for s in ("Older people live well at home", "Young people find good work")
    ]
    open_round = services.round_create_and_open(membership=enabler, title="Autumn round")
    closed_round = closed_round_outcome.rounds.get()

    # 1. Cymraeg from the switcher on the sign-in page, then sign in: the choice is kept.
    page.goto(f"{base}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Language").get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    audit.check(page, "welsh-sign-in")
    page.get_by_label("Cyfeiriad e-bost").fill(leaders[0].user.email)
    page.get_by_label("Cyfrinair").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Mewngofnodi").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")

    # 2. Vote in the open round by keyboard: move one outcome up, give it a lot of energy, save.
    page.goto(f"{base}/sites/{site.slug}/rounds/{open_round.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", name="Eich papur pleidleisio")).to_be_visible()
    audit.check(page, "welsh-ballot")
    older = later[0]
    tab_to(page, f"up-{older.pk}")
    htmx_submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("#ballot").get_by_role("status")).to_have_text("Mae eich papur pleidleisio wedi'i gadw.")
    tab_to(page, f"id_energy_{older.pk}_0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    tab_to(page, "ballot-save")
    htmx_submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("#ballot").get_by_role("status")).to_have_text("Mae eich papur pleidleisio wedi'i gadw.")
    audit.check(page, "welsh-ballot-saved")
    saved = BallotRank.objects.get(ballot__voter=leaders[0], outcome=older)
    assert (saved.rank, saved.energy) == (1, Energy.A_LOT)

    # 3. The result of the closed round.
    page.goto(f"{base}/sites/{site.slug}/rounds/{closed_round.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("region", name="Yr hyn sy'n wirioneddol bwysig")).to_contain_text("No one sleeps rough")
    audit.check(page, "welsh-result")

    # 4. The meetings list and the meeting.
    page.goto(f"{base}/sites/{site.slug}/meetings/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    audit.check(page, "welsh-meetings")
    page.get_by_role("link", name="Alliance meeting").first.click()
    expect(page).to_have_url(f"{base}/sites/{site.slug}/meetings/{meeting.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    audit.check(page, "welsh-meeting")
    audit.assert_clean()
