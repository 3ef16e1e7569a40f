"""Forty leaders find what really matters, in a real Chromium.

Thirty-nine leaders vote by service calls; one ranks by keyboard alone with the
move up / move down buttons and chooses their energy. The enabler closes the
round, reads the result and the system view, and adopts the outcome; the
leaders who gave it energy are invited, and an alliance forms from their
pledges. Every page is checked with axe-core and at 320px (conftest.PageAudit).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import BrowserContext, Page, expect

from network.models import AllianceMember, Role, Sector
from network.services import agency_create, member_add, site_create
from outcomes import services
from outcomes.models import BallotRank, Energy
from tests.browser.conftest import PageAudit
from tests.browser.test_journey import htmx_submit, sign_in, tab_to
from tests.conftest import PASSWORD, make_user

OUTCOMES = [
    "No one sleeps rough in the valley",
    "Every child starts school ready to learn",
    "Streets that feel safe after dark",
    "Older people live well at home",
    "Young people find good work",
]
AGENCIES = [
    ("Calder Council", Sector.LOCAL_AUTHORITY),
    ("Calder Valley NHS Trust", Sector.NHS),
    ("West Yorkshire Police", Sector.POLICE),
    ("West Yorkshire Fire", Sector.FIRE),
    ("Calder Homes", Sector.HOUSING),
    ("Valley Voluntary Action", Sector.VOLUNTARY),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_forty_leaders_find_what_really_matters_and_form_an_alliance(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    mailoutbox: list[EmailMessage],
    settings,
    audit: PageAudit,
) -> None:
    base = live_server.url
    settings.SITE_URL = base
    enabler_user = make_user("erin@calder.example", "Erin Shaw")
    site = site_create(creator=enabler_user, name="Calder Valley Together", place="Calder Valley")
    enabler = site.memberships.get(user=enabler_user)
    agencies = [agency_create(site=site, name=name, sector=sector) for name, sector in AGENCIES]
    leaders = []
    for i in range(40):
        make_user(f"leader{i:02d}@calder.example", f"Leader {i:02d}")
        leaders.append(
            member_add(
                site=site, name="", email=f"leader{i:02d}@calder.example", agency=agencies[i % 6], role=Role.LEADER
            )
        )
    outcomes = [
        services.outcome_propose(membership=leaders[i], statement=s, why_it_matters="It touches every service.")
        for i, s in enumerate(OUTCOMES)
    ]
    rough, school, streets, older, work = outcomes
    voting_round = services.round_create_and_open(membership=enabler, title="What really matters?")
    round_url = f"{base}/sites/{site.slug}/rounds/{voting_round.pk}/"

    # Thirty-nine leaders vote by service calls. Rough sleeping is most sectors' first or second
    # choice and draws energy; the police put safe streets first.
    for n, leader in enumerate(leaders[1:], start=1):
        sector = n % 6
        if sector == 2:
            ranks = {streets.pk: 1, rough.pk: 2, school.pk: 3}
        elif n % 3:
            ranks = {rough.pk: 1, school.pk: 2, older.pk: 3}
        else:
            ranks = {school.pk: 1, rough.pk: 2, work.pk: 3}
        energy = {rough.pk: Energy.A_LOT if n % 2 else Energy.SOME} if n % 4 else {}
        services.ballot_submit(voting_round=voting_round, voter=leader, ranks=ranks, energy=energy)

    # 1. One leader ranks by keyboard alone: move up / move down, each move saved at once.
    keyboard = page
    keyboard.goto(f"{base}/accounts/login/")
    audit.check(keyboard, "voting-login")
    sign_in(keyboard, base, leaders[0].user.email)
    keyboard.goto(round_url)
    expect(keyboard.get_by_role("heading", name="Your ballot")).to_be_visible()
    expect(keyboard.locator("#ballot").get_by_role("status")).to_have_text("Not saved yet.")
    audit.check(keyboard, "voting-ballot-empty")

    tab_to(keyboard, f"up-{rough.pk}")
    htmx_submit(keyboard, lambda: keyboard.keyboard.press("Enter"))
    expect(keyboard.locator("#ballot").get_by_role("status")).to_have_text("Your ballot is saved.")
    expect(keyboard.get_by_role("spinbutton", name=OUTCOMES[0], exact=True)).to_have_value("1")
    expect(keyboard.locator(f"#up-{rough.pk}")).to_be_focused()  # focus stays on the button the leader pressed

    tab_to(keyboard, f"up-{school.pk}")
    htmx_submit(keyboard, lambda: keyboard.keyboard.press("Enter"))  # school joins the ranking, second
    expect(keyboard.get_by_role("spinbutton", name=OUTCOMES[1], exact=True)).to_have_value("2")
    expect(keyboard.locator(f"#up-{school.pk}")).to_be_focused()  # the swapped-in button has the focus again
    htmx_submit(keyboard, lambda: keyboard.keyboard.press("Enter"))  # and moves above rough sleeping
    expect(keyboard.get_by_role("spinbutton", name=OUTCOMES[1], exact=True)).to_have_value("1")
    expect(keyboard.get_by_role("spinbutton", name=OUTCOMES[0], exact=True)).to_have_value("2")
    tab_to(keyboard, f"up-{rough.pk}")
    htmx_submit(keyboard, lambda: keyboard.keyboard.press("Enter"))  # changed their mind: rough sleeping first
    expect(keyboard.locator(".ballot-row label.ballot-statement").first).to_have_text(OUTCOMES[0])
    expect(keyboard.get_by_role("spinbutton", name=OUTCOMES[0], exact=True)).to_have_value("1")

    # Energy by keyboard: Tab into the radio group, arrows to "A lot", then save.
    tab_to(keyboard, f"id_energy_{rough.pk}_0")
    keyboard.keyboard.press("ArrowRight")
    keyboard.keyboard.press("ArrowRight")
    expect(keyboard.locator(f"#id_energy_{rough.pk}_2")).to_be_checked()
    tab_to(keyboard, "ballot-save")
    htmx_submit(keyboard, lambda: keyboard.keyboard.press("Enter"))
    expect(keyboard.locator("#ballot").get_by_role("status")).to_have_text("Your ballot is saved.")
    audit.check(keyboard, "voting-ballot-saved")
    entries = BallotRank.objects.filter(ballot__voter=leaders[0]).exclude(rank=None, energy=Energy.NONE)
    saved = {r.outcome_id: (r.rank, r.energy) for r in entries}
    assert saved == {rough.pk: (1, Energy.A_LOT), school.pk: (2, Energy.NONE)}

    # 2. The enabler sees forty ballots, closes the round and reads the result.
    erin = new_context().new_page()
    sign_in(erin, base, enabler_user.email)
    erin.goto(round_url)
    expect(erin.get_by_text("40 leaders have voted so far")).to_be_visible()
    audit.check(erin, "voting-open-enabler")
    erin.get_by_role("link", name="See who has voted").click()
    expect(erin.get_by_role("heading", level=1)).to_have_text("Who voted: What really matters?")
    expect(erin.get_by_role("row")).to_have_count(41)
    audit.check(erin, "voting-voters")
    erin.goto(round_url)
    erin.get_by_role("button", name="Close and count").click()
    expect(erin.get_by_role("heading", level=1)).to_have_text("Are you sure you want to close this round?")
    audit.check(erin, "voting-close-confirm")
    erin.get_by_role("button", name="Yes, close the round and count it").click()
    expect(erin.get_by_role("status")).to_contain_text("The round is closed and counted")
    matters = erin.get_by_role("region", name="What really matters")
    expect(matters.locator(".winner")).to_have_text(OUTCOMES[0])
    expect(matters).to_contain_text("with support from 6 sectors")
    expect(erin.get_by_role("region", name="Ranking").get_by_role("listitem").first).to_have_text(OUTCOMES[0])
    figures = erin.get_by_role("region", name="Result figures table")
    expect(figures.get_by_role("row", name=re.compile(OUTCOMES[0]))).to_be_visible()
    expect(erin.get_by_role("region", name="Head to head").get_by_role("table")).to_be_visible()
    expect(erin.get_by_role("img", name=re.compile("Head-to-head wins for each outcome"))).to_be_visible()
    audit.check(erin, "voting-result")

    # 3. The system view explains where sectors agree and split.
    erin.get_by_role("link", name=re.compile("System view")).click()
    expect(erin.get_by_role("heading", level=1)).to_have_text("System view: What really matters?")
    expect(erin.get_by_role("region", name="Support by sector").get_by_role("row")).to_have_count(7)
    # One agency per sector here: one agency's view is never called a split of sectors.
    expect(erin.get_by_role("region", name="Contested")).to_contain_text("only one agency in them voted")
    expect(erin.get_by_role("region", name="Agencies whose priorities diverge most")).to_contain_text(
        "West Yorkshire Police"
    )
    audit.check(erin, "voting-system-view")

    # 4. The enabler adopts it; every leader who gave it energy is invited by email.
    erin.goto(round_url)
    erin.get_by_label("Outcome to adopt").select_option(value=str(rough.pk))
    mailoutbox.clear()
    erin.get_by_role("button", name="Adopt this outcome").click()
    expect(erin.get_by_role("status")).to_contain_text("is adopted")
    givers = set(
        BallotRank.objects.filter(outcome=rough, energy__gte=Energy.SOME).values_list(
            "ballot__voter__user__email", flat=True
        )
    )
    assert len(givers) > 20
    assert sorted(m.to[0] for m in mailoutbox) == sorted(givers)
    audit.check(erin, "voting-adopted")

    # 5. The keyboard leader accepts the invitation with a pledge; others pledge by service calls.
    keyboard.goto(round_url)
    adopted = keyboard.get_by_role("region", name="Adopted outcomes")
    expect(adopted).to_contain_text("you are invited to join its alliance")
    adopted.get_by_label("What will you bring?").fill("Two outreach workers, Fridays")
    adopted.get_by_role("button", name="Join this alliance").click()
    expect(keyboard.get_by_role("heading", level=1)).to_have_text("The alliance")
    expect(keyboard.get_by_role("cell", name="Two outreach workers, Fridays")).to_be_visible()
    for leader in leaders[1:6]:
        if leader.user.email in givers:
            services.outcome_commit(
                voting_round=voting_round, membership=leader, pledge=f"{leader.user.name}'s team", outcome_id=rough.pk
            )
    keyboard.reload()
    members = AllianceMember.objects.filter(alliance__outcome=rough).count()
    assert members >= 3
    expect(keyboard.get_by_role("heading", name=f"Members ({members})")).to_be_visible()
    audit.check(keyboard, "voting-alliance")

    audit.assert_clean()
    assert PASSWORD
