"""One ballot per leader per round, under concurrent submissions, on PostgreSQL with real threads."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from network.errors import DomainError
from network.models import Membership
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


def _leaders(cast: Cast, count: int) -> list[Membership]:
    from network.services import member_add

    return [
        member_add(site=cast.site, name=f"Voter {i}", email=f"voter{i}@example.org", agency=cast.agencies[i % 3])
        for i in range(count)
    ]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_voters_of_a_round_never_wait_for_one_another(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    """One leader's ballot still in flight (its transaction open) holds up no other leader's ballot."""
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)", env="REQUIRE_SERVICES")
    a, b, _ = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="No queue")
    errors: list[BaseException] = []

    def other_voter() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")  # a wait on the first ballot fails the test
                services.ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={b.pk: 1})
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1})
        thread = threading.Thread(target=other_voter)
        thread.start()
        thread.join(timeout=30)
    assert not errors, errors
    assert Ballot.objects.filter(round=voting_round).count() == 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_closing_waits_for_a_ballot_in_flight_and_refuses_any_after(
    cast: Cast, candidates: list[CandidateOutcome]
) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)", env="REQUIRE_SERVICES")
    a, _, _ = candidates
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Close waits")
    closed = threading.Event()

    def close() -> None:
        try:
            services.round_close(voting_round=voting_round, membership=cast.enabler)
            closed.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=close)
    with transaction.atomic():
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[0], ranks={a.pk: 1})
        thread.start()
        assert not closed.wait(timeout=1.5)  # the count waits for the ballot in flight
    thread.join(timeout=30)
    assert closed.is_set()
    voting_round.refresh_from_db()
    assert voting_round.result["ballot_count"] == 1  # the ballot in flight was counted
    with pytest.raises(DomainError, match="closed"):
        services.ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={a.pk: 1})


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_many_voters_racing_a_close_nothing_lands_after_it(cast: Cast, candidates: list[CandidateOutcome]) -> None:
    require(connection.vendor == "postgresql", "PostgreSQL is not configured (DATABASE_URL)", env="REQUIRE_SERVICES")
    a, b, c = candidates
    voters = _leaders(cast, 40)
    voting_round = services.round_create_and_open(membership=cast.enabler, title="Many racing")
    barrier = threading.Barrier(THREADS + 1)
    saved: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def vote(n: int) -> None:
        try:
            barrier.wait()
            for voter in voters[n::THREADS]:
                for ranks in ({a.pk: 1, b.pk: 2}, {c.pk: 1}):  # a first ballot, then a change to it
                    try:
                        services.ballot_submit(voting_round=voting_round, voter=voter, ranks=ranks)
                        saved.append(voter.pk)
                    except DomainError:
                        refused.append(voter.pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    deadline = time.monotonic() + 30
    while len(saved) < 10 and time.monotonic() < deadline:  # some ballots in, some in flight, some still to come
        time.sleep(0.001)
    services.round_close(voting_round=voting_round, membership=cast.enabler)
    closed_at = timezone.now()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    voting_round.refresh_from_db()
    # Every ballot saved was counted, whole, as its last change had it; every one after the close was refused.
    assert voting_round.result["ballot_count"] == len(set(saved))
    assert refused, "the close came after every ballot: make the race closer"
    assert not Ballot.objects.filter(round=voting_round, updated_at__gt=closed_at).exists()
    assert BallotRank.objects.filter(ballot__round=voting_round).count() == len(set(saved)) * len(candidates)
