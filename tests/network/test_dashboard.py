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
