"""Celery tasks: thin adapters that load by id and call a service."""

from __future__ import annotations

from celery import Task, shared_task
from celery.exceptions import MaxRetriesExceededError
from django.conf import settings
from django.utils import timezone

from network import digests
from network.models import DigestDelivery, Membership


def _digest_run(task: Task, key: str, delivery_ids: list[int] | None = None) -> dict[str, int]:
    """Send a digest, or fan a big one out in chunks that any worker can take; retry refusals with backoff."""
    if delivery_ids is None:
        digest = digests.digest_parse(key)
        if digest is None:
            return {"sent": 0, "failed": 0, "skipped": 0}
        digests.deliveries_create(digest)
        delivery_ids = list(DigestDelivery.objects.filter(key=key).order_by("pk").values_list("pk", flat=True))
        chunk = settings.DIGEST_CHUNK_SIZE
        if len(delivery_ids) > chunk:
            # Chunks go to the queue this task came from, so the workers serving it share them.
            queue = _same_queue(task)
            for start in range(0, len(delivery_ids), chunk):
                digest_send_chunk.apply_async((key, delivery_ids[start : start + chunk]), queue=queue)  # type: ignore[arg-type]
            return {"sent": 0, "failed": 0, "skipped": 0, "queued": len(delivery_ids)}
    counts = digests.digest_send(key=key, delivery_ids=delivery_ids)
    # Run in-process (no broker) there is no worker to come back later: `send_due_digests` (or the beat)
    # picks refused emails up once their backoff is over.
    if task.request.is_eager:
        return counts
    retry_at = digests.digest_retry_next(key=key, delivery_ids=delivery_ids)
    if retry_at is not None:
        # Come back when the soonest backoff ends; the beat sweeps up anything this misses.
        countdown = max((retry_at - timezone.now()).total_seconds(), 0) + 0.5
        try:
            raise task.retry(countdown=countdown, max_retries=2 * digests.MAX_ATTEMPTS)
        except MaxRetriesExceededError:
            return counts
    return counts


@shared_task(bind=True, acks_late=True)
def digest_send(self: Task, key: str) -> dict[str, int]:
    return _digest_run(self, key)


@shared_task(bind=True, acks_late=True)
def digest_send_chunk(self: Task, key: str, delivery_ids: list[int]) -> dict[str, int]:
    return _digest_run(self, key, delivery_ids)


def _same_queue(task: Task) -> str | None:
    """The queue this task came from, so the work it starts goes to the workers serving that queue."""
    return (task.request.delivery_info or {}).get("routing_key") or None


@shared_task(bind=True, acks_late=True)
def digests_due_send(self: Task) -> list[str]:
    """Celery beat's entry: start every weekly digest and meeting reminder whose time has come, and retry
    the refused emails whose backoff is over."""
    queue = _same_queue(self)
    keys = digests.digests_due()
    for key in keys:
        digest_send.apply_async((key,), queue=queue)  # type: ignore[arg-type]
    for key, delivery_ids in digests.retries_due().items():
        digest_send_chunk.apply_async((key, delivery_ids), queue=queue)  # type: ignore[arg-type]
    return keys


@shared_task(acks_late=True)
def invitation_send(membership_id: int) -> bool:
    from network.services.invitations import invitation_send as send

    membership = Membership.objects.select_related("user", "site", "agency").filter(pk=membership_id).first()
    return membership is not None and send(membership=membership)


@shared_task(acks_late=True)
def sign_in_link_send(user_id: int, site_slug: str = "") -> None:
    from network.models import User
    from network.services.invitations import sign_in_link_send as send

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        send(user=user, site_slug=site_slug)
