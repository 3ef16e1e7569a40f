"""Celery tasks: thin adapters that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from network.models import Membership
from outcomes.models import CandidateOutcome, VotingRound


@shared_task(acks_late=True)
def rounds_close_due() -> list[int]:
    """Run by Celery beat: close every round whose closing time has passed (idempotent)."""
    from outcomes.services.rounds import rounds_close_due as close_due

    return close_due()


@shared_task(acks_late=True)
def adoption_invitation_send(round_id: int, outcome_id: int, membership_id: int) -> None:
    from outcomes.services.adoption import adoption_invitation_send as send

    voting_round = VotingRound.objects.select_related("site").filter(pk=round_id).first()
    outcome = CandidateOutcome.objects.filter(pk=outcome_id).first()
    membership = Membership.objects.select_related("user", "site").filter(pk=membership_id).first()
    if voting_round and outcome and membership:
        send(voting_round=voting_round, outcome=outcome, membership=membership)
