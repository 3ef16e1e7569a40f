"""The parts the fault-injection tests break on purpose, each real and each the test's own.

- a private Redis server (its own port and no persistence), that a test can kill and start again empty;
- an aiosmtpd server that can refuse (451), hang (never answer), vanish (port closed) or run a hook
  on the nth message it is handed, such as SIGKILLing a worker;
- Celery workers and a Celery beat as subprocesses, with short leases, timeouts and sweeps set through
  their environment so that recovery happens within seconds.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from systemsleader.celery import app
from tests.conftest import require
from tests.network.conftest import CELERY, SITE_URL, _free_port, _test_database_url

# Ports with this branch's number in them, so nobody else's Redis is touched; FAULTS_REDIS_PORT overrides.
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6372"))
READY_SECONDS = 60

# What every worker and the beat are told: short leases, timeouts and sweeps, so recovery takes seconds.
FAST = {
    "DIGEST_LEASE_SECONDS": "3",
    "DIGEST_SWEEP_SECONDS": "1",
    "DIGEST_RETRY_SECONDS": "1",
    "DIGEST_CHUNK_SIZE": "50",
    "EMAIL_TIMEOUT": "2",
    "CELERY_TASK_SOFT_TIME_LIMIT": "20",
    "CELERY_TASK_TIME_LIMIT": "25",
}


class PrivateRedis:
    """A redis-server of the test's own, without persistence: killing it and starting it again empties it."""

    def __init__(self, port: int, tmp_path: Path) -> None:
        self.port = port
        self.dir = tmp_path / "redis"
        self.dir.mkdir(exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.ping():
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except (redis.RedisError, OSError):
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def run_id(self) -> str:
        import redis

        return str(redis.Redis.from_url(self.url).info("server")["run_id"])

    def restart_empty(self, *, down_for: float) -> None:
        """SIGKILL it and start a new one: with no persistence (--save "", no AOF) it starts empty, whatever it
        held. (Its size cannot be checked: the workers and beat reconnect and write at once.)"""
        before = self.run_id()
        self.kill()
        time.sleep(down_for)
        self.start()
        assert self.run_id() != before, "Redis was not restarted"


@dataclass
class Received:
    rcpt_tos: list[str]
    message_id: str


@dataclass
class FaultyInbox:
    """An SMTP server (aiosmtpd) that records what it accepts, and can be told to misbehave."""

    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    handed: int = 0  # messages handed to it, accepted or not
    refusing: bool = False
    hanging: bool = False
    refused: int = 0
    hung: int = 0
    # Called with the count of messages handed so far, after the message is stored and before "250" goes back.
    on_message: Callable[[int], None] | None = None
    controller: object = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.handed += 1
            handed = self.handed
        if self.refusing:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later"
        if self.hanging:
            with self.lock:
                self.hung += 1
            while self.hanging:  # never answers while the fault lasts; the client gives up first
                await asyncio.sleep(0.1)
            return "451 4.3.0 Not accepted"  # nothing was accepted, so nothing is stored
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)  # type: ignore[attr-defined]
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), str(message["Message-ID"])))  # type: ignore[attr-defined]
        if self.on_message is not None:
            self.on_message(handed)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        controller = Controller(self, hostname="127.0.0.1", port=self.port)
        controller.start()
        self.controller = controller

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()  # type: ignore[attr-defined]
            self.controller = None

    def of(self, key: str) -> list[Received]:
        """What was received of one digest, told by the Message-ID its key gives (network.digests.messages)."""
        prefix = "<digest." + key.replace(":", ".") + "."
        with self.lock:
            return [r for r in self.received if r.message_id.startswith(prefix)]

    def recipients(self, key: str) -> Counter[str]:
        return Counter(rcpt for r in self.of(key) for rcpt in r.rcpt_tos)

    def message_ids(self, key: str) -> dict[str, set[str]]:
        ids: dict[str, set[str]] = {}
        for r in self.of(key):
            for rcpt in r.rcpt_tos:
                ids.setdefault(rcpt, set()).add(r.message_id)
        return ids

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@dataclass
class Process:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sigkill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)


class Cluster:
    """The workers and the beat of one test, all on the private Redis and the test database."""

    def __init__(self, redis: PrivateRedis, inbox: FaultyInbox, tmp_path: Path) -> None:
        self.redis = redis
        self.inbox = inbox
        self.tmp_path = tmp_path
        self.started: list[Process] = []

    def _env(self) -> dict[str, str]:
        prefixes = ("CELERY_", "DATABASE_", "EMAIL_", "DIGEST_", "REDIS_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        env.update(
            DJANGO_SETTINGS_MODULE="systemsleader.settings",
            DATABASE_URL=_test_database_url(),
            REDIS_URL=self.redis.url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.inbox.port),
            SITE_URL=SITE_URL,
            PYTHONUNBUFFERED="1",
            **FAST,
        )
        return env

    def _spawn(self, name: str, args: list[str], ready: str) -> Process:
        log_path = self.tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [str(CELERY), "-A", "systemsleader", *args],
                cwd=settings.BASE_DIR,
                env=self._env(),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started = Process(name, process, log_path)
        self.started.append(started)
        deadline = time.monotonic() + READY_SECONDS
        while ready not in started.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{name} did not start\n{started.log()}")
            time.sleep(0.05)
        return started

    def worker(self) -> Process:
        token = uuid.uuid4().hex[:8]
        return self._spawn(
            f"worker-{token}",
            ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", f"--hostname=faults-{token}@%h"],
            "ready.",
        )  # fmt: skip

    def beat(self) -> Process:
        schedule = self.tmp_path / f"beat-{uuid.uuid4().hex[:6]}"
        return self._spawn("beat", ["beat", "--loglevel=INFO", "--schedule", str(schedule)], "beat: Starting")

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name} ---\n{p.log()[-6000:]}" for p in self.started)

    def stop(self) -> None:
        for p in self.started:
            if p.process.poll() is None:
                p.process.terminate()
        for p in self.started:
            try:
                p.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.process.kill()
                p.process.wait(timeout=10)


@pytest.fixture
def private_redis(transactional_db: None, tmp_path: Path) -> Iterator[PrivateRedis]:
    import shutil

    require(
        connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database", env="REQUIRE_SERVICES"
    )
    require(shutil.which("redis-server") is not None, "there is no redis-server", env="REQUIRE_SERVICES")
    require(CELERY.exists(), f"there is no celery command at {CELERY}", env="REQUIRE_SERVICES")
    server = PrivateRedis(REDIS_PORT, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def faulty_inbox(private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture) -> Iterator[FaultyInbox]:
    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO
    inbox = FaultyInbox(port=_free_port())
    inbox.start()
    try:
        yield inbox
    finally:
        inbox.hanging = False
        inbox.stop()


@pytest.fixture
def cluster(private_redis: PrivateRedis, faulty_inbox: FaultyInbox, tmp_path: Path) -> Iterator[Cluster]:
    """Workers and beat on the private Redis; the test process publishes its tasks there too."""
    from kombu import pools

    pool = Cluster(private_redis, faulty_inbox, tmp_path)
    saved = {name: app.conf[name] for name in ("task_always_eager", "broker_url")}

    def forget_connections() -> None:
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    forget_connections()
    app.conf.update(task_always_eager=False, broker_url=private_redis.url)
    try:
        yield pool
    finally:
        pool.stop()
        pools.reset()
        forget_connections()
        app.conf.update(saved)
