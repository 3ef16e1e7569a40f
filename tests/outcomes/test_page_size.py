"""Ballot and result pages grow in step with the number of outcomes, never with its square."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from network.models import Membership, PilotSite, Role
from outcomes import services
from outcomes.selectors.results import PAIRWISE_SHOWN
from tests.conftest import Cast
from tests.outcomes.scale import build_big_round


def _pages(site: PilotSite, enabler: Membership, outcomes: int) -> tuple[int, int, bytes]:
    """Bytes of the ballot (open round, a leader who voted), of the result once closed, and the pairwise CSV."""
    from django.test import Client

    big = build_big_round(site=site, enabler=enabler, leaders=20, outcomes=outcomes, close=False)
    url = reverse("outcomes:round-detail", args=[site.slug, big.voting_round.pk])
    leader = Client()
    leader.force_login(big.leaders[0].user)
    ballot = leader.get(url)
    assert ballot.status_code == 200
    assert ballot.content.count(b'class="ballot-row"') == outcomes
    services.round_close(voting_round=big.voting_round, membership=enabler)
    result = leader.get(url)
    assert result.status_code == 200
    download = leader.get(reverse("outcomes:round-pairwise-csv", args=[site.slug, big.voting_round.pk]))
    return len(ballot.content), len(result.content), download.content


def test_ballot_and_result_grow_linearly_in_outcomes(cast: Cast) -> None:
    other_enabler = cast.other_site.memberships.get(role=Role.ENABLER)
    ballot_50, result_50, _ = _pages(cast.site, cast.enabler, 50)
    ballot_200, result_200, table = _pages(cast.other_site, other_enabler, 200)
    # Four times the outcomes: about four times the bytes (a select of every rank per outcome made it ~13x,
    # and the whole head-to-head table 16x its part).
    assert ballot_200 < 4.5 * ballot_50, (ballot_50, ballot_200)
    assert result_200 < 4.5 * result_50, (result_50, result_200)
    assert ballot_200 / 200 < 1500, ballot_200  # bytes per outcome on the ballot
    rows = list(csv.reader(io.StringIO(table.decode())))
    assert len(rows) == 201 and all(len(row) == 201 for row in rows)  # the whole table, as a download


def test_the_result_shows_the_top_of_the_head_to_head_and_offers_the_rest(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=20, outcomes=30)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, big.voting_round.pk])
    body = cast.client_for(cast.leaders[0]).get(url).content.decode()
    table = body.split('class="pairwise"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == PAIRWISE_SHOWN
    assert "The table shows the top 10 of 30 outcomes." in body
    csv_url = reverse("outcomes:round-pairwise-csv", args=[cast.site.slug, big.voting_round.pk])
    assert f'href="{csv_url}"' in body
    rows = list(csv.reader(io.StringIO(cast.client_for(cast.leaders[0]).get(csv_url).content.decode())))
    first, second = rows[1][0], rows[2][0]
    # The mirror cells add up to the ballots that rank the two apart: every ballot here ranks all 30.
    assert int(rows[1][2]) + int(rows[2][1]) == 20, (first, second)
    assert rows[1][1] == ""  # an outcome against itself


def test_the_head_to_head_download_is_for_its_site_only(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=5, outcomes=12)
    csv_url = reverse("outcomes:round-pairwise-csv", args=[cast.site.slug, big.voting_round.pk])
    assert cast.client_for(cast.outsider).get(csv_url).status_code == 404
    outsider_url = reverse("outcomes:round-pairwise-csv", args=[cast.other_site.slug, big.voting_round.pk])
    assert cast.client_for(cast.outsider).get(outsider_url).status_code == 404


def test_a_rank_out_of_range_is_shown_next_to_its_outcome(cast: Cast) -> None:
    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=5, outcomes=12, close=False)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, big.voting_round.pk])
    client = cast.client_for(big.leaders[0])
    first = big.outcomes[0]
    response = client.post(url, {f"rank_{first.pk}": "13"})
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="id_rank_{first.pk}_error"' in body and "less than or equal to 12" in body
    assert f'aria-describedby="id_rank_{first.pk}_error"' in body


def test_the_result_draws_the_top_outcomes_and_tables_them_all(cast: Cast) -> None:
    from outcomes.selectors.results import BARS_SHOWN

    big = build_big_round(site=cast.site, enabler=cast.enabler, leaders=20, outcomes=BARS_SHOWN + 10)
    url = reverse("outcomes:round-detail", args=[cast.site.slug, big.voting_round.pk])
    body = cast.client_for(cast.leaders[0]).get(url).content.decode()
    chart = body.split('<figure class="chart">', 1)[1].split("</figure>", 1)[0]
    assert chart.count("<rect") == BARS_SHOWN
    assert f"The chart shows the top {BARS_SHOWN} of {BARS_SHOWN + 10} outcomes" in chart
    table = body.split('<table class="figures">', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == BARS_SHOWN + 10
