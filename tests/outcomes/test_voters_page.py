"""Who voted, at any size: search and pages of voters, about the same bytes for 200 voters as for 2,000."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.models import Membership, PilotSite, Role
from network.paging import PAGE_SIZE
from tests.conftest import Cast
from tests.outcomes.scale import build_big_round


def _voters_page(site: PilotSite, enabler: Membership, leaders: int, **query: str) -> bytes:
    big = build_big_round(site=site, enabler=enabler, leaders=leaders, outcomes=10)
    client = Client()
    client.force_login(enabler.user)
    response = client.get(reverse("outcomes:round-voters", args=[site.slug, big.voting_round.pk]), query)
    assert response.status_code == 200
    return response.content


def test_the_voters_of_a_closed_round_are_the_same_bytes_for_200_and_2000(cast: Cast) -> None:
    other_enabler = cast.other_site.memberships.get(role=Role.ENABLER)
    small = _voters_page(cast.site, cast.enabler, 200, page="2")
    large = _voters_page(cast.other_site, other_enabler, 2000, page="2")
    print(f"voters page 2: {len(small)} bytes at 200 voters, {len(large)} at 2,000")
    assert small.count(b'<th scope="row">') == large.count(b'<th scope="row">') == PAGE_SIZE
    assert small.count(b"Scale outcome") > PAGE_SIZE  # each row shows the ballot: the round shows names
    assert abs(len(large) - len(small)) <= 0.03 * len(small), (len(small), len(large))


def test_voters_are_searched_and_paged_without_script(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=120, outcomes=3)
    url = reverse("outcomes:round-voters", args=[cast.site.slug, big.voting_round.pk])
    client = cast.client_for(cast.enabler)
    body = client.get(url, {"page": "2"}).content.decode()
    assert "120 leaders have voted." in body
    assert 'rel="prev" href="?page=1"' in body and 'rel="next" href="?page=3"' in body
    assert body.count('<th scope="row">') == PAGE_SIZE
    body = client.get(url, {"q": "leader 001"}).content.decode()
    assert "10 voters match “leader 001”" in body and body.count('<th scope="row">') == 10
    assert "Nobody who voted matches" in client.get(url, {"q": "nobody at all"}).content.decode()
    for page in ["0", "999", "two", "9" * 40]:
        assert client.get(url, {"page": page}).status_code == 200
    partial = client.get(url, {"q": "scale", "page": "3"}, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="voters-list"') and "<html" not in partial
    assert "q=scale&amp;page=2" in partial


def test_the_voters_query_count_does_not_grow_with_voters(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=60, outcomes=3)
    url = reverse("outcomes:round-voters", args=[cast.site.slug, big.voting_round.pk])
    client = cast.client_for(cast.enabler)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"page": "2"})
    other_enabler = cast.other_site.memberships.get(role=Role.ENABLER)
    bigger = build_big_round(site=cast.other_site, enabler=other_enabler, leaders=600, outcomes=3)
    other = Client()
    other.force_login(other_enabler.user)
    other_url = reverse("outcomes:round-voters", args=[cast.other_site.slug, bigger.voting_round.pk])
    other.get(other_url)
    with CaptureQueriesContext(connection) as large:
        other.get(other_url, {"page": "9"})
    assert len(small.captured_queries) == len(large.captured_queries)
