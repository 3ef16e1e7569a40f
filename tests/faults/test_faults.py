"""Nothing lost, and a duplicate only when a crash makes it unavoidable: a 500-recipient digest, broken on purpose.

Each test sends a meeting's digest to 500 alliance members through two real Celery workers and a beat
(subprocesses, on a Redis of the test's own), breaks one part once 100 messages have arrived, mends it,
and then counts what the SMTP server received per recipient:

- all 500 recipients got it: nothing lost;
- duplicates are no more than the deliveries in flight when something died, and each carries the
  same Message-ID as its first copy, and the ledger says "may have been sent twice" for it;
- every ledger row ends sent (or failed, with its reason) within a bounded time after the fault clears.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest

from network.models import DigestDelivery, DigestSchedule
from tests.faults.conftest import Cluster, FaultyInbox, PrivateRedis
from tests.network.test_digest_reliability import _alliance_of, _meeting_for

SIZE = 500
TRIGGER_AT = 100  # messages accepted before the fault is injected
SETTLE_SECONDS = 120  # after the fault clears; the leases and sweeps are a few seconds in these tests

pytestmark = pytest.mark.services


def _expected() -> set[str]:
    return {f"person{i:04d}@mass.example" for i in range(SIZE)}


def _start_digest(cluster: Cluster) -> str:
    coordinator, member = _alliance_of(SIZE)
    # Not the weekly digest too, while the beat runs: Sunday night is this week's only moment.
    DigestSchedule.objects.create(site=coordinator.site, weekday=6, send_time=dt.time(23, 59))
    return f"meeting:{_meeting_for(coordinator, member)}"


def _wait_for(event: threading.Event, cluster: Cluster, what: str) -> None:
    assert event.wait(90), f"{what} never happened\n{cluster.logs()}"


def _settle(key: str, cluster: Cluster, inbox: FaultyInbox) -> float:
    """Wait until every delivery is final and every recipient has a copy, then a little longer for stragglers.

    Returns the seconds it took, from when the fault cleared (the call)."""
    cleared = time.monotonic()
    deadline = cleared + SETTLE_SECONDS
    final = (DigestDelivery.Status.SENT, DigestDelivery.Status.FAILED)
    while time.monotonic() < deadline:
        rows = DigestDelivery.objects.filter(key=key)
        if (
            rows.count() == SIZE
            and not rows.exclude(status__in=final).exists()
            and _expected() <= set(inbox.recipients(key))
        ):
            settled = time.monotonic() - cleared
            time.sleep(2.0)  # anything still in flight would arrive now
            return settled
        time.sleep(0.25)
    counts = Counter(DigestDelivery.objects.filter(key=key).values_list("status", flat=True))
    lost = len(_expected() - set(inbox.recipients(key)))
    pytest.fail(
        f"not settled {SETTLE_SECONDS}s after the fault cleared: ledger {dict(counts)}, {lost} recipients lost\n"
        f"{cluster.logs()}"
    )


def _assert_nothing_lost(key: str, inbox: FaultyInbox, cluster: Cluster, *, in_flight: int, settled: float) -> None:
    received = inbox.recipients(key)
    flagged_count = DigestDelivery.objects.filter(key=key, may_have_sent_twice=True).count()
    # The figures for the report (pytest -rP shows them).
    print(
        f"FAULTS {os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]}: {len(set(received))} distinct of {SIZE}, "
        f"{len(_expected() - set(received))} lost, {sum(received.values()) - len(received)} duplicates "
        f"(in flight at crash <= {in_flight}), {flagged_count} flagged maybe twice, settled {settled:.1f}s after the "
        "fault cleared"
    )
    lost = _expected() - set(received)
    assert not lost, f"{len(lost)} never received, e.g. {sorted(lost)[:5]}\n{cluster.logs()}"
    doubles = {who: n for who, n in received.items() if n > 1}
    extra = sum(n - 1 for n in doubles.values())
    assert extra <= in_flight, f"{extra} duplicates, but only {in_flight} in flight at the crash: {doubles}"
    ids = inbox.message_ids(key)
    assert all(len(ids[who]) == 1 for who in doubles), "a duplicate carried another Message-ID"
    assert len({next(iter(v)) for v in ids.values()}) == SIZE, "Message-IDs are not one per delivery"
    statuses = Counter(DigestDelivery.objects.filter(key=key).values_list("status", flat=True))
    assert statuses == {DigestDelivery.Status.SENT: SIZE}, statuses
    flagged = set(
        DigestDelivery.objects.filter(key=key, may_have_sent_twice=True).values_list(
            "recipient__user__email", flat=True
        )
    )
    assert set(doubles) <= flagged, f"doubled but not recorded as maybe sent twice: {set(doubles) - flagged}"
    assert len(flagged) <= in_flight, f"{len(flagged)} flagged, more than the {in_flight} in flight"


def _trigger(inbox: FaultyInbox, at: int, action: Callable[[], None] | None = None) -> threading.Event:
    """An event set (after running `action` inside the SMTP server) when the `at`th message is accepted."""
    event = threading.Event()

    def hook(handed: int) -> None:
        if handed >= at and not event.is_set():
            if action is not None:
                action()
            event.set()

    inbox.on_message = hook
    return event


def test_a_worker_sigkilled_twice_mid_send(cluster: Cluster, faulty_inbox: FaultyInbox) -> None:
    cluster.beat()
    first, second = cluster.worker(), cluster.worker()
    # SIGKILL the first worker while it waits for the server's "250": the message is stored, the ledger is not.
    killed = _trigger(faulty_inbox, TRIGGER_AT, first.sigkill)
    key = _start_digest(cluster)
    _wait_for(killed, cluster, "the first kill")
    third = cluster.worker()
    killed_again = _trigger(faulty_inbox, faulty_inbox.count() + 100, second.sigkill)
    _wait_for(killed_again, cluster, "the second kill")
    cluster.worker()
    settled = _settle(key, cluster, faulty_inbox)
    assert first.process.wait(5) < 0 and second.process.wait(5) < 0
    assert third.process.poll() is None
    _assert_nothing_lost(key, faulty_inbox, cluster, in_flight=2, settled=settled)


def test_the_worker_and_the_beat_sigkilled(cluster: Cluster, faulty_inbox: FaultyInbox) -> None:
    beat = cluster.beat()
    worker = cluster.worker()

    def kill_both() -> None:
        worker.sigkill()
        beat.sigkill()

    killed = _trigger(faulty_inbox, TRIGGER_AT, kill_both)
    key = _start_digest(cluster)
    _wait_for(killed, cluster, "the kill")
    time.sleep(1)
    cluster.worker()
    cluster.beat()
    settled = _settle(key, cluster, faulty_inbox)
    _assert_nothing_lost(key, faulty_inbox, cluster, in_flight=1, settled=settled)


def test_redis_killed_mid_send_and_restarted_empty(
    cluster: Cluster, faulty_inbox: FaultyInbox, private_redis: PrivateRedis
) -> None:
    cluster.beat()
    cluster.worker()
    cluster.worker()
    reached = _trigger(faulty_inbox, TRIGGER_AT)
    key = _start_digest(cluster)
    _wait_for(reached, cluster, f"the {TRIGGER_AT}th message")
    private_redis.restart_empty(down_for=2.0)
    settled = _settle(key, cluster, faulty_inbox)
    _assert_nothing_lost(key, faulty_inbox, cluster, in_flight=0, settled=settled)


def test_an_smtp_server_that_hangs_mid_send(cluster: Cluster, faulty_inbox: FaultyInbox) -> None:
    cluster.beat()
    cluster.worker()
    cluster.worker()

    def hang() -> None:
        faulty_inbox.hanging = True

    hung = _trigger(faulty_inbox, TRIGGER_AT, hang)
    key = _start_digest(cluster)
    _wait_for(hung, cluster, "the hang")
    time.sleep(8.0)  # four email timeouts' worth of hanging
    faulty_inbox.hanging = False
    assert faulty_inbox.hung > 0, "nothing reached the hanging server, so this proved nothing"
    settled = _settle(key, cluster, faulty_inbox)
    _assert_nothing_lost(key, faulty_inbox, cluster, in_flight=0, settled=settled)


def test_an_smtp_server_that_refuses_then_disappears(cluster: Cluster, faulty_inbox: FaultyInbox) -> None:
    cluster.beat()
    cluster.worker()
    cluster.worker()

    def refuse() -> None:
        faulty_inbox.refusing = True

    refusing = _trigger(faulty_inbox, TRIGGER_AT, refuse)
    key = _start_digest(cluster)
    _wait_for(refusing, cluster, "the refusals")
    time.sleep(3.0)
    faulty_inbox.stop()  # gone: the port is closed
    faulty_inbox.refusing = False
    time.sleep(3.0)
    faulty_inbox.start()
    assert faulty_inbox.refused > 0, "nothing was refused, so this proved nothing"
    settled = _settle(key, cluster, faulty_inbox)
    _assert_nothing_lost(key, faulty_inbox, cluster, in_flight=0, settled=settled)
