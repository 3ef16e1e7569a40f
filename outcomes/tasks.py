"""Celery tasks: thin adapters that take ids and call a service.

Services never import this module: they ask outcomes.dispatch, which outcomes.apps connects to these tasks.
"""

from __future__ import annotations

from celery import shared_task

from network.models import Membership
from outcomes.models import CandidateOutcome, VotingRound
from outcomes.services import adoption, rounds


@shared_task(acks_late=True)
def rounds_close_due() -> list[int]:
    """Run by Celery beat: close every round whose closing time has passed (idempotent)."""
    return rounds.rounds_close_due()


@shared_task(acks_late=True)
def adoption_invitation_send(round_id: int, outcome_id: int, membership_id: int) -> None:
    voting_round = VotingRound.objects.select_related("site").filter(pk=round_id).first()
    outcome = CandidateOutcome.objects.filter(pk=outcome_id).first()
    membership = Membership.objects.select_related("user", "site").filter(pk=membership_id).first()
    if voting_round and outcome and membership:
        adoption.adoption_invitation_send(voting_round=voting_round, outcome=outcome, membership=membership)
