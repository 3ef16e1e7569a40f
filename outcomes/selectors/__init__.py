"""Every read of candidate outcomes, rounds, ballots and results, split by noun."""

from __future__ import annotations

from outcomes.selectors.ballots import (
    OwnBallot,
    VoterRow,
    adoption_invitees,
    ballots_to_count,
    invited_to,
    own_ballot,
    round_voters,
)
from outcomes.selectors.outcomes import outcome_get, outcomes_for_site
from outcomes.selectors.results import (
    RankedOutcome,
    ResultPage,
    RoundResult,
    result_page,
    round_pairwise,
    round_recount,
    round_result,
)
from outcomes.selectors.rounds import (
    OutcomeSummary,
    round_ballot_candidates,
    round_ballot_count,
    round_candidates,
    round_get,
    rounds_for_site,
    site_outcome_summary,
)
from outcomes.selectors.system import SystemView, system_view

__all__ = [
    "OutcomeSummary",
    "OwnBallot",
    "RankedOutcome",
    "ResultPage",
    "RoundResult",
    "SystemView",
    "VoterRow",
    "adoption_invitees",
    "ballots_to_count",
    "invited_to",
    "outcome_get",
    "outcomes_for_site",
    "own_ballot",
    "result_page",
    "round_ballot_candidates",
    "round_ballot_count",
    "round_candidates",
    "round_get",
    "round_pairwise",
    "round_recount",
    "round_result",
    "round_voters",
    "rounds_for_site",
    "site_outcome_summary",
    "system_view",
]
