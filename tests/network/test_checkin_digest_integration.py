"""The check-in request reaches its owner exactly once through a real Celery worker, Redis and SMTP (issue 12).

It reuses the worker, inbox and broker fixtures of tests/network/test_digest_integration.py, so the
same real services are in play: the beat task queued on Redis, a worker process reading PostgreSQL,
an aiosmtpd server recording every message. Then the emailed link is followed with no sign-in.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from network import services
from network.models import AllianceMember, Commitment, DigestSchedule
from network.services.commitments import commitment_add
from network.tasks import digests_due_send
from tests.conftest import make_site
from tests.network.conftest import Inbox, Worker
from tests.network.test_digest_integration import (  # noqa: F401 - fixtures, found by name
    _wait_until,
    broker_url,
    inbox,
    tasks_on_broker,
    worker,
)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_check_in_request_arrives_once_and_its_link_works_signed_out(
    worker: Worker,  # noqa: F811
    inbox: Inbox,  # noqa: F811
    tasks_on_broker: None,  # noqa: F811
) -> None:
    site, _, _, _, leaders = make_site("ashby", leader_count=3)
    alliance = services.alliance_for_outcome(site=site, purpose="No one sleeps rough")
    for leader in leaders:
        services.alliance_join(alliance=alliance, membership=leader, pledge="Our outreach team")
    # Nothing else is new this week, so only a due check-in makes a digest worth sending.
    AllianceMember.objects.filter(alliance=alliance).update(joined_at=timezone.now() - dt.timedelta(days=60))
    commitment = commitment_add(
        alliance=alliance,
        membership=leaders[0],
        action="Share our eviction list with outreach",
        due_on=timezone.localdate() + dt.timedelta(days=60),
        now=timezone.now() - dt.timedelta(weeks=5),
    )
    DigestSchedule.objects.create(site=site, weekday=timezone.localdate().weekday(), send_time=dt.time(0, 0))
    subject = "Ashby Pilot: your week in the alliance"

    def received() -> list[str]:
        return [r.rcpt_tos[0] for r in inbox.messages() if r.message["Subject"] == subject]

    first = digests_due_send.delay()
    worker.wait_for(rf"digests_due_send\[{first.id}\] succeeded", "the beat")
    _wait_until(lambda: len(received()) == 1, "the weekly digest", worker)
    again = digests_due_send.delay()  # a doubled beat: nobody gets a second copy
    worker.wait_for(rf"digests_due_send\[{again.id}\] succeeded", "the second beat")
    with worker.log_on_failure():
        assert received() == [leaders[0].user.email]
        (message,) = [r.message for r in inbox.messages() if r.message["Subject"] == subject]
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert body.count("Share our eviction list with outreach") == 1
    link = re.search(r"Done: (\S+)", body)
    assert link is not None
    path = urlsplit(link.group(1))
    response = Client().post(f"{path.path}?{path.query}", {"status": "done"})
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == "done"
    assert Commitment.objects.filter(closed_at__isnull=False).count() == 1
