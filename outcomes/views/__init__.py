"""Outcome pages, split by noun."""

from __future__ import annotations

from outcomes.views.outcomes import outcome_edit, outcome_list, outcome_merge, outcome_withdraw
from outcomes.views.results import round_pairwise_csv, round_results_csv, round_support_csv, round_system
from outcomes.views.rounds import (
    outcome_adopt,
    outcome_commit,
    round_close,
    round_create,
    round_detail,
    round_open_draft,
    round_voters,
)

__all__ = [
    "outcome_adopt",
    "outcome_commit",
    "outcome_edit",
    "outcome_list",
    "outcome_merge",
    "outcome_withdraw",
    "round_close",
    "round_create",
    "round_detail",
    "round_open_draft",
    "round_pairwise_csv",
    "round_results_csv",
    "round_support_csv",
    "round_system",
    "round_voters",
]
