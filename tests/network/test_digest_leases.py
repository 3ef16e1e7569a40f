"""Leases and sweeps: a delivery claimed and not finished in its lease is sent again, flagged when it may be twice;
the Digests page says queued, sending, stalled or done; time limits never strand the rest of a run."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from network import digests, services
from network.digests.messages import message_id_for
from network.models import Alliance, DigestDelivery
from network.selectors.digests import SendState, digest_progress
from tests.conftest import Cast, make_site

LONG_AGO = dt.timedelta(hours=1)


def _key(alliance: Alliance) -> str:
    return digests.weekly_key(alliance=alliance, when=timezone.now())


def _prepared(alliance: Alliance) -> list[DigestDelivery]:
    digests.digest_prepare(key=_key(alliance))
    return list(DigestDelivery.objects.filter(key=_key(alliance)).order_by("pk"))


def test_a_lease_that_ran_out_mid_send_is_swept_and_sent_again_flagged(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    died_while_sending, died_before, *_ = _prepared(alliance)
    past = timezone.now() - LONG_AGO
    # A worker died: one email handed to the SMTP server with no answer recorded, one claimed and not yet handed.
    DigestDelivery.objects.filter(pk=died_while_sending.pk).update(
        lease_token=uuid.uuid4(), lease_until=past, handed_at=past
    )
    DigestDelivery.objects.filter(pk=died_before.pk).update(lease_token=uuid.uuid4(), lease_until=past)
    DigestDelivery.objects.exclude(pk__in=[died_while_sending.pk, died_before.pk]).update(
        status=DigestDelivery.Status.SENT
    )
    out = io.StringIO()
    call_command("send_due_digests", stdout=out)
    assert f"{_key(alliance)} (retried): 2 sent, 0 failed, 0 skipped" in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [died_while_sending.recipient.user.email, died_before.recipient.user.email]
    )
    rows = {d.pk: d for d in DigestDelivery.objects.filter(pk__in=[died_while_sending.pk, died_before.pk])}
    assert rows[died_while_sending.pk].may_have_sent_twice
    assert not rows[died_before.pk].may_have_sent_twice
    assert {(d.status, d.lease_token, d.handed_at) for d in rows.values()} == {("sent", None, None)}
    # The Message-ID comes from the delivery's key and recipient: a second copy carries the same one.
    sent_ids = {m.to[0]: m.extra_headers["Message-ID"] for m in mailoutbox}
    assert sent_ids[died_while_sending.recipient.user.email] == message_id_for(_key(alliance), died_while_sending)
    assert sent_ids[died_while_sending.recipient.user.email].startswith(f"<digest.{_key(alliance).replace(':', '.')}.")
    page = cast.client_for(cast.enabler).get(reverse("network:site-digests", args=[cast.site.slug])).content.decode()
    assert "1 person may have been sent it twice" in page


def test_a_queued_digest_whose_task_was_lost_is_swept_once_older_than_a_lease(
    alliance: Alliance, mailoutbox: list, settings
) -> None:
    settings.DIGEST_LEASE_SECONDS = 60
    rows = _prepared(alliance)
    out = io.StringIO()
    call_command("send_due_digests", stdout=out)  # a young queued digest belongs to the task queued with it
    assert f"{_key(alliance)} (retried)" not in out.getvalue()
    DigestDelivery.objects.filter(key=_key(alliance)).update(created_at=timezone.now() - dt.timedelta(seconds=61))
    call_command("send_due_digests", stdout=out)
    assert f"{_key(alliance)} (retried): {len(rows)} sent" in out.getvalue()
    assert len(mailoutbox) == len(rows)
    call_command("send_due_digests", stdout=io.StringIO())  # done: the next sweep finds nothing
    assert len(mailoutbox) == len(rows)


def test_a_delivery_someone_else_holds_is_not_sent(alliance: Alliance, mailoutbox: list) -> None:
    held, *rest = _prepared(alliance)
    DigestDelivery.objects.filter(pk=held.pk).update(
        lease_token=uuid.uuid4(), lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    counts = digests.digest_send(key=_key(alliance))
    assert counts == {"sent": len(rest), "failed": 0, "skipped": 1}
    assert held.recipient.user.email not in {m.to[0] for m in mailoutbox}
    assert DigestDelivery.objects.get(pk=held.pk).status == DigestDelivery.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_claims_work_outside_a_transaction_as_a_worker_runs_them(mailoutbox: list) -> None:
    site, _, _, _, leaders = make_site("solo", leader_count=3)
    alliance = services.alliance_for_outcome(site=site, purpose="Everyone housed")
    for leader in leaders:
        services.alliance_join(alliance=alliance, membership=leader, pledge="My team")
    counts = digests.digest_send(key=_key(alliance))
    assert counts["sent"] == len(mailoutbox) > 0


class SoftLimitOnSecond:
    """An email backend in whose second send Celery's soft time limit fires."""

    sent = 0

    def __init__(self, **kwargs: object) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send_messages(self, messages: list[object]) -> int:
        type(self).sent += 1
        if type(self).sent == 2:
            raise SoftTimeLimitExceeded
        return len(messages)


def test_a_soft_time_limit_is_not_swallowed_and_lets_go_of_the_rest(alliance: Alliance, settings) -> None:
    settings.EMAIL_BACKEND = "tests.network.test_digest_leases.SoftLimitOnSecond"
    SoftLimitOnSecond.sent = 0
    rows = _prepared(alliance)
    with pytest.raises(SoftTimeLimitExceeded):
        digests.digest_send(key=_key(alliance), delivery_ids=[d.pk for d in rows])
    first, second, *rest = DigestDelivery.objects.filter(key=_key(alliance)).order_by("pk")
    assert first.status == DigestDelivery.Status.SENT
    # The one cut off while with the server keeps its lease, to be swept up (flagged) when it runs out ...
    assert second.status == DigestDelivery.Status.PENDING and second.handed_at and second.lease_token
    # ... and the rest are let go at once, for the task to queue again.
    assert rest and all(d.lease_token is None and d.status == DigestDelivery.Status.PENDING for d in rest)


def test_the_progress_says_queued_then_done_never_done_before_anything_is_recorded(
    cast: Cast, alliance: Alliance
) -> None:
    assert digest_progress(key=_key(alliance), site_id=cast.site.pk).state == SendState.NOT_STARTED
    rows = _prepared(alliance)
    queued = digest_progress(key=_key(alliance), site_id=cast.site.pk)
    assert (queued.state, queued.remaining, queued.done) == (SendState.QUEUED, len(rows), False)
    assert queued.polling
    DigestDelivery.objects.filter(pk=rows[0].pk).update(status="sent", attempted_at=timezone.now())
    assert digest_progress(key=_key(alliance), site_id=cast.site.pk).state == SendState.SENDING
    digests.digest_send(key=_key(alliance))
    done = digest_progress(key=_key(alliance), site_id=cast.site.pk)
    assert (done.state, done.remaining, done.polling) == (SendState.DONE, 0, False)


def test_a_stalled_digest_says_why_and_send_now_resumes_it(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    rows = _prepared(alliance)
    DigestDelivery.objects.filter(key=_key(alliance)).update(created_at=timezone.now() - LONG_AGO)
    stalled = digest_progress(key=_key(alliance), site_id=cast.site.pk)
    assert stalled.state == SendState.STALLED
    assert "No worker has picked it up" in stalled.why
    # A worker claimed one and died: its lease ran out.
    DigestDelivery.objects.filter(pk=rows[0].pk).update(lease_token=uuid.uuid4(), lease_until=timezone.now() - LONG_AGO)
    assert "A worker stopped part-way" in digest_progress(key=_key(alliance), site_id=cast.site.pk).why
    client = cast.client_for(cast.enabler)
    page = client.get(reverse("network:site-digests", args=[cast.site.slug])).content.decode()
    assert "Stalled:" in page and 'hx-trigger="every 5s"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("network:digest-send-now", args=[cast.site.slug]), {"digest": _key(alliance)})
    assert len(mailoutbox) == len(rows)
    assert digest_progress(key=_key(alliance), site_id=cast.site.pk).state == SendState.DONE


def test_choosing_an_email_then_a_person_keeps_only_the_latest_response(cast: Cast, alliance: Alliance) -> None:
    page = cast.client_for(cast.enabler).get(reverse("network:site-digests", args=[cast.site.slug])).content.decode()
    # htmx aborts the earlier request when a later one starts on the same form, so a slow first answer
    # (another person's preview) can never land after the one asked for last.
    assert 'hx-sync="this:replace"' in page
    assert 'hx-trigger="change from:#id_digest, submit"' in page


def test_a_written_email_queued_through_the_ledger_survives_a_lost_task(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    from network.services.digests import email_queue

    with django_capture_on_commit_callbacks(execute=False):  # the task is queued, and lost with Redis
        key = email_queue(
            site=cast.site,
            name="round_closed",
            memberships=[cast.enabler],
            write=lambda membership: ("Round closed", "Totals only."),
        )
    assert mailoutbox == []
    DigestDelivery.objects.filter(key=key).update(created_at=timezone.now() - LONG_AGO)
    call_command("send_due_digests", stdout=io.StringIO())
    [message] = mailoutbox
    assert (message.to, message.subject, message.body) == ([cast.enabler.user.email], "Round closed", "Totals only.")
    assert message.extra_headers["Message-ID"].startswith("<digest.mail.")


def test_voting_emails_go_through_the_ledger(cast: Cast) -> None:
    from outcomes.services.mail import mail_send

    mail_send(site=cast.site, name="round_closed", context={"round": None, "ballot_count": 3, "url": "/"},
              recipients=[cast.enabler, cast.outsider])  # fmt: skip
    rows = DigestDelivery.objects.filter(kind=DigestDelivery.Kind.MAIL)
    # Never to someone of another site, whoever asks.
    assert list(rows.values_list("recipient", flat=True)) == [cast.enabler.pk]


def test_a_sign_in_link_whose_task_was_lost_is_swept_up_and_works(
    cast: Cast, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    from django.test import Client

    from network.services.invitations import sign_in_link_request

    leader = cast.leaders[0]
    with django_capture_on_commit_callbacks(execute=False):  # the task is queued, and lost with Redis
        sign_in_link_request(email=leader.user.email, ip="192.0.2.7")
    [row] = DigestDelivery.objects.filter(kind=DigestDelivery.Kind.SIGN_IN)
    assert row.recipient_id == leader.pk and row.body == ""  # the link is made when it is sent, never stored
    DigestDelivery.objects.filter(pk=row.pk).update(created_at=timezone.now() - LONG_AGO)
    call_command("send_due_digests", stdout=io.StringIO())
    [message] = mailoutbox
    assert message.to == [leader.user.email] and message.subject == "Your sign-in link for Systems Leader"
    link = next(word for word in message.body.split() if "/accounts/link/" in word)
    response = Client().post(link.replace("http://localhost:8000", ""))
    assert response.status_code == 302
