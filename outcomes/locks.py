"""The lock that keeps ballots and the count apart: voters share it, closing a round takes it alone.

A PostgreSQL advisory lock keyed by the round, held to the end of the transaction. Voters of a round
hold it together, so they never queue on one another; closing takes it exclusively, so it waits for
the ballots in flight, and every ballot after it reads the round as closed. Unlike a row lock shared
FOR SHARE, PostgreSQL queues these fairly: once a close is waiting, new ballots wait behind it,
so a busy round still closes at once rather than when voting happens to pause.

On PostgreSQL a ballot takes it in the statement that reads the round's outcomes
(services/ballots.py, `_LOCK_AND_CANDIDATES`), to save a round trip; the key is this module's.

Closing takes this lock before it locks the round's row: a ballot in flight holds the lock and
then, inserting its ballot, a key-share lock on the row, so the other order could deadlock.
"""

from __future__ import annotations

from django.db import connection

ROUND_NAMESPACE = 1_600_000  # the first key of the pair, so these never collide with another use of advisory locks


def round_votes_shared(round_id: int) -> None:
    """Taken by each ballot, inside its transaction (a no-op on SQLite, which writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [ROUND_NAMESPACE, round_id])


def round_votes_exclusive(round_id: int) -> None:
    """Taken by closing a round, inside its transaction, before the round's row is locked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROUND_NAMESPACE, round_id])
