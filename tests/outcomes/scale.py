"""A big round, built fast: thousands of leaders and their ballots, for query-count tests and bench/bench_pages.py.

Rows are bulk-created (the services would take minutes for 100,000 ballot
entries); the round is opened and closed through the services, so the stored
result is exactly what the app computes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from network.models import Agency, Membership, PilotSite, Role, Sector, User
from outcomes import services
from outcomes.models import Ballot, BallotRank, CandidateOutcome, VotingRound

SECTORS = [Sector.LOCAL_AUTHORITY, Sector.NHS, Sector.POLICE, Sector.FIRE, Sector.HOUSING, Sector.VOLUNTARY]


@dataclass
class BigRound:
    voting_round: VotingRound
    outcomes: list[CandidateOutcome]
    leaders: list[Membership]


def build_big_round(
    *,
    site: PilotSite,
    enabler: Membership,
    leaders: int = 2000,
    outcomes: int = 50,
    seed: int = 4,
    close: bool = True,
    agency_count: int = 12,
) -> BigRound:
    rng = random.Random(seed)
    agencies = Agency.objects.bulk_create(
        Agency(site=site, name=f"Scale agency {i}", sector=SECTORS[i % len(SECTORS)]) for i in range(agency_count)
    )
    users = User.objects.bulk_create(
        User(email=f"scale{i}@{site.slug}.example", name=f"Scale Leader {i:04d}", password="!") for i in range(leaders)
    )
    members = Membership.objects.bulk_create(
        Membership(site=site, user=user, role=Role.LEADER, agency=agencies[i % len(agencies)])
        for i, user in enumerate(users)
    )
    candidate_rows = CandidateOutcome.objects.bulk_create(
        CandidateOutcome(
            site=site, statement=f"Scale outcome {i:02d}", why_it_matters="x", proposed_by=members[i % len(members)]
        )
        for i in range(outcomes)
    )
    voting_round = services.round_create_and_open(membership=enabler, title="At scale")
    ballots = Ballot.objects.bulk_create(Ballot(round=voting_round, voter=m) for m in members)
    rows = []
    for n, ballot in enumerate(ballots):
        # Each sector leans towards a different few outcomes, so the system view has splits to show.
        lean = (n % len(agencies)) % len(SECTORS)
        order = sorted(candidate_rows, key=lambda o: rng.random() - (0.6 if o.pk % len(SECTORS) == lean else 0))
        for rank, outcome in enumerate(order, start=1):
            rows.append(BallotRank(ballot=ballot, outcome=outcome, rank=rank, energy=rng.choice((0, 0, 1, 2))))
    BallotRank.objects.bulk_create(rows, batch_size=10_000)
    if close:
        voting_round = services.round_close(voting_round=voting_round, membership=enabler)
    return BigRound(voting_round=voting_round, outcomes=candidate_rows, leaders=members)
