"""One ballot per leader per round, under concurrent submissions, on PostgreSQL with real threads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from network.errors import DomainError
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome
from tests.conftest import Cast, require

THREADS = 8


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_leave_one_whole_ballot(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)", env="REQUIRE_SERVICES")
    a, b, c = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Race")
    orders = [{a.pk: 1, b.pk: 2, c.pk: 3}, {c.pk: 1, b.pk: 2}, {b.pk: 1}, {a.pk: 1, c.pk: 2}]
    barrier = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks=orders[n % len(orders)])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Ballot.objects.filter(round=voting_round, voter=cast.leaders[0]).count() == 1
    entries = BallotRank.objects.filter(ballot__voter=cast.leaders[0])
    assert entries.count() == len(candidates)  # one entry for each outcome, never two sets of entries
    ranks = {r.outcome_id: r.rank for r in entries if r.rank is not None}
    assert ranks in orders  # one submission's ranking, never a mixture of two


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_closing_during_submissions_never_half_counts_a_ballot(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)", env="REQUIRE_SERVICES")
    a, b, _ = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Race to close")
    barrier = threading.Barrier(len(cast.leaders) + 1)
    outcomes: list[str] = []

    def submit(n: int) -> None:
        try:
            barrier.wait()
            services.ballot_submit(voting_round=voting_round, voter=cast.leaders[n], ranks={a.pk: 1, b.pk: 2})
            outcomes.append("saved")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(len(cast.leaders))]
    for thread in threads:
        thread.start()
    barrier.wait()
    closed = services.round_close(voting_round=voting_round, membership=cast.enabler)
    for thread in threads:
        thread.join(timeout=60)
    # Every ballot saved before the close was counted; any after was refused, none is lost or half-counted.
    assert closed.result["ballot_count"] == Ballot.objects.filter(round=voting_round).count()
    assert outcomes.count("saved") == closed.result["ballot_count"]
    assert len(outcomes) == len(cast.leaders)
