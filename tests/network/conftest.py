"""Shared parts for tests that run real services: a Celery worker in its own process and an aiosmtpd inbox.

Used by test_digest_integration.py and test_digest_reliability.py.
"""

from __future__ import annotations

import ast
import email
import email.policy
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

SITE_URL = "http://testserver"
WAIT_SECONDS = 30
CELERY = Path(sys.executable).parent / "celery"
TASK_DONE = re.compile(
    r"Task network\.tasks\.digest_send\[(?P<id>[0-9a-f-]+)\] succeeded in [0-9.e-]+s: (?P<result>\{.*?\})"
)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What the SMTP server has been given, in arrival order."""

    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)  # type: ignore[attr-defined]
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path
    queue: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def results(self) -> dict[str, dict[str, int]]:
        """What each finished digest_send returned, by task id, from the worker's log."""
        return {m["id"]: ast.literal_eval(m["result"]) for m in TASK_DONE.finditer(self.log())}

    def wait_for(self, pattern: str, what: str) -> re.Match[str]:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            log = self.log()
            found = re.search(pattern, log)
            if found:
                return found
            if "raised unexpected" in log:
                pytest.fail(f"A task failed in the worker while waiting for {what}.\n--- worker log ---\n{log}")
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited ({self.process.returncode}) before {what}.\n--- worker log ---\n{log}")
            if time.monotonic() > deadline:
                pytest.fail(f"No {what} after {WAIT_SECONDS}s.\n--- worker log ---\n{log}")
            time.sleep(0.05)

    @contextmanager
    def log_on_failure(self) -> Iterator[None]:
        try:
            yield
        except AssertionError as exc:
            # Re-raise the same error, so the report still points at the failing assert.
            exc.args = (f"{exc}\n--- worker log ---\n{self.log()}",)
            raise


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _test_database_url() -> str:
    """The database pytest-django created, spelt as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False
