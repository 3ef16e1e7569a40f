"""Sending one digest, start to finish: the one orchestration behind the Celery tasks, `send_due_digests`
and the Digests page's "send now" (which queues the task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from network.digests.due import DueRun, digest_too_late, retry_next
from network.digests.due import runs_due as starts_and_retries_due
from network.digests.keys import digest_parse
from network.digests.sending import (
    SendCounts,
    deliveries_create,
    deliveries_fail_late,
    deliveries_send,
    deliveries_sweep,
)

# Hands one chunk of a digest's deliveries (key, delivery ids) to whichever worker takes it.
FanOut = Callable[[str, list[int]], None]

# Come back this long after the soonest backoff ends, so that it has surely ended.
_RETRY_MARGIN_SECONDS = 0.5


@dataclass(frozen=True)
class DigestRun:
    """What one run did, and when to come back for the emails it had refused (None: no need, or not asked)."""

    counts: SendCounts
    retry_in_seconds: float | None = None


def digest_run(
    *, key: str, delivery_ids: list[int] | None = None, fan_out: FanOut | None = None, plan_retry: bool = False
) -> DigestRun:
    """Send a digest to everyone it is for (delivery_ids None), or to the given deliveries of it.

    A new run first makes the digest's deliveries; with `fan_out`, a digest to more people than
    DIGEST_CHUNK_SIZE is handed out in chunks, each a run of its own. A digest whose time has passed
    records its deliveries as failed with the reason instead. With `plan_retry` (a caller that can
    come back later, as a Celery worker can) the run says when its soonest refused email is due again;
    without it, the beat or `send_due_digests` sweeps refused emails up once their backoff is over.
    """
    digest = digest_parse(key)
    if digest is None:
        return DigestRun(SendCounts(sent=0, failed=0, skipped=0))
    if delivery_ids is None:
        delivery_ids = deliveries_create(digest=digest)
        chunk = settings.DIGEST_CHUNK_SIZE
        if fan_out is not None and len(delivery_ids) > chunk:
            for start in range(0, len(delivery_ids), chunk):
                fan_out(key, delivery_ids[start : start + chunk])
            return DigestRun(SendCounts(sent=0, failed=0, skipped=0, queued=len(delivery_ids)))
    late = digest_too_late(digest=digest)
    if late:
        # A reminder after the meeting began, or last week's news: recorded as failed, for the enabler to see.
        failed = deliveries_fail_late(key=key, delivery_ids=delivery_ids, reason=late)
        return DigestRun(SendCounts(sent=0, failed=failed, skipped=0))
    counts = deliveries_send(digest=digest, delivery_ids=delivery_ids)
    if not plan_retry:
        return DigestRun(counts)
    retry_at = retry_next(key=key, delivery_ids=delivery_ids)
    if retry_at is None:
        return DigestRun(counts)
    return DigestRun(counts, max((retry_at - timezone.now()).total_seconds(), 0) + _RETRY_MARGIN_SECONDS)


def digest_send(*, key: str, delivery_ids: list[int] | None = None) -> SendCounts:
    """Send a digest (or the given deliveries of it) in this process, all at once: `send_due_digests`' way."""
    return digest_run(key=key, delivery_ids=delivery_ids).counts


def runs_due(*, now: dt.datetime | None = None) -> list[DueRun]:
    """Every digest run that is due: digests to start, refused emails to retry, and the sweep.

    The sweep takes back deliveries whose lease ran out (their worker died mid-run) or that were
    queued and never claimed (Redis lost the task), and runs them again. What Celery beat queues every
    DIGEST_SWEEP_SECONDS, and `manage.py send_due_digests` runs from cron when there is no Celery.
    """
    runs = starts_and_retries_due(now=now)
    queued = {(run.key, tuple(run.delivery_ids or ())) for run in runs}
    for key, delivery_ids in deliveries_sweep(now=now).items():
        if (key, tuple(delivery_ids)) not in queued:
            runs.append(DueRun(key, delivery_ids))
    return runs


def digest_prepare(*, key: str) -> int:
    """Make a digest's deliveries now, before its task runs, so that from this moment its progress reads
    "queued" with everyone it is for still to go, never an empty "done". How many it is for."""
    digest = digest_parse(key)
    return len(deliveries_create(digest=digest)) if digest is not None else 0
