"""The site dashboard: who and what is missing, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from network.models import Membership, PilotSite, Sector, User
from network.services import imports
from network.services.invitations import invitations_queue
from tests.conftest import Cast
from tests.html import text_of


def import_leaders(site: PilotSite, actor: User, agencies: int, leaders: int, sectors: list[str]) -> None:
    """Fill a site through the importer, as an enabler would."""
    lines = ["name,email,agency,sector"]
    for i in range(leaders):
        agency = i % agencies
        lines.append(f"Leader {i},leader{i}@big.example,Agency {agency:03},{sectors[agency % len(sectors)]}")
    for agency in range(leaders, agencies):  # agencies with nobody in them yet
        lines.append(f",,Agency {agency:03},{sectors[agency % len(sectors)]}")
    batch = imports.import_preview(site=site, actor=actor, data="\n".join(lines).encode(), filename="big.csv")
    imports.import_confirm(batch=batch, actor=actor)


def test_it_shows_who_and_what_is_missing(cast: Cast, candidates, django_capture_on_commit_callbacks) -> None:
    from outcomes.services import ballot_submit, round_create_and_open

    voting_round = round_create_and_open(membership=cast.enabler, title="What matters most?")
    ballot_submit(
        voting_round=voting_round, voter=cast.leaders[0], ranks={c.pk: i + 1 for i, c in enumerate(candidates)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitations_queue(site=cast.site, actor=cast.enabler.user, memberships=[cast.leaders[1]])
    from network.services import agency_create

    agency_create(site=cast.site, name="Ashby Housing", sector=Sector.HOUSING)
    client = cast.client_for(cast.enabler)
    response = client.get(reverse("network:site-dashboard", args=[cast.site.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1>") == 1
    sectors = text_of(page, aria_labelledby="sectors-heading") or ""
    assert "Fire" in sectors and "Education" in sectors and "Police" not in sectors and "Housing" not in sectors
    agencies = text_of(page, aria_labelledby="agencies-heading") or ""
    assert "Ashby Housing" in agencies and "Ashby Council" not in agencies
    assert "1 of 3 leaders have voted" in page
    votes = text_of(page, aria_labelledby="votes-heading") or ""
    assert cast.leaders[0].user.name not in votes and cast.leaders[1].user.name in votes
    assertInHTML('<tr><th scope="row">Invited, not yet accepted</th><td>1</td></tr>', page)


def test_it_counts_who_has_never_signed_in(cast: Cast) -> None:
    user = cast.leaders[2].user
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    page = cast.client_for(cast.enabler).get(reverse("network:site-dashboard", args=[cast.site.slug])).content.decode()
    assertInHTML('<tr><th scope="row">Never signed in</th><td>2</td></tr>', page)


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_it_shows_the_dashboard_only_to_enablers(cast: Cast, who: str) -> None:
    member = cast.coordinator if who == "coordinator" else cast.leaders[0]
    assert cast.client_for(member).get(reverse("network:site-dashboard", args=[cast.site.slug])).status_code == 403


def test_it_hides_the_dashboard_from_an_outsider(cast: Cast) -> None:
    response = cast.client_for(cast.outsider).get(reverse("network:site-dashboard", args=[cast.site.slug]))
    assert response.status_code == 404


def test_the_dashboard_query_count_does_not_grow(cast: Cast, candidates, django_assert_num_queries) -> None:
    from outcomes.services import ballot_submit, round_create_and_open

    client = cast.client_for(cast.enabler)
    url = reverse("network:site-dashboard", args=[cast.site.slug])
    voting_round = round_create_and_open(membership=cast.enabler, title="What matters most?")
    with django_assert_num_queries(10):  # session, user, membership, then 7 for the dashboard
        assert client.get(url).status_code == 200
    import_leaders(cast.site, cast.enabler.user, agencies=100, leaders=2000, sectors=list(Sector.values[:6]))
    for leader in list(Membership.objects.filter(site=cast.site, role="leader").order_by("pk")[:50]):
        ballot_submit(voting_round=voting_round, voter=leader, ranks={candidates[0].pk: 1})
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert "50 of 2003 leaders have voted" in page
    assert "And 1953 more." in page


def _rows(page: str) -> dict[str, int]:
    """Every `<th scope="row">label</th><td>n</td>` of the page, by label."""
    import re

    return {label: int(n) for label, n in re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', page)}


STATUS_ROWS = ["Not invited yet", "Being sent", "Sending failed", "Invited, not yet accepted", "Accepted"]


def test_the_invitation_counts_add_up_and_never_contradict(cast: Cast) -> None:
    from network.models import InvitationStatus

    import_leaders(cast.site, cast.enabler.user, agencies=4, leaders=12, sectors=list(Sector.values[:4]))
    leaders = list(Membership.objects.filter(site=cast.site, role="leader").select_related("user").order_by("pk"))
    statuses = [InvitationStatus.ACCEPTED] * 5 + [InvitationStatus.SENT] * 4 + [InvitationStatus.FAILED] * 2
    statuses += [InvitationStatus.QUEUED]
    for leader, status in zip(leaders, statuses, strict=False):
        leader.invitation_status = status
    Membership.objects.bulk_update(leaders, ["invitation_status"])
    # Two accepted with no sign-in time recorded (as an import or the demo leaves them), and one invited
    # leader who signed in through another site's link.
    signed = [leaders[0].user, leaders[1].user, leaders[2].user, leaders[6].user]
    User.objects.filter(pk__in=[u.pk for u in signed]).update(last_login=timezone.now())
    page = cast.client_for(cast.enabler).get(reverse("network:site-dashboard", args=[cast.site.slug])).content.decode()
    rows = _rows(page)
    total = rows["All leaders"]
    assert total == len(leaders) == 15
    assert sum(rows[label] for label in STATUS_ROWS) == total
    assert rows["Accepted"] == 5 and rows["Being sent"] == 1 and rows["Sending failed"] == 2
    assert rows["Signed in at least once"] + rows["Never signed in"] == total
    # Accepting signs a person in: never more accepted than signed in.
    assert rows["Accepted"] <= rows["Signed in at least once"] == 6
    assert f"{total} leaders in {cast.site.name}" in page


@pytest.mark.django_db
def test_the_demo_sites_counts_add_up() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.test import Client

    call_command("seed_demo", stdout=StringIO())
    site = PilotSite.objects.get(slug="northbrook-together")
    enabler = Membership.objects.get(site=site, role="enabler")
    client = Client()
    client.force_login(enabler.user)
    rows = _rows(client.get(reverse("network:site-dashboard", args=[site.slug])).content.decode())
    total = rows["All leaders"]
    assert sum(rows[label] for label in STATUS_ROWS) == total
    assert rows["Signed in at least once"] + rows["Never signed in"] == total
    assert rows["Never signed in"] <= total - rows["Accepted"]  # not "Accepted 35" beside "Never signed in 37"


def test_agencies_without_a_leader_are_those_with_no_leader_counted(cast: Cast) -> None:
    """The dashboard asks whether an agency has a leader; the people page counts them: the two agree, with a
    leader removed, a coordinator in an agency and a leader in none."""
    from network.selectors.dashboard import dashboard_for_site
    from network.selectors.sites import agencies_for_site
    from network.services import agency_create

    removed_only = agency_create(site=cast.site, name="Ashby Removed", sector=Sector.HOUSING)
    coordinated = agency_create(site=cast.site, name="Ashby Coordinated", sector=Sector.HOUSING)
    Membership.objects.filter(pk=cast.leaders[0].pk).update(agency=removed_only, archived_at=timezone.now())
    Membership.objects.filter(pk=cast.coordinator.pk).update(agency=coordinated)
    Membership.objects.filter(pk=cast.leaders[1].pk).update(agency=None)
    counted = {agency.pk for agency in agencies_for_site(site=cast.site) if not agency.leader_count}
    assert {row.pk for row in dashboard_for_site(site=cast.site).agencies_without_leader} == counted
    assert {removed_only.pk, coordinated.pk} <= counted
