"""Candidate outcomes: propose, edit, merge duplicates, withdraw."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Agency, Membership
from network.text import one_line
from outcomes.access import MANAGERS, PROPOSERS, can_edit_outcome, check_role
from outcomes.models import CandidateOutcome, VotingRound


def _site_agencies(membership: Membership, agencies: Iterable[Agency]) -> list[Agency]:
    agencies = list(agencies)
    if any(agency.site_id != membership.site_id for agency in agencies):
        raise DomainError(_("Choose agencies of this site."), field="agencies")
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
    check_role(membership, PROPOSERS, _("Your role in this site does not allow you to propose outcomes."))
    statement = one_line(statement)
    touching = _site_agencies(membership, agencies)
    if _duplicate(membership, statement):
        raise DomainError(_("That outcome has already been proposed."), field="statement")
    outcome = CandidateOutcome.objects.create(
        site=membership.site, statement=statement, why_it_matters=why_it_matters.strip(), proposed_by=membership
    )
    outcome.agencies.set(touching)
    return outcome


def _in_open_round(outcome: CandidateOutcome) -> bool:
    return outcome.rounds.filter(status=VotingRound.Status.OPEN).exists()


@transaction.atomic
def outcome_edit(
    *,
    outcome: CandidateOutcome,
    membership: Membership,
    statement: str,
    why_it_matters: str,
    agencies: Iterable[Agency] = (),
) -> CandidateOutcome:
    if not can_edit_outcome(outcome=outcome, membership=membership):
        raise DomainError(
            _(
                "You cannot edit this outcome now: leaders edit their own until voting opens, "
                "and enablers edit any outcome while no round is open on it."
            )
        )
    statement = one_line(statement)
    touching = _site_agencies(membership, agencies)
    if _duplicate(membership, statement, exclude=outcome.pk):
        raise DomainError(_("That outcome has already been proposed."), field="statement")
    outcome.statement = statement
    outcome.why_it_matters = why_it_matters.strip()
    outcome.save(update_fields=["statement", "why_it_matters"])
    outcome.agencies.set(touching)
    return outcome


def _check_settled(outcome: CandidateOutcome, membership: Membership, refusal: str) -> None:
    check_role(membership, MANAGERS, refusal)
    if outcome.site_id != membership.site_id:
        raise DomainError(_("That outcome is not in your site."))
    if not outcome.is_active:
        raise DomainError(_("That outcome is no longer a candidate."))
    if _in_open_round(outcome):
        raise DomainError(_("A round is open on this outcome; wait until it closes."))


@transaction.atomic
def outcome_withdraw(*, outcome: CandidateOutcome, membership: Membership) -> CandidateOutcome:
    """Take an outcome out of later rounds. Closed rounds keep it, so their results never change."""
    _check_settled(outcome, membership, _("Your role in this site does not allow you to withdraw outcomes."))
    outcome.withdrawn_at = timezone.now()
    outcome.save(update_fields=["withdrawn_at"])
    return outcome


@transaction.atomic
def outcome_merge(*, duplicate: CandidateOutcome, into: CandidateOutcome, membership: Membership) -> CandidateOutcome:
    """Merge a duplicate into another outcome; both proposers stay credited, and the agencies are combined."""
    if duplicate.pk == into.pk:
        raise DomainError(_("Choose a different outcome to merge into."), field="into")
    refusal = _("Your role in this site does not allow you to merge outcomes.")
    _check_settled(duplicate, membership, refusal)
    _check_settled(into, membership, refusal)
    credited = {m for m in [duplicate.proposed_by_id, *duplicate.co_proposers.values_list("pk", flat=True)] if m}
    if into.proposed_by_id is not None:
        credited.discard(into.proposed_by_id)
    into.co_proposers.add(*credited)
    into.agencies.add(*duplicate.agencies.all())
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into"])
    return into
