"""Closing a round asks "Are you sure" first, on its own page; only that page's POST closes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes import services
from outcomes.models import CandidateOutcome, VotingRound
from tests.conftest import Cast


def _open(cast: Cast) -> VotingRound:
    return services.round_create_and_open(membership=cast.enabler, title="What really matters?")


def test_closing_asks_first_and_says_what_will_happen(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    voting_round = _open(cast)
    services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={candidates[0].pk: 1})
    client = cast.client_for(cast.enabler)
    url = reverse("outcomes:round-close", args=[cast.site.slug, voting_round.pk])
    # The round page's own "Close and count" button posts without confirm=yes: it is only asked.
    assert client.post(url)["Location"] == url
    page = client.get(url).content.decode()
    assert "Are you sure you want to close this round?" in page
    assert "What really matters?" in page
    assert "the 1 ballot cast so far is counted now" in page
    assert 'name="confirm" value="yes"' in page
    voting_round.refresh_from_db()
    assert voting_round.is_open
    done = client.post(url, {"confirm": "yes"})
    assert done["Location"] == reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.CLOSED


@pytest.mark.parametrize(("who", "status"), [("coordinator", 403), ("leader", 403), ("outsider", 404)])
def test_only_enablers_see_the_question(cast: Cast, candidates: list[CandidateOutcome], who: str, status: int) -> None:
    voting_round = _open(cast)
    member = {"coordinator": cast.coordinator, "leader": cast.leaders[0], "outsider": cast.outsider}[who]
    client = cast.client_for(member)
    url = reverse("outcomes:round-close", args=[cast.site.slug, voting_round.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"confirm": "yes"}).status_code == status
    voting_round.refresh_from_db()
    assert voting_round.is_open
