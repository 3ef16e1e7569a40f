"""Digests: every email that goes to an alliance or to those invited to a meeting, none lost.

A digest is named by a key; each (key, recipient) pair has one DigestDelivery row, made before
any mail goes out. A worker leases the rows it sends (network.digests.sending), so however often
a digest is started nobody gets a second copy, and a lease that runs out (a worker died, Redis lost
the task) is swept up again. Only a crash between the mail server's "250" and the record can make a
second copy: at most one per delivery then in flight, with the same Message-ID, and recorded.
The package, one module per job:

- keys.py        what a key names: every key is made and parsed there
- recipients.py  who receives a digest (reads)
- content.py     what a digest says, read once per run (reads)
- messages.py    building one person's email (renders; reads only through content)
- sending.py     sending under leases, and the sweep: every write to deliveries
- due.py         what is due: digests to start, refused emails to retry, leases run out, too late (reads)
- runs.py        the one orchestration of "send this digest" and of what is due, used by the Celery tasks
                 (network.tasks),
                 `manage.py send_due_digests` and the Digests page's "send now"

What the Digests page shows is read in network.selectors.digests; its writes (the schedule, a person's
preference, "send now") are in network.services.digests. Nothing in this package imports either.
"""

from __future__ import annotations

from network.digests.due import (
    MAX_ATTEMPTS,
    MAX_DAYS_BEFORE_MEETING,
    DueRun,
    digests_due,
    retries_due,
    retry_delay,
)
from network.digests.keys import Digest, digest_parse, mail_key, weekly_key
from network.digests.messages import digest_message, digest_preview
from network.digests.recipients import digest_recipient, digest_recipients
from network.digests.runs import DigestRun, digest_prepare, digest_run, digest_send, runs_due
from network.digests.sending import SendCounts, mail_deliveries_create

__all__ = [
    "MAX_ATTEMPTS",
    "MAX_DAYS_BEFORE_MEETING",
    "Digest",
    "DigestRun",
    "DueRun",
    "SendCounts",
    "digest_message",
    "digest_parse",
    "digest_prepare",
    "digest_preview",
    "digest_recipient",
    "digest_recipients",
    "digest_run",
    "digest_send",
    "digests_due",
    "mail_deliveries_create",
    "mail_key",
    "retries_due",
    "retry_delay",
    "runs_due",
    "weekly_key",
]
