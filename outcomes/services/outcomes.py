"""Candidate outcomes: propose, edit, merge duplicates, withdraw."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from network.access import ENABLERS, PROPOSERS
from network.errors import DomainError
from network.models import Agency, Membership, Role
from outcomes.models import CandidateOutcome, VotingRound


def check_role(membership: Membership, roles: frozenset[str], action: str) -> None:
    if membership.role not in roles:
        raise DomainError(f"Your role in this site does not allow you to {action}.")


def _site_agencies(membership: Membership, agencies: Iterable[Agency]) -> list[Agency]:
    agencies = list(agencies)
    if any(agency.site_id != membership.site_id for agency in agencies):
        raise DomainError("Choose agencies of this site.", field="agencies")
    return agencies


def _duplicate(membership: Membership, statement: str, exclude: int | None = None) -> bool:
    others = membership.site.candidate_outcomes.filter(statement__iexact=statement, merged_into__isnull=True)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


@transaction.atomic
def outcome_propose(
    *, membership: Membership, statement: str, why_it_matters: str, agencies: Iterable[Agency] = ()
) -> CandidateOutcome:
    check_role(membership, PROPOSERS, "propose outcomes")
    statement = statement.strip()
    touching = _site_agencies(membership, agencies)
    if _duplicate(membership, statement):
        raise DomainError("That outcome has already been proposed.", field="statement")
    outcome = CandidateOutcome.objects.create(
        site=membership.site, statement=statement, why_it_matters=why_it_matters.strip(), proposed_by=membership
    )
    outcome.agencies.set(touching)
    return outcome


def _in_open_round(outcome: CandidateOutcome) -> bool:
    return outcome.rounds.filter(status=VotingRound.Status.OPEN).exists()


def _edit_allowed(
    outcome: CandidateOutcome, membership: Membership, *, in_open_round: bool, voting_opened: bool
) -> bool:
    if outcome.site_id != membership.site_id or not outcome.is_active:
        return False
    if membership.role == Role.ENABLER:
        return not in_open_round
    return membership.role == Role.LEADER and outcome.proposed_by_id == membership.pk and not voting_opened


def can_edit(*, outcome: CandidateOutcome, membership: Membership) -> bool:
    """Enablers edit any outcome while no open round holds it; a leader edits their own until voting on it opens."""
    statuses = set(outcome.rounds.values_list("status", flat=True))
    return _edit_allowed(
        outcome,
        membership,
        in_open_round=VotingRound.Status.OPEN in statuses,
        voting_opened=bool(statuses - {VotingRound.Status.DRAFT}),
    )


def editable_outcome_ids(*, outcomes: Iterable[CandidateOutcome], membership: Membership) -> set[int]:
    """The ids of those outcomes `can_edit` allows, without a query per outcome.

    Each outcome must carry the `open_rounds` and `opened_rounds` counts that
    `selectors.outcomes_for_site` annotates.
    """
    return {
        outcome.pk
        for outcome in outcomes
        if _edit_allowed(
            outcome,
            membership,
            in_open_round=outcome.open_rounds > 0,  # type: ignore[attr-defined]
            voting_opened=outcome.opened_rounds > 0,  # type: ignore[attr-defined]
        )
    }


@transaction.atomic
def outcome_edit(
    *,
    outcome: CandidateOutcome,
    membership: Membership,
    statement: str,
    why_it_matters: str,
    agencies: Iterable[Agency] = (),
) -> CandidateOutcome:
    if not can_edit(outcome=outcome, membership=membership):
        raise DomainError(
            "You cannot edit this outcome now: leaders edit their own until voting opens, "
            "and enablers edit any outcome while no round is open on it."
        )
    statement = statement.strip()
    touching = _site_agencies(membership, agencies)
    if _duplicate(membership, statement, exclude=outcome.pk):
        raise DomainError("That outcome has already been proposed.", field="statement")
    outcome.statement = statement
    outcome.why_it_matters = why_it_matters.strip()
    outcome.save(update_fields=["statement", "why_it_matters"])
    outcome.agencies.set(touching)
    return outcome


def _check_settled(outcome: CandidateOutcome, membership: Membership, action: str) -> None:
    check_role(membership, ENABLERS, action)
    if outcome.site_id != membership.site_id:
        raise DomainError("That outcome is not in your site.")
    if not outcome.is_active:
        raise DomainError("That outcome is no longer a candidate.")
    if _in_open_round(outcome):
        raise DomainError("A round is open on this outcome; wait until it closes.")


@transaction.atomic
def outcome_withdraw(*, outcome: CandidateOutcome, membership: Membership) -> CandidateOutcome:
    """Take an outcome out of later rounds. Closed rounds keep it, so their results never change."""
    _check_settled(outcome, membership, "withdraw outcomes")
    outcome.withdrawn_at = timezone.now()
    outcome.save(update_fields=["withdrawn_at"])
    return outcome


@transaction.atomic
def outcome_merge(*, duplicate: CandidateOutcome, into: CandidateOutcome, membership: Membership) -> CandidateOutcome:
    """Merge a duplicate into another outcome; both proposers stay credited, and the agencies are combined."""
    if duplicate.pk == into.pk:
        raise DomainError("Choose a different outcome to merge into.", field="into")
    _check_settled(duplicate, membership, "merge outcomes")
    _check_settled(into, membership, "merge outcomes")
    credited = {m for m in [duplicate.proposed_by_id, *duplicate.co_proposers.values_list("pk", flat=True)] if m}
    if into.proposed_by_id is not None:
        credited.discard(into.proposed_by_id)
    into.co_proposers.add(*credited)
    into.agencies.add(*duplicate.agencies.all())
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    return into
