"""Every kind of ballot, and the pages around a round, pass axe-core and read at 320px.

Score, dot and approval ballots are filled in by keyboard; a secret round's
result and system view, a draft round, and the outcome edit page are checked too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from network.models import Sector
from network.services import agency_create
from outcomes import services
from outcomes.models import BallotRank, Method, Visibility
from tests.browser.conftest import PageAudit
from tests.browser.test_journey import htmx_submit, sign_in, tab_to
from tests.conftest import Cast


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_ballot_and_round_page_is_accessible(
    page: Page,
    live_server,
    cast: Cast,
    audit: PageAudit,
) -> None:
    base = live_server.url
    site = cast.site
    agency_create(site=site, name="Ashby Fire", sector=Sector.FIRE)
    outcomes = [
        services.outcome_propose(membership=cast.leaders[i], statement=s, why_it_matters="Because.")
        for i, s in enumerate(["No one sleeps rough", "Children ready for school", "Safe streets after dark"])
    ]
    leader = cast.leaders[0]
    sign_in(page, base, leader.user.email)

    # A leader's own outcome, editable until voting opens.
    page.goto(f"{base}/sites/{site.slug}/outcomes/{outcomes[0].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit outcome")
    expect(page.get_by_role("group", name="Agencies it touches")).to_be_visible()
    audit.check(page, "outcome-edit")

    draft = services.round_create(membership=cast.enabler, title="Draft round")
    page.goto(f"{base}/sites/{site.slug}/rounds/{draft.pk}/")
    expect(page.get_by_text("This round is a draft")).to_be_visible()
    audit.check(page, "round-draft")

    entries = {
        Method.SCORE: lambda: page.get_by_role("combobox", name=outcomes[1].statement).select_option("4"),
        Method.DOTS: lambda: page.get_by_role("spinbutton", name=outcomes[1].statement).fill("7"),
        Method.APPROVAL: lambda: page.get_by_role("checkbox", name=outcomes[1].statement).check(),
    }
    for method, fill in entries.items():
        voting_round = services.round_create_and_open(
            membership=cast.enabler, title=f"{method.label} round", method=method, visibility=Visibility.SECRET
        )
        page.goto(f"{base}/sites/{site.slug}/rounds/{voting_round.pk}/")
        expect(page.get_by_role("heading", name="Your ballot")).to_be_visible()
        fill()
        tab_to(page, "ballot-save")
        htmx_submit(page, lambda: page.keyboard.press("Enter"))
        expect(page.locator("#ballot").get_by_role("status")).to_have_text("Your ballot is saved.")
        audit.check(page, f"ballot-{method}")
        points = BallotRank.objects.get(ballot__round=voting_round, outcome=outcomes[1]).points
        assert points == {Method.SCORE: 4, Method.DOTS: 7, Method.APPROVAL: 1}[method]
        for other in cast.leaders[1:]:
            services.ballot_submit(voting_round=voting_round, voter=other, points={outcomes[2].pk: 1})
        services.round_close(voting_round=voting_round, membership=cast.enabler)
        page.goto(f"{base}/sites/{site.slug}/rounds/{voting_round.pk}/")
        expect(page.get_by_role("heading", name="What really matters")).to_be_visible()
        audit.check(page, f"result-{method}")
        page.goto(f"{base}/sites/{site.slug}/rounds/{voting_round.pk}/system/")
        expect(page.get_by_text("merged into “Other”")).to_be_visible()
        audit.check(page, f"system-{method}")

    audit.assert_clean()
