"""An outcome adopted the way the app adopts one: proposed, voted on, closed, committed to with pledges."""

from __future__ import annotations

from network.models import Alliance
from outcomes.models import CandidateOutcome
from outcomes.services import ballot_submit, outcome_commit, round_close, round_create_and_open
from tests.conftest import Cast


def adopt(cast: Cast, candidates: list[CandidateOutcome]) -> tuple[CandidateOutcome, Alliance]:
    """The first candidate wins the round; every leader of the cast commits to it with a pledge."""
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    for leader in cast.leaders:
        ballot_submit(voting_round=voting_round, voter=leader, ranks={c.pk: i + 1 for i, c in enumerate(candidates)})
    voting_round = round_close(voting_round=voting_round, membership=cast.enabler)
    for leader in cast.leaders:
        outcome_commit(voting_round=voting_round, membership=leader, pledge=f"My team, {leader.user.name}")
    outcome = CandidateOutcome.objects.get(pk=candidates[0].pk)
    assert outcome.alliance is not None
    return outcome, outcome.alliance
