"""A meeting's digest reaches each alliance member once, through the real services.

Nothing here is mocked: the test process queues the task on Redis, a Celery
worker in its own process picks it up, reads the test database in PostgreSQL
and sends the mail over SMTP to an aiosmtpd server that records every message.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from network import digests, services
from network.models import DigestDelivery, DigestSchedule, Rsvp
from network.services.meetings import meeting_update
from network.services.people import user_set_language
from network.tasks import digest_send, digests_due_send
from outcomes.services import ballot_submit, outcome_commit, outcome_propose, round_close, round_create_and_open
from systemsleader.celery import app
from tests.conftest import make_site, require
from tests.network.conftest import (
    CELERY,
    SITE_URL,
    TASK_DONE,
    WAIT_SECONDS,
    Inbox,
    Worker,
    _free_port,
    _redis_reachable,
    _test_database_url,
)

REDIS_TEST_DB = 14  # reserved for tests; this one cleans up only its own keys, as others may share it


def _test_broker_url() -> str:
    """REDIS_URL's server, with the database reserved for this test."""
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{REDIS_TEST_DB}"))


def _redis_forget(url: str, token: str) -> None:
    """Delete what this test's worker and queue left in Redis, and nothing else.

    Not FLUSHDB: another run of this test may be using the same database at the same time.
    """
    import redis

    with redis.Redis.from_url(url) as client:
        for key in client.scan_iter(match=f"*{token}*"):
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*"):
            # The worker's binding to the broadcast exchanges, e.g. celery.pidbox.
            stale = [member for member in client.smembers(key) if token.encode() in member]
            if stale:
                client.srem(key, *stale)


@pytest.fixture
def broker_url() -> str:
    """Skip or fail (REQUIRE_SERVICES) unless every real service is here; return the test's broker."""
    require(
        connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database", env="REQUIRE_SERVICES"
    )
    require(bool(settings.REDIS_URL), "REDIS_URL is not set", env="REQUIRE_SERVICES")
    url = _test_broker_url()
    require(_redis_reachable(url), f"Redis does not answer at {settings.REDIS_URL}", env="REQUIRE_SERVICES")
    require(importlib.util.find_spec("aiosmtpd") is not None, "aiosmtpd is not installed", env="REQUIRE_SERVICES")
    require(CELERY.exists(), f"there is no celery command at {CELERY}", env="REQUIRE_SERVICES")
    return url


@pytest.fixture
def inbox(broker_url: str, caplog: pytest.LogCaptureFixture) -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    caplog.set_level(logging.WARNING, logger="mail.log")  # aiosmtpd logs every SMTP command at INFO
    inbox = Inbox(port=_free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def worker(transactional_db: None, broker_url: str, inbox: Inbox, tmp_path: Path) -> Iterator[Worker]:
    """A Celery worker process on the test database, Redis and SMTP server, on a queue of its own.

    It depends on transactional_db so that it stops before the database is flushed.
    """
    token = uuid.uuid4().hex[:12]  # names this worker and its queue, so no other worker can take its tasks
    queue = f"digest-test-{token}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "DATABASE_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="systemsleader.settings",
        DATABASE_URL=_test_database_url(),
        REDIS_URL=broker_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(inbox.port),
        SITE_URL=SITE_URL,
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "systemsleader",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=worker-{token}@%h",
                "-Q",
                queue,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, log_path=log_path, queue=queue)
    try:
        worker.wait_for(rf"worker-{token}@\S+ ready\.", "ready message from the worker")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _redis_forget(broker_url, token)


@pytest.fixture
def tasks_on_broker(worker: Worker, broker_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Send this test's tasks through Redis to the worker, then put the app back as other tests expect it."""
    # Celery reads these before its own settings; the test must publish where its worker listens.
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(name, raising=False)
    changes = {
        "task_always_eager": False,
        "broker_url": broker_url,
        "task_default_queue": worker.queue,
        # Waiting forever for a pooled connection would hang the whole run; fail instead.
        "broker_pool_acquire_timeout": WAIT_SECONDS,
    }
    saved = {name: app.conf[name] for name in changes}

    def forget_connections() -> None:
        # The app caches its connection and producer pools on first use, even
        # eager tasks use them, and they keep the broker URL they were made
        # with. Dropping them makes the next publish build pools from app.conf.
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    forget_connections()
    app.conf.update(changes)
    try:
        with app.producer_or_acquire() as producer:
            assert producer.connection.as_uri() == app.connection_for_write(broker_url).as_uri()
        yield
    finally:
        # kombu keeps the test broker's pools for reuse (closing them would leave
        # them empty, and the next acquire would wait forever); the app just lets go.
        forget_connections()
        app.conf.update(saved)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_sends_each_alliance_member_one_digest_through_a_real_worker(
    worker: Worker, inbox: Inbox, tasks_on_broker: None
) -> None:
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=5)
    make_site("brindle", leader_count=1)  # people of another site, who must hear nothing
    chosen = outcome_propose(
        membership=leaders[0], statement="No one sleeps rough", why_it_matters="Everyone meets them."
    )
    other = outcome_propose(membership=leaders[1], statement="Children ready for school", why_it_matters="Early years.")
    voting_round = round_create_and_open(membership=enabler, title="Spring round")
    for leader in leaders:
        ballot_submit(voting_round=voting_round, voter=leader, ranks={chosen.pk: 1, other.pk: 2})
    voting_round = round_close(voting_round=voting_round, membership=enabler)
    # The fifth leader does not commit, so is no member and gets no digest.
    members = [outcome_commit(voting_round=voting_round, membership=leader) for leader in leaders[:4]]
    alliance = members[0].alliance

    with transaction.atomic():
        # The digest is queued when this commits, so the replies below are in it.
        meeting = services.meeting_create(
            alliance=alliance,
            created_by=coordinator,
            title="Rough sleeping: first alliance meeting",
            starts_at=dt.datetime(2031, 3, 13, 18, 30, tzinfo=ZoneInfo("Europe/London")),
            place="Ashby Library & Hub",
            agenda="Agree what each agency brings.\nPlan the first month.",
        )
        services.meeting_respond(meeting=meeting, membership=members[1].membership, rsvp=Rsvp.GOING)
        services.meeting_respond(meeting=meeting, membership=members[2].membership, rsvp=Rsvp.MAYBE)

    first = worker.wait_for(TASK_DONE.pattern, "digest task finishing in the worker")
    meeting_url = SITE_URL + reverse(
        "network:meeting-detail", kwargs={"site_slug": site.slug, "meeting_id": meeting.pk}
    )
    member_emails = sorted(member.membership.user.email for member in members)

    with worker.log_on_failure():
        assert ast.literal_eval(first["result"]) == {"sent": 4, "failed": 0, "skipped": 0}
        assert mail.outbox == []  # nothing was sent in this process: the worker did it all
        received = inbox.messages()
        assert sorted(rcpt for r in received for rcpt in r.rcpt_tos) == member_emails
        for r in received:
            (recipient,) = r.rcpt_tos
            name = next(m.membership.user.name for m in members if m.membership.user.email == recipient)
            message = r.message
            assert r.mail_from == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            assert message["To"] == recipient
            assert message["Subject"] == "Ashby Pilot: Rough sleeping: first alliance meeting"
            # The text and HTML parts, and the meeting's calendar file.
            assert message.get_content_type() == "multipart/mixed"
            assert [part.get_filename() for part in message.iter_attachments()] == ["meeting.ics"]
            # SMTP carries lines ending CRLF; compare with the templates' own line ends.
            text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
            html = message.get_body(("html",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]

            assert f"Hello {name}," in text
            assert "Rough sleeping: first alliance meeting\n" in text
            assert "When: Thursday 13 March 2031, 18:30 (UK time)" in text
            assert "Where: Ashby Library & Hub" in text
            assert "Agenda:\nAgree what each agency brings.\nPlan the first month.\n" in text
            assert "Who is coming (1 person):\n- Leader 1 of Ashby, Ashby NHS Trust\n\n" in text
            assert f"The meeting page (you sign in first): {meeting_url}\n" in text
            assert "the alliance for “No one sleeps rough” in Ashby Pilot." in text

            assert f"<p>Hello {name},</p>" in html
            assert "<h1>Rough sleeping: first alliance meeting</h1>" in html
            assert "Thursday 13 March 2031, 18:30 (UK time)" in html
            assert "<strong>Where:</strong> Ashby Library &amp; Hub" in html
            assert "<p>Agree what each agency brings.<br>Plan the first month.</p>" in html
            assert "<h2>Who is coming (1 person)</h2>\n<ul><li>Leader 1 of Ashby, Ashby NHS Trust</li></ul>" in html
            assert f'<a href="{meeting_url}">' in html

        # The task runs again, as a retried or duplicated task would: nobody gets a second copy.
        again = digest_send.delay(f"meeting:{meeting.pk}")
        worker.wait_for(rf"digest_send\[{again.id}\] succeeded", "second run of the digest task")
        assert len(inbox.messages()) == 4
        assert worker.results()[again.id] == {"sent": 0, "failed": 0, "skipped": 4}
        deliveries = DigestDelivery.objects.filter(meeting=meeting)
        assert sorted(deliveries.values_list("recipient_id", flat=True)) == sorted(m.membership_id for m in members)
        assert {(d.status, d.error, d.sent_at is not None) for d in deliveries} == {
            (DigestDelivery.Status.SENT, "", True)
        }


def _wait_until(condition: Callable[[], bool], what: str, worker: Worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"No {what} after {WAIT_SECONDS}s.\n--- worker log ---\n{worker.log()}")
        time.sleep(0.05)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_weekly_digest_and_the_reminder_arrive_once_each_and_unsubscribe_works(
    worker: Worker, inbox: Inbox, tasks_on_broker: None, client: Client
) -> None:
    site, _, _, coordinator, leaders = make_site("ashby", leader_count=3)
    alliance = services.alliance_for_outcome(site=site, purpose="No one sleeps rough")
    for leader in leaders:
        services.alliance_join(alliance=alliance, membership=leader, pledge=f"{leader.user.name}'s outreach team")
    DigestSchedule.objects.create(site=site, weekday=0, send_time=dt.time(0, 0), days_before_meeting=2)
    title = "Rough sleeping: tomorrow"
    with transaction.atomic():
        meeting = services.meeting_create(
            alliance=alliance,
            created_by=coordinator,
            title=title,
            starts_at=timezone.now() + dt.timedelta(days=1),
            place="Ashby Library",
        )
    worker.wait_for(TASK_DONE.pattern, "the new meeting's digest")
    emails = sorted(leader.user.email for leader in leaders)
    weekly_subject = "Ashby Pilot: your week in the alliance"
    reminder_subject = f"Ashby Pilot: Coming up: {title}"

    def received(subject: str) -> list[str]:
        return sorted(r.rcpt_tos[0] for r in inbox.messages() if r.message["Subject"] == subject)

    # What Celery beat does every few minutes, run on the worker: both digests are due.
    beat = digests_due_send.delay()
    _wait_until(lambda: len(received(weekly_subject)) + len(received(reminder_subject)) == 6, "digests", worker)
    with worker.log_on_failure():
        assert received(weekly_subject) == emails  # one each
        assert received(reminder_subject) == emails
        assert sorted(worker.wait_for(rf"digests_due_send\[{beat.id}\] succeeded in [0-9.e-]+s: (\[.*?\])", "beat")
                      .group(1).strip("[]").replace("'", "").split(", ")) == sorted(
            [digests.weekly_key(alliance=alliance, when=timezone.now()), f"pre_meeting:{meeting.pk}"]
        )  # fmt: skip
        # The beat fires again, as a doubled schedule would: nothing is due, nobody gets a second copy.
        again = digests_due_send.delay()
        worker.wait_for(rf"digests_due_send\[{again.id}\] succeeded in [0-9.e-]+s: \[\]", "second beat")
        count = len(inbox.messages())
        weekly = next(r.message for r in inbox.messages() if r.rcpt_tos == [leaders[0].user.email]
                      and r.message["Subject"] == weekly_subject)  # fmt: skip
        assert "Leader 1 of Ashby's outreach team" in weekly.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # One-click unsubscribe, as a mail client does it: POST to the List-Unsubscribe address.
    assert weekly["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = urlsplit(str(weekly["List-Unsubscribe"]).strip().strip("<>"))
    response = client.post(address.path, {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, response.content) == (200, b"Unsubscribed.")
    leaders[0].refresh_from_db()
    assert leaders[0].digest_preference == "none"

    # The next email about the meeting goes to the others only.
    with transaction.atomic():
        meeting_update(
            meeting=meeting, updated_by=coordinator, title=title, starts_at=meeting.starts_at, place="Ashby Town Hall"
        )
    changed = f"Ashby Pilot: Changed: {title}"
    _wait_until(lambda: len(received(changed)) == 2, "the change notice", worker)
    with worker.log_on_failure():
        assert received(changed) == emails[1:]
        assert len(inbox.messages()) == count + 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_weekly_digest_to_a_mixed_alliance_reaches_each_reader_once_in_their_own_language(
    worker: Worker, inbox: Inbox, tasks_on_broker: None
) -> None:
    """One digest, one run in the worker (its content read once), two readers: each copy in its reader's language."""
    _, _, enabler, _, leaders = make_site("ashby", leader_count=2)
    chosen = outcome_propose(
        membership=leaders[0], statement="No one sleeps rough", why_it_matters="Everyone meets them."
    )
    other = outcome_propose(membership=leaders[1], statement="Children ready for school", why_it_matters="Early years.")
    voting_round = round_create_and_open(membership=enabler, title="Spring round")
    for leader in leaders:
        ballot_submit(voting_round=voting_round, voter=leader, ranks={chosen.pk: 1, other.pk: 2})
    voting_round = round_close(voting_round=voting_round, membership=enabler)
    members = [outcome_commit(voting_round=voting_round, membership=leader) for leader in leaders]
    welsh, english = (m.membership.user for m in members)
    user_set_language(user=welsh, language="cy")
    assert english.language == "en-gb"
    key = digests.weekly_key(alliance=members[0].alliance, when=timezone.now())

    task = digest_send.delay(key)
    worker.wait_for(rf"digest_send\[{task.id}\] succeeded", "the weekly digest task finishing in the worker")

    with worker.log_on_failure():
        assert worker.results()[task.id] == {"sent": 2, "failed": 0, "skipped": 0}
        received = {r.rcpt_tos[0]: r.message for r in inbox.messages()}
        assert len(inbox.messages()) == 2 and sorted(received) == sorted([welsh.email, english.email])
        closed_on = timezone.localtime(voting_round.closed_at)
        copies = {}
        for reader, language in ((welsh, "cy"), (english, "en-gb")):
            message = received[reader.email]
            text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
            with translation.override(language):
                month = formats.date_format(closed_on, "F")
            copies[language] = (str(message["Subject"]), text, html, month)
        subject, text, html, month = copies["cy"]
        assert subject == "Ashby Pilot: eich wythnos yn y gynghrair"
        assert "Helo Leader 0 of Ashby," in text
        assert "ROWNDIAU PLEIDLEISIO SYDD NEWYDD GAU" in text and "VOTING ROUNDS" not in text
        assert f"Spring round, caewyd {closed_on.day} {month}" in text
        assert '<html lang="cy">' in html and "Eich wythnos yn Ashby Pilot" in html
        assert "Datdanysgrifio, neu ddewis pa negeseuon e-bost a gewch" in html
        subject, text, html, month = copies["en-gb"]
        assert subject == "Ashby Pilot: your week in the alliance"
        assert "Hello Leader 1 of Ashby," in text
        assert "VOTING ROUNDS JUST CLOSED" in text and "ROWNDIAU" not in text
        assert f"Spring round, closed {closed_on.day} {month}" in text
        assert '<html lang="en-gb">' in html and "Your week in Ashby Pilot" in html
        # Both name the site's enabler to write to, each in its own words.
        assert "Write to Ashby Enabler, its enabler, at enabler@ashby.example." in text
        assert "Ysgrifennwch at Ashby Enabler, ei alluogwr, yn enabler@ashby.example." in copies["cy"][1]

    # Run again, as a retried task would: nobody gets a second copy, in either language.
    again = digest_send.delay(key)
    worker.wait_for(rf"digest_send\[{again.id}\] succeeded", "second run of the weekly digest task")
    assert worker.results()[again.id] == {"sent": 0, "failed": 0, "skipped": 2}
    assert len(inbox.messages()) == 2
