"""The ballot's hand-written SQL (PostgreSQL) against the same rule in the ORM: the same rows, the same refusals."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from django.db import connection
from django.urls import reverse

from network.errors import DomainError
from network.models import Membership
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, Method, VotingRound
from outcomes.services import ballots
from tests.conftest import Cast

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")

Submit = Callable[..., ballots.SavedBallot]


def _rows(voting_round: VotingRound, voter: Membership) -> list[tuple[int, int | None, int | None, int]]:
    return list(
        BallotRank.objects.filter(ballot__round=voting_round, ballot__voter=voter)
        .order_by("outcome_id")
        .values_list("outcome_id", "rank", "points", "energy")
    )


def _both(
    voting_round: VotingRound, sql_voter: Membership, orm_voter: Membership, **choices: Mapping[int, int]
) -> tuple[ballots.SavedBallot, ballots.SavedBallot]:
    ranks, points, energy = choices.get("ranks", {}), choices.get("points", {}), choices.get("energy", {})
    by_sql = ballots._ballot_submit_postgresql(voting_round, sql_voter, ranks, points, energy)
    by_orm = ballots._ballot_submit_orm(voting_round, orm_voter, ranks, points, energy)
    return by_sql, by_orm


@pytest.mark.parametrize(
    ("method", "first", "then"),
    [
        (Method.SCHULZE, {"ranks": {0: 1, 2: 2}, "energy": {0: 2}}, {"ranks": {1: 1}, "energy": {1: 1}}),
        (Method.SCORE, {"points": {0: 5, 1: 0, 2: 3}}, {"points": {1: 2}, "energy": {2: 2}}),
        (Method.DOTS, {"points": {0: 2, 1: 1}}, {"points": {2: 3}}),
        (Method.APPROVAL, {"points": {0: 1, 2: 1}, "energy": {2: 1}}, {"points": {1: 1}}),
    ],
)
def test_it_writes_the_rows_the_orm_writes_for_every_method(
    cast: Cast, candidates: list[CandidateOutcome], method: Method, first: dict, then: dict
) -> None:
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Spring", method=method)
    ids = [c.pk for c in candidates]
    sql_voter, orm_voter = cast.leaders[0], cast.leaders[1]
    for n, choices in enumerate([first, then]):  # a first ballot, then a change to it
        given = {kind: {ids[i]: value for i, value in values.items()} for kind, values in choices.items()}
        by_sql, by_orm = _both(voting_round, sql_voter, orm_voter, **given)
        assert _rows(voting_round, sql_voter) == _rows(voting_round, orm_voter)
        assert len(_rows(voting_round, sql_voter)) == len(candidates)  # one entry per outcome, chosen or not
        assert (by_sql.ballot_count, by_orm.ballot_count) == ((1, 2) if n == 0 else (2, 2))
        assert by_sql.ballot.pk == Ballot.objects.get(round=voting_round, voter=sql_voter).pk
    assert Ballot.objects.filter(round=voting_round).count() == 2


def test_it_fills_in_a_ballot_stored_with_fewer_entries(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    """A ballot saved before every outcome had an entry gets the rest, and keeps one row per outcome."""
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Spring")
    voter = cast.leaders[0]
    ballot = Ballot.objects.create(round=voting_round, voter=voter)
    BallotRank.objects.create(ballot=ballot, outcome=candidates[0], rank=1)
    saved = ballots._ballot_submit_postgresql(voting_round, voter, {candidates[1].pk: 1}, {}, {})
    assert saved.ballot.pk == ballot.pk
    assert saved.ballot_count == 1
    assert _rows(voting_round, voter) == [(candidates[0].pk, None, None, 0), (candidates[1].pk, 1, None, 0)] + [
        (c.pk, None, None, 0) for c in candidates[2:]
    ]


@pytest.mark.parametrize("submit", [ballots._ballot_submit_postgresql, ballots._ballot_submit_orm])
def test_both_refuse_alike(cast: Cast, candidates: list[CandidateOutcome], submit: Submit) -> None:
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Spring")
    a = candidates[0].pk
    with pytest.raises(DomainError, match="not in this round"):
        submit(voting_round, cast.leaders[0], {a + 1000: 1}, {}, {})
    with pytest.raises(DomainError, match="Ranks run from 1"):
        submit(voting_round, cast.leaders[0], {a: 9}, {}, {})
    draft = services.round_create(membership=cast.enabler, title="Autumn")
    with pytest.raises(DomainError, match="not opened yet"):
        submit(draft, cast.leaders[0], {a: 1}, {}, {})
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    with pytest.raises(DomainError, match="has closed"):
        submit(voting_round, cast.leaders[0], {a: 1}, {}, {})
    assert not Ballot.objects.exists()
    assert not BallotRank.objects.exists()


def test_a_ballot_post_by_htmx_takes_nine_queries(
    cast: Cast, candidates: list[CandidateOutcome], django_assert_num_queries
) -> None:
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Spring")
    url = reverse("outcomes:round-detail", args=[cast.site.slug, voting_round.pk])
    client = cast.client_for(cast.leaders[0])
    body = {f"rank_{c.pk}": str(n) for n, c in enumerate(candidates, start=1)}
    # session, user, membership, round, candidates; then the save: savepoint, the lock with the round's
    # outcomes, the ballot with its entries and the count, release.
    for _ in range(2):  # a first ballot, then a change to it
        with django_assert_num_queries(9):
            response = client.post(url, body, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "1 leader has voted so far" in response.content.decode()
