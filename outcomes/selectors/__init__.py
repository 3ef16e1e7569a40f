"""Every read of candidate outcomes, rounds, ballots and results, split by noun."""

from __future__ import annotations

from outcomes.selectors.results import RankedOutcome, RoundResult, round_result
from outcomes.selectors.rounds import (
    OutcomeSummary,
    OwnBallot,
    outcome_get,
    outcomes_for_site,
    own_ballot,
    round_ballot_count,
    round_candidates,
    round_get,
    round_voters,
    rounds_for_site,
    site_outcome_summary,
)
from outcomes.selectors.system import SystemView, system_view

__all__ = [
    "OutcomeSummary",
    "OwnBallot",
    "RankedOutcome",
    "RoundResult",
    "SystemView",
    "outcome_get",
    "outcomes_for_site",
    "own_ballot",
    "round_ballot_count",
    "round_candidates",
    "round_get",
    "round_result",
    "round_voters",
    "rounds_for_site",
    "site_outcome_summary",
    "system_view",
]
