"""A meeting digest to 10,000 people, rendered and sent by two Celery worker processes to a local SMTP server.

Every email goes through the ledger's leases as in production: claimed a batch at a time with one UPDATE,
its lease renewed and its hand-over noted before it goes to the server, and its answer recorded after.
Compared with a bare smtplib loop sending the same 10,000 pre-rendered messages over one connection.
Run from the project root: .venv/bin/python bench/bench_digest.py
Needs PostgreSQL (creates and drops the database BENCH_DIGEST_DB, default bench_digest) and Redis at
BENCH_REDIS_URL (default redis://127.0.0.1:6379/10; flushed before and after).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

sys.argv = [sys.argv[0], "--db", "postgres"]  # workers in other processes need a shared database

RECIPIENTS = 10_000
WORKERS = 2
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
CELERY = Path(sys.executable).parent / "celery"


class CountingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rcpts: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        with self.lock:
            self.rcpts.extend(envelope.rcpt_tos)  # type: ignore[attr-defined]
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.rcpts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    django_for_bench(os.environ.get("BENCH_DIGEST_DB", "bench_digest"))
    import redis
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from network.digests import digest_message, digest_parse
    from network.models import (
        Agency,
        Alliance,
        AllianceMember,
        DigestDelivery,
        Meeting,
        Membership,
        Role,
        Sector,
        User,
    )
    from network.services import site_create
    from systemsleader.celery import app

    asyncio.set_event_loop(asyncio.new_event_loop())
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()

    print(f"Loading {RECIPIENTS:,} alliance members ...", flush=True)
    creator = User.objects.create_user(email="coordinator@bench.example", name="Bench Coordinator")
    site = site_create(creator=creator, name="Bench Pilot", place="Benchton")
    agencies = Agency.objects.bulk_create(
        [Agency(site=site, name=f"Agency {i:03}", sector=Sector.values[i % len(Sector.values)]) for i in range(50)]
    )
    alliance = Alliance.objects.create(site=site, purpose="Everyone housed")
    unusable = "!"  # what Django stores for an unusable password
    users = User.objects.bulk_create(
        [
            User(email=f"person{i:05d}@bench.example", name=f"Person {i:05d}", password=unusable)
            for i in range(RECIPIENTS)
        ]
    )
    memberships = Membership.objects.bulk_create(
        [Membership(site=site, user=u, role=Role.LEADER, agency=agencies[i % 50]) for i, u in enumerate(users)]
    )
    AllianceMember.objects.bulk_create([AllianceMember(alliance=alliance, membership=m) for m in memberships])
    meeting = Meeting.objects.create(
        site=alliance.site,
        alliance=alliance,
        title="All-hands",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Town Hall",
        agenda="1. Welcome\n2. What each agency brings",
    )

    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()

    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_", "DIGEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="systemsleader.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db['NAME']}",
        REDIS_URL=REDIS_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        DIGEST_CHUNK_SIZE="250",
        LOG_LEVEL="WARNING",
    )
    logs = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    processes = []
    for n in range(WORKERS):
        log = (logs / f"worker{n}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "systemsleader",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=bench{n}@%h",
                    "-Q",
                    "bench-digest",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while not all("ready." in (logs / f"worker{n}.log").read_text() for n in range(WORKERS)):
            if time.monotonic() > deadline:
                raise SystemExit("workers did not start; logs in " + str(logs))
            time.sleep(0.1)

        app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue="bench-digest")
        from network.tasks import digest_send

        started = time.perf_counter()
        digest_send.delay(f"meeting:{meeting.pk}")
        deadline = time.monotonic() + 600
        while handler.count() < RECIPIENTS:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {handler.count()} delivered; logs in {logs}")
            time.sleep(0.05)
        delivered = time.perf_counter() - started
        # Done means recorded too: the clock stops when the ledger says every email was sent.
        sent = DigestDelivery.objects.filter(meeting=meeting, status=DigestDelivery.Status.SENT)
        while sent.count() < RECIPIENTS:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {sent.count()} recorded sent; logs in {logs}")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        time.sleep(1)
        sent_rows = DigestDelivery.objects.filter(meeting=meeting, status=DigestDelivery.Status.SENT).count()
        # The lease bookkeeping: every row let go of its lease and recorded its attempt.
        leased_left = DigestDelivery.objects.filter(meeting=meeting, lease_token__isnull=False).count()
        recorded = DigestDelivery.objects.filter(meeting=meeting, attempted_at__isnull=False).count()
        flagged = DigestDelivery.objects.filter(meeting=meeting, may_have_sent_twice=True).count()
        copies = len(handler.rcpts)
        distinct = len(set(handler.rcpts))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        broker.flushdb()

    # The baseline: the same messages, rendered beforehand, over one SMTP connection.
    digest = digest_parse(f"meeting:{meeting.pk}")
    assert digest is not None
    rendered = []
    people = Membership.objects.filter(alliance_memberships__alliance=alliance).select_related("user").order_by("pk")
    render_started = time.perf_counter()
    for membership in people:
        message = digest_message(digest, membership)
        assert message is not None
        rendered.append((membership.user.email, message.message().as_bytes(linesep="\r\n")))
    render_time = time.perf_counter() - render_started
    handler.rcpts.clear()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, data in rendered:
            smtp.sendmail("noreply@systemsleader.localhost", [to], data)
    bare = time.perf_counter() - started
    controller.stop()

    print(f"Digest to {RECIPIENTS:,} recipients by {WORKERS} worker processes (chunks of 250), Redis + PostgreSQL:")
    print(f"  delivered: {copies:,} messages to {distinct:,} distinct recipients; {sent_rows:,} rows marked sent")
    print(f"  lease bookkeeping: {recorded:,} attempts recorded, {leased_left:,} leases still held, {flagged} flagged")
    print(f"  wall time: {elapsed:.1f} s to the last record ({delivered:.1f} s to the last message arriving);")
    print(f"  {RECIPIENTS / elapsed:,.0f} messages/s; target < 60 s")
    print(f"Rendering the same {RECIPIENTS:,} messages in one process (no sending): {render_time:.1f} s")
    print(f"Bare smtplib loop, pre-rendered, one connection: {bare:.1f} s ({RECIPIENTS / bare:,.0f} messages/s)")
    print(f"Ratio workers / bare loop: {elapsed / bare:.1f}x")


if __name__ == "__main__":
    main()
