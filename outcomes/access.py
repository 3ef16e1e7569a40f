"""Who may do what with candidate outcomes and voting rounds: each rule named once.

`network/access.py` fetches a site through the signed-in person's membership;
the rules here say what that membership allows in voting. Views gate on the
role sets (`site_view(MANAGERS)`), services check the same sets
(`check_role`), and templates read the same predicates through `RoundAccess`,
so a page never offers what the server would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from network.access import ENABLERS, LEADERS, PROPOSERS
from network.errors import DomainError
from network.models import Membership, Role
from outcomes.models import CandidateOutcome, VotingRound

#: Who sets up, opens and closes rounds, adopts outcomes, and merges or withdraws them: the enablers.
MANAGERS = ENABLERS
#: Who casts ballots and commits to an outcome: the leaders.
VOTERS = LEADERS

__all__ = [
    "MANAGERS",
    "PROPOSERS",
    "VOTERS",
    "RoundAccess",
    "RoundCounts",
    "can_edit_outcome",
    "can_manage",
    "can_propose",
    "can_see_voters",
    "can_vote",
    "check_role",
    "editable_outcome_ids",
]


def check_role(membership: Membership, roles: frozenset[str], refusal: str) -> None:
    """For services: refuse a membership whose role is not in `roles` with `refusal`, a translated sentence
    fit to show (a whole sentence, not an action glued into one, so that every language can say it)."""
    if membership.role not in roles:
        raise DomainError(refusal)


def can_propose(membership: Membership) -> bool:
    return membership.role in PROPOSERS


def can_manage(membership: Membership) -> bool:
    return membership.role in MANAGERS


def can_vote(membership: Membership) -> bool:
    return membership.role in VOTERS


def can_see_voters(membership: Membership, voting_round: VotingRound) -> bool:
    """Who has voted in an opened round: enablers always; anyone else when the round shows names now."""
    return not voting_round.is_draft and (can_manage(membership) or voting_round.shows_names)


@dataclass(frozen=True)
class RoundAccess:
    """What the person looking at a round may do there, for its templates."""

    manage: bool
    vote: bool
    see_voters: bool

    @classmethod
    def of(cls, membership: Membership, voting_round: VotingRound) -> RoundAccess:
        return cls(
            manage=can_manage(membership),
            vote=can_vote(membership),
            see_voters=can_see_voters(membership, voting_round),
        )


class EditableOutcome(Protocol):
    """What the edit rule reads of an outcome: a CandidateOutcome, or the outcomes list's card of one."""

    @property
    def pk(self) -> int: ...
    @property
    def site_id(self) -> int: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def proposed_by_id(self) -> int | None: ...


def _edit_allowed(
    outcome: EditableOutcome, membership: Membership, *, in_open_round: bool, voting_opened: bool
) -> bool:
    if outcome.site_id != membership.site_id or not outcome.is_active:
        return False
    if membership.role == Role.ENABLER:
        return not in_open_round
    return membership.role == Role.LEADER and outcome.proposed_by_id == membership.pk and not voting_opened


def can_edit_outcome(*, outcome: CandidateOutcome, membership: Membership) -> bool:
    """Enablers edit any outcome while no open round holds it; a leader edits their own until voting on it opens."""
    statuses = set(outcome.rounds.values_list("status", flat=True))
    return _edit_allowed(
        outcome,
        membership,
        in_open_round=VotingRound.Status.OPEN in statuses,
        voting_opened=bool(statuses - {VotingRound.Status.DRAFT}),
    )


@dataclass(frozen=True)
class RoundCounts:
    """How many rounds hold an outcome: open now, and ever opened (drafts aside)."""

    open: int
    opened: int


def editable_outcome_ids(
    *, outcomes: Iterable[EditableOutcome], rounds: Mapping[int, RoundCounts], membership: Membership
) -> set[int]:
    """The ids of those outcomes that `can_edit_outcome` allows, given each one's `rounds`: no query per outcome."""
    return {
        outcome.pk
        for outcome in outcomes
        if _edit_allowed(
            outcome,
            membership,
            in_open_round=rounds[outcome.pk].open > 0,
            voting_opened=rounds[outcome.pk].opened > 0,
        )
    }
