"""Background work that services ask for, without importing the tasks that do it.

Tasks import services, never the reverse. So a service that wants an email sent once its
transaction commits asks one of the jobs below, by ids; the app connects each job to the Celery
task that does it when Django is ready (network.apps, outcomes.apps). With no broker, Celery runs
the task in-process as soon as the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Generic, ParamSpec

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

P = ParamSpec("P")


class Job(Generic[P]):
    """One kind of background work, done by whatever was connected to it (a Celery task's `delay`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._run: Callable[P, object] | None = None

    def connect(self, run: Callable[P, object]) -> None:
        self._run = run

    def after_commit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Start the job once the current transaction commits (at once outside a transaction)."""
        if self._run is None:
            # Loudly, inside the caller's transaction: an email nobody would ever send is a bug, not a no-op.
            raise ImproperlyConfigured(f"Nothing is connected to do {self.name!r}; its app's ready() connects it.")
        transaction.on_commit(partial(self._run, *args, **kwargs))


# A digest, by its key (network.digests.keys): every email in the ledger, invitations too.
digest_send: Job[[str]] = Job("digest_send")
# A sign-in link, by user id, with the slug of the site to land on ("" for none).
sign_in_link_send: Job[[int, str]] = Job("sign_in_link_send")
# A map snapshot, by site id, with the ISO time it was asked for (a second run of the same request makes none).
map_snapshot_make: Job[[int, str]] = Job("map_snapshot_make")
