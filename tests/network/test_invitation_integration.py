"""Invitations go through the real services: queued on Redis when the transaction commits, sent by
a Celery worker process over SMTP, and the emailed link signs the leader in.

The worker, broker and SMTP fixtures are the digest integration test's, imported rather than copied.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from network.models import InvitationStatus, Membership
from network.services.invitations import invitations_queue
from tests.conftest import make_site
from tests.network.test_digest_integration import (  # noqa: F401 - fixtures, found by pytest by name
    Inbox,
    Worker,
    broker_url,
    inbox,
    tasks_on_broker,
    worker,
)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_sends_invitations_through_a_real_worker_and_the_link_signs_in(
    worker: Worker,  # noqa: F811
    inbox: Inbox,  # noqa: F811
    tasks_on_broker: None,  # noqa: F811
) -> None:
    site, _, enabler, coordinator, leaders = make_site("ashby", leader_count=3)
    make_site("brindle", leader_count=1)  # people of another site, who must hear nothing

    with transaction.atomic():
        invitations_queue(site=site, actor=enabler.user, memberships=list(site.memberships.all()))
        assert not inbox.messages()  # nothing leaves before the commit

    # The coordinator and three leaders; never the enabler who sent them.
    # One run through the email ledger sends the four.
    worker.wait_for(
        r"Task network\.tasks\.digest_send\[[0-9a-f-]+\] succeeded in \S+ \{'sent': 4,", "four invitations sent"
    )
    with worker.log_on_failure():
        received = inbox.messages()
        assert sorted(r.rcpt_tos[0] for r in received) == sorted(
            [coordinator.user.email, *(leader.user.email for leader in leaders)]
        )
        assert all(
            m.invitation_status == InvitationStatus.SENT
            for m in Membership.objects.filter(site=site).exclude(pk=enabler.pk)
        )

    to_leader = next(r for r in received if r.rcpt_tos == [leaders[1].user.email])
    body = to_leader.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    path = re.search(r"https?://[^/\s]+(/accounts/link/\S+/)", body)
    assert path, body
    client = Client()
    response = client.post(path.group(1))
    assert response.status_code == 302
    assert response["Location"] == reverse("network:site-detail", args=[site.slug])
    assert int(client.session["_auth_user_id"]) == leaders[1].user_id
    assert Membership.objects.get(pk=leaders[1].pk).invitation_status == InvitationStatus.ACCEPTED
