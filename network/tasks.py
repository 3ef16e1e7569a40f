"""Celery tasks: thin adapters that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from network import digests, services
from network.models import Membership


@shared_task(acks_late=True)
def meeting_digest_send(meeting_id: int) -> dict[str, int]:
    return digests.meeting_digest_send(meeting_id=meeting_id)


@shared_task(acks_late=True)
def welcome_email_send(membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "site").filter(pk=membership_id).first()
    if membership is not None:
        services.welcome_email_send(membership=membership)
