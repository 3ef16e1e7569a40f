"""Every write to candidate outcomes, voting rounds and ballots, split by noun."""

from __future__ import annotations

from outcomes.services.adoption import outcome_adopt, outcome_commit
from outcomes.services.ballots import ballot_submit, ranks_after_move
from outcomes.services.outcomes import (
    outcome_edit,
    outcome_merge,
    outcome_propose,
    outcome_withdraw,
)
from outcomes.services.rounds import (
    round_close,
    round_create,
    round_create_and_open,
    round_open_draft,
    rounds_close_due,
)

__all__ = [
    "ballot_submit",
    "outcome_adopt",
    "outcome_commit",
    "outcome_edit",
    "outcome_merge",
    "outcome_propose",
    "outcome_withdraw",
    "ranks_after_move",
    "round_close",
    "round_create",
    "round_create_and_open",
    "round_open_draft",
    "rounds_close_due",
]
