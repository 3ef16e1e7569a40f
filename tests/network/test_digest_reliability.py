"""Exactly once under trouble, with real parts: Celery workers in their own processes, Redis, PostgreSQL, aiosmtpd.

- a 500-recipient digest, fanned out in chunks over two workers, arrives once per person;
- an SMTP server that refuses for a while, then recovers: retried with backoff, everyone still gets one copy;
- a worker SIGKILLed in the middle of a batch and started again: the task comes back (acks_late) and nobody
  gets a second copy.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from network import services
from network.models import AllianceMember, DigestDelivery, Membership, Role, User
from systemsleader.celery import app
from tests.conftest import require
from tests.network.conftest import (
    CELERY,
    SITE_URL,
    Inbox,
    Worker,
    _free_port,
    _redis_reachable,
    _test_database_url,
)

REDIS_DB = 11  # reserved for these tests: flushed before and after each one
WAIT_SECONDS = 90


class TroubledInbox(Inbox):
    """An SMTP server that can refuse mail for a while, or kill a worker when the nth message arrives."""

    def __init__(self, port: int) -> None:
        super().__init__(port=port)
        self.refuse_until = 0.0
        self.refused = 0
        self.on_message: Callable[[int], bool] | None = None  # returns True to drop the message unanswered
        self.attempts = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        with self.lock:
            self.attempts += 1
            attempt = self.attempts
        if time.monotonic() < self.refuse_until:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        if self.on_message is not None and self.on_message(attempt):
            return "451 4.3.0 Not accepted"
        return await super().handle_DATA(server, session, envelope)

    def recipients(self) -> Counter[str]:
        return Counter(rcpt for r in self.messages() for rcpt in r.rcpt_tos)


@pytest.fixture
def broker(transactional_db: None) -> Iterator[str]:
    from urllib.parse import urlsplit, urlunsplit

    import redis

    require(
        connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database", env="REQUIRE_SERVICES"
    )
    require(bool(settings.REDIS_URL), "REDIS_URL is not set", env="REQUIRE_SERVICES")
    url = urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{REDIS_DB}"))
    require(_redis_reachable(url), f"Redis does not answer at {settings.REDIS_URL}", env="REQUIRE_SERVICES")
    require(CELERY.exists(), f"there is no celery command at {CELERY}", env="REQUIRE_SERVICES")
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def inbox(broker: str, caplog: pytest.LogCaptureFixture) -> Iterator[TroubledInbox]:
    import logging

    from aiosmtpd.controller import Controller

    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO

    inbox = TroubledInbox(port=_free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


class Workers:
    """Starts Celery workers on one queue of this test's own, and stops whatever is left at the end."""

    def __init__(self, broker: str, inbox: Inbox, tmp_path: Path) -> None:
        self.broker = broker
        self.inbox = inbox
        self.tmp_path = tmp_path
        self.queue = f"reliability-{uuid.uuid4().hex[:12]}"
        self.started: list[Worker] = []

    def start(self, **env_extra: str) -> Worker:
        token = uuid.uuid4().hex[:8]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_", "EMAIL_", "DIGEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="systemsleader.settings",
            DATABASE_URL=_test_database_url(),
            REDIS_URL=self.broker,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.inbox.port),
            SITE_URL=SITE_URL,
            PYTHONUNBUFFERED="1",
            DIGEST_CHUNK_SIZE="100",
            DIGEST_RETRY_SECONDS="1",
            **env_extra,
        )
        log_path = self.tmp_path / f"worker-{token}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    str(CELERY), "-A", "systemsleader", "worker", "--pool=solo", "--concurrency=1",
                    "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                    f"--hostname=worker-{token}@%h", "-Q", self.queue,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = Worker(process=process, log_path=log_path, queue=self.queue)
        self.started.append(worker)
        worker.wait_for(rf"worker-{token}@\S+ ready\.", "ready message from the worker")
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {w.log_path.name} ---\n{w.log()}" for w in self.started)

    def stop(self) -> None:
        for worker in self.started:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait(timeout=10)


@pytest.fixture
def workers(broker: str, inbox: TroubledInbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    """Workers on this test's queue; the test process publishes its tasks there, through Redis."""
    pool = Workers(broker, inbox, tmp_path)
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(name, raising=False)
    saved = {name: app.conf[name] for name in ("task_always_eager", "broker_url", "task_default_queue")}

    def forget_connections() -> None:
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    forget_connections()
    app.conf.update(task_always_eager=False, broker_url=broker, task_default_queue=pool.queue)
    try:
        yield pool
    finally:
        pool.stop()
        # kombu keeps producer pools in a process-wide registry keyed by broker URL; a pool whose
        # connections were closed would block the next test that publishes to the same URL.
        from kombu import pools

        pools.reset()
        forget_connections()
        app.conf.update(saved)


def _alliance_of(size: int) -> tuple[Membership, AllianceMember]:
    """A site whose alliance has `size` members. Bulk-made: the app's own functions would take minutes here."""
    from tests.conftest import make_site

    site, agencies, _, coordinator, _ = make_site("mass", leader_count=1)
    alliance = services.alliance_for_outcome(site=site, purpose="Everyone housed")
    users = User.objects.bulk_create(
        [User(email=f"person{i:04d}@mass.example", name=f"Person {i:04d}") for i in range(size)]
    )
    memberships = Membership.objects.bulk_create(
        [Membership(site=site, user=user, role=Role.LEADER, agency=agencies[i % 3]) for i, user in enumerate(users)]
    )
    AllianceMember.objects.bulk_create([AllianceMember(alliance=alliance, membership=m) for m in memberships])
    return coordinator, AllianceMember.objects.filter(alliance=alliance).first()  # type: ignore[return-value]


def _meeting_for(coordinator: Membership, member: AllianceMember) -> int:
    with transaction.atomic():  # the digest is queued when this commits
        meeting = services.meeting_create(
            alliance=member.alliance,
            created_by=coordinator,
            title="All-hands",
            starts_at=timezone.now() + dt.timedelta(days=14),
            place="Town Hall",
        )
    return meeting.pk


def _wait_until_settled(key: str, expected: int, workers: Workers, inbox: TroubledInbox) -> None:
    """Wait until every delivery of the digest is sent and the inbox has stopped growing."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        sent = DigestDelivery.objects.filter(key=key, status=DigestDelivery.Status.SENT).count()
        if sent == expected and len(inbox.messages()) >= expected:
            time.sleep(1.0)  # anything still in flight would show up now
            return
        time.sleep(0.2)
    counts = Counter(DigestDelivery.objects.filter(key=key).values_list("status", flat=True))
    pytest.fail(f"digest {key} not settled after {WAIT_SECONDS}s: {dict(counts)}, inbox {len(inbox.messages())}\n"
                f"{workers.logs()}")  # fmt: skip


def _assert_exactly_once(inbox: TroubledInbox, size: int, workers: Workers) -> None:
    received = inbox.recipients()
    expected = {f"person{i:04d}@mass.example" for i in range(size)}
    doubles = {who: n for who, n in received.items() if n > 1}
    assert not doubles, f"sent twice: {doubles}\n{workers.logs()}"
    assert expected <= set(received), f"never sent: {sorted(expected - set(received))[:10]}"
    for r in inbox.messages():
        assert r.message["To"] == r.rcpt_tos[0]
        assert r.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.services
def test_it_delivers_a_500_recipient_digest_exactly_once_over_two_workers(
    workers: Workers, inbox: TroubledInbox
) -> None:
    workers.start()
    workers.start()
    coordinator, member = _alliance_of(500)
    meeting_id = _meeting_for(coordinator, member)
    key = f"meeting:{meeting_id}"
    _wait_until_settled(key, 500, workers, inbox)
    _assert_exactly_once(inbox, 500, workers)
    assert DigestDelivery.objects.filter(key=key).count() == 500


@pytest.mark.services
def test_a_refusing_mail_server_is_retried_until_it_recovers(workers: Workers, inbox: TroubledInbox) -> None:
    coordinator, member = _alliance_of(250)
    workers.start()
    inbox.refuse_until = time.monotonic() + 2.0
    meeting_id = _meeting_for(coordinator, member)
    key = f"meeting:{meeting_id}"
    _wait_until_settled(key, 250, workers, inbox)
    assert inbox.refused > 0, "the server never refused anything, so this proved nothing"
    _assert_exactly_once(inbox, 250, workers)
    assert set(DigestDelivery.objects.filter(key=key).values_list("error", flat=True)) == {""}
    assert max(DigestDelivery.objects.filter(key=key).values_list("attempts", flat=True)) >= 2


@pytest.mark.services
def test_a_worker_killed_mid_batch_and_restarted_sends_no_second_copy(workers: Workers, inbox: TroubledInbox) -> None:
    coordinator, member = _alliance_of(300)
    # A short visibility timeout so that the killed worker's unacknowledged task comes back within the test.
    # A short lease too, so the row the killed worker held is free again when its task comes back.
    quick = {"CELERY_VISIBILITY_TIMEOUT": "3", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
             "CELERY_UNACKED_RESTORE_THROTTLE": "1", "DIGEST_LEASE_SECONDS": "2"}  # fmt: skip
    first = workers.start(**quick)
    killed = threading.Event()

    def kill_on_150th(attempt: int) -> bool:
        # SIGKILL while the 150th email is being handed over: that recipient's row is locked and uncommitted.
        if attempt == 150 and not killed.is_set():
            os.kill(first.process.pid, signal.SIGKILL)
            killed.set()
            return True
        return False

    inbox.on_message = kill_on_150th
    meeting_id = _meeting_for(coordinator, member)
    key = f"meeting:{meeting_id}"
    assert killed.wait(WAIT_SECONDS), f"the worker was never killed\n{workers.logs()}"
    first.process.wait(timeout=10)
    assert first.process.returncode == -signal.SIGKILL
    sent_before = DigestDelivery.objects.filter(key=key, status=DigestDelivery.Status.SENT).count()
    assert 0 < sent_before < 300
    workers.start(**quick)
    _wait_until_settled(key, 300, workers, inbox)
    _assert_exactly_once(inbox, 300, workers)
