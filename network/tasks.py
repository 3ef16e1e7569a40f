"""Celery tasks: thin adapters that take ids and call a service.

Services never import this module: they ask network.dispatch, which network.apps connects to these
tasks. Every task may run twice (acks_late: a worker that dies mid-task hands it to another), and
each is safe to: the email ledger's leases (network.digests.sending) let only one worker send each email,
and the beat's sweep sends again whatever a lost or killed task left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task, shared_task
from celery.exceptions import MaxRetriesExceededError, SoftTimeLimitExceeded

from network.digests import MAX_ATTEMPTS, SendCounts, digest_run, runs_due
from network.models import PilotSite, User
from network.services import invitations
from network.services import map as maps

# Task is generic in celery-types; these adapters are bound to their own task, whatever its signature.
BoundTask = Task[Any, Any]


def _same_queue(task: BoundTask) -> str | None:
    """The queue this task came from, so the work it starts goes to the workers serving that queue."""
    routing_key: str | None = (task.request.delivery_info or {}).get("routing_key")
    return routing_key or None


def _queue(task: BoundTask, args: tuple[object, ...], *, queue: str | None) -> None:
    """Queue a task on the given queue, or where Celery routes it when there is none (run in-process)."""
    if queue is None:
        task.apply_async(args)
    else:
        task.apply_async(args, queue=queue)


def _digest_run(task: BoundTask, key: str, delivery_ids: list[int] | None) -> SendCounts:
    queue = _same_queue(task)

    def fan_out(key: str, chunk: list[int]) -> None:
        # Chunks go to the queue this task came from, so the workers serving it share them.
        _queue(digest_send_chunk, (key, chunk), queue=queue)

    # Run in-process (no broker) there is no worker to come back later: the beat or `send_due_digests`
    # picks refused emails up once their backoff is over.
    try:
        run = digest_run(key=key, delivery_ids=delivery_ids, fan_out=fan_out, plan_retry=not task.request.is_eager)
    except SoftTimeLimitExceeded:
        # Out of time: what was not handed over has been let go; a fresh task takes the rest at once
        # (what is done already is skipped), rather than leaving it for the hard limit to strand.
        if delivery_ids is None:
            _queue(digest_send, (key,), queue=queue)
        else:
            _queue(digest_send_chunk, (key, delivery_ids), queue=queue)
        return SendCounts(sent=0, failed=0, skipped=0, queued=len(delivery_ids or ()))
    if run.retry_in_seconds is None:
        return run.counts
    try:
        raise task.retry(countdown=run.retry_in_seconds, max_retries=2 * MAX_ATTEMPTS)
    except MaxRetriesExceededError:
        return run.counts  # the beat sweeps up whatever is still due


@shared_task(bind=True, acks_late=True)
def digest_send(self: BoundTask, key: str) -> SendCounts:
    """Send a digest to everyone it is for, fanning a big one out in chunks any worker can take."""
    return _digest_run(self, key, None)


@shared_task(bind=True, acks_late=True)
def digest_send_chunk(self: BoundTask, key: str, delivery_ids: list[int]) -> SendCounts:
    """Send a digest to these of its deliveries that are still to be sent."""
    return _digest_run(self, key, delivery_ids)


@shared_task(bind=True, acks_late=True)
def digests_due_send(self: BoundTask) -> list[str]:
    """Celery beat's entry: start every weekly digest and meeting reminder whose time has come, retry
    the refused emails whose backoff is over, and sweep up deliveries whose lease ran out. Returns the
    keys of the digests it started."""
    queue = _same_queue(self)
    started = []
    for run in runs_due():
        if run.delivery_ids is None:
            _queue(digest_send, (run.key,), queue=queue)
            started.append(run.key)
        else:
            _queue(digest_send_chunk, (run.key, run.delivery_ids), queue=queue)
    return started


@shared_task(acks_late=True)
def sign_in_link_send(user_id: int, site_slug: str = "") -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        invitations.sign_in_link_send(user=user, site_slug=site_slug)


@shared_task(acks_late=True)
def map_snapshot_make(site_id: int, requested_at: str) -> int | None:
    """Make the site's map snapshot asked for at `requested_at`, unless one was made since. Returns its id."""
    site = PilotSite.objects.filter(pk=site_id).first()
    if site is None:
        return None
    snapshot = maps.map_snapshot_make_if_needed(site=site, requested_at=dt.datetime.fromisoformat(requested_at))
    return snapshot.pk if snapshot is not None else None


@shared_task(bind=True, acks_late=True)
def map_snapshots_monthly(self: BoundTask) -> list[int]:
    """Celery beat's entry: a snapshot for every site that has none yet this month, one task per site so a
    big site's map does not hold up the rest (or the time limit). Returns their site ids."""
    site_ids = maps.map_snapshots_due()
    requested_at = maps.month_start().isoformat()  # one request per month: a second run finds it made
    for site_id in site_ids:
        _queue(map_snapshot_make, (site_id, requested_at), queue=_same_queue(self))
    return site_ids
