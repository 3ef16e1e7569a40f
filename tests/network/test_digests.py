"""Weekly and pre-meeting digests: personal content, preferences, unsubscribe, preview, send now, exactly once."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from network import digests, services, tokens
from network.digests.content import GOING_SHOWN
from network.digests.keys import meeting_key
from network.errors import DomainError
from network.models import Alliance, AllianceMember, DigestDelivery, DigestSchedule, Meeting, Membership
from network.services.digests import digest_send_now
from network.tasks import digest_send, digests_due_send
from outcomes.services import ballot_submit, outcome_propose, round_create_and_open
from tests.conftest import Cast


def _meeting(cast: Cast, alliance: Alliance, days: float = 10) -> Meeting:
    return services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="Alliance meeting",
        starts_at=timezone.now() + dt.timedelta(days=days),
        place="Central Library",
    )


def _member(membership: Membership) -> AllianceMember:
    return AllianceMember.objects.get(membership=membership)


def _weekly_key(alliance: Alliance) -> str:
    return digests.weekly_key(alliance=alliance, when=timezone.now())


def test_the_weekly_digest_is_personal_grouped_and_leaves_out_what_you_did(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    meeting = _meeting(cast, alliance)
    services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
    outcome_propose(membership=cast.leaders[0], statement="Safe streets after dark", why_it_matters="Fear.")
    outcome_propose(membership=cast.leaders[1], statement="Children ready for school", why_it_matters="Early.")
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    candidate = voting_round.candidates.get(statement="Children ready for school")
    ballot_submit(voting_round=voting_round, voter=cast.leaders[1], ranks={candidate.pk: 1})
    mailoutbox.clear()

    assert digests.digest_send(key=_weekly_key(alliance)) == {"sent": 3, "failed": 0, "skipped": 0}
    by_person = {m.to[0]: m for m in mailoutbox}
    first = by_person[cast.leaders[0].user.email].body
    second = by_person[cast.leaders[1].user.email].body

    # Leader 0 answered the meeting and proposed "Safe streets": neither is news to them.
    assert "MEETINGS WAITING FOR YOUR REPLY" not in first
    assert "Safe streets after dark" not in first
    assert "- Children ready for school" in first
    assert "VOTING ROUNDS OPEN (you have not voted yet)\n- Spring round" in first
    assert 'Leader 0 of Ashby: "I bring' not in first  # their own pledge
    assert 'Leader 1 of Ashby: "I bring' in first
    # Leader 1 has not replied to the meeting, and has voted.
    assert "MEETINGS WAITING FOR YOUR REPLY\n\nAlliance meeting:" in second
    assert "1 person going: Leader 0 of Ashby" in second
    assert "Yes, I am going: http://localhost:8000/rsvp/" in second
    assert "VOTING ROUNDS OPEN" not in second
    # Newest first within a group.
    assert first.index("Leader 2 of Ashby") < first.index("Leader 1 of Ashby")
    html = by_person[cast.leaders[1].user.email].alternatives[0][0]
    assert "<h2>Meetings waiting for your reply</h2>" in html


def test_a_weekly_digest_with_nothing_new_is_not_sent(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    AllianceMember.objects.filter(alliance=alliance).update(joined_at=timezone.now() - dt.timedelta(days=30))
    assert digests.digest_send(key=_weekly_key(alliance)) == {"sent": 0, "failed": 0, "skipped": 3}
    assert mailoutbox == []
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {"skipped"}


def test_preferences_decide_who_gets_what(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    from network.services.digests import digest_preference_set

    digest_preference_set(membership=cast.leaders[0], preference="meetings")
    digest_preference_set(membership=cast.leaders[1], preference="none")
    meeting = _meeting(cast, alliance)
    mailoutbox.clear()
    digests.digest_send(key=_weekly_key(alliance))
    assert [m.to[0] for m in mailoutbox] == [cast.leaders[2].user.email]
    mailoutbox.clear()
    digests.digest_send(key=f"pre_meeting:{meeting.pk}")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast.leaders[0].user.email, cast.leaders[2].user.email])


def test_the_pre_meeting_digest_carries_the_calendar_file_and_skips_those_not_going(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    meeting = _meeting(cast, alliance)
    services.meeting_respond(meeting=meeting, membership=cast.leaders[2], rsvp="not_going")
    mailoutbox.clear()
    digests.digest_send(key=f"pre_meeting:{meeting.pk}")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in cast.leaders[:2])
    message = mailoutbox[0]
    assert message.subject == "Ashby Pilot: Coming up: Alliance meeting"
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("meeting.ics", "text/calendar")
    assert "SUMMARY:Alliance meeting" in (content.decode() if isinstance(content, bytes) else content)


def test_unsubscribing_in_one_click(cast: Cast, alliance: Alliance, mailoutbox: list, client) -> None:
    digests.digest_send(key=_weekly_key(alliance))
    message = next(m for m in mailoutbox if m.to[0] == cast.leaders[0].user.email)
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>").removeprefix("http://localhost:8000")
    assert url in message.body
    # What a mail client does for RFC 8058 one-click: a POST with no cookies and no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    cast.leaders[0].refresh_from_db()
    assert cast.leaders[0].digest_preference == "none"


def test_the_preferences_page_from_the_email_link(cast: Cast, client) -> None:
    url = reverse("network:digest-unsubscribe", args=[tokens.unsubscribe_token_make(membership_id=cast.leaders[0].pk)])
    page = client.get(url)
    assert "<h1>Email preferences</h1>" in page.content.decode()
    assert client.post(url, {"digest_preference": "meetings"}).status_code == 200
    cast.leaders[0].refresh_from_db()
    assert cast.leaders[0].digest_preference == "meetings"
    assert client.post(url, {"digest_preference": "daily"}).status_code == 422
    assert client.post(url).status_code == 302  # the page's own "unsubscribe from everything" button
    cast.leaders[0].refresh_from_db()
    assert cast.leaders[0].digest_preference == "none"
    assert client.get(reverse("network:digest-unsubscribe", args=["forged"])).status_code == 404


def test_an_enabler_previews_the_digest_as_a_member_gets_it(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    _meeting(cast, alliance)
    member = cast.leaders[1]
    client = cast.client_for(cast.enabler)
    key = _weekly_key(alliance)
    page = client.get(reverse("network:site-digests", args=[cast.site.slug]), {"digest": key, "member": str(member.pk)})
    assert page.status_code == 200
    assert f"member={member.pk}" in page.content.decode()
    preview_url = reverse("network:digest-preview", args=[cast.site.slug])
    preview = client.get(preview_url, {"digest": key, "member": str(member.pk)})
    assert "<p>Hello Leader 1 of Ashby,</p>" in preview.content.decode()
    text = client.get(preview_url, {"digest": key, "member": str(member.pk), "part": "text"})
    assert text.content.decode().startswith("Hello Leader 1 of Ashby,")
    assert client.get(preview_url, {"digest": key, "member": "999999"}).status_code == 404
    # Someone of another site is never offered, and cannot be asked for.
    assert client.get(preview_url, {"digest": key, "member": str(cast.outsider.pk)}).status_code == 404


def test_the_preview_renders_one_part_exactly_as_the_email_carries_it(
    cast: Cast, alliance: Alliance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview renders only the part shown (the other is half its time): each part is the sent email's own."""
    monkeypatch.setattr("django.core.signing.time.time", lambda: 1_800_000_000.0)  # the links' signatures, alike
    meeting = _meeting(cast, alliance)
    outcome_propose(membership=cast.leaders[0], statement="Safe streets after dark", why_it_matters="Fear.")
    outcome_propose(membership=cast.leaders[0], statement="Children ready for school", why_it_matters="Early.")
    # What is each reader's own, which the preview reads for its one reader: a reply, a vote.
    services.meeting_respond(meeting=_meeting(cast, alliance, days=12), membership=cast.leaders[2], rsvp="going")
    voting_round = round_create_and_open(membership=cast.enabler, title="Spring round")
    first = voting_round.candidates.order_by("pk")[0]
    ballot_submit(voting_round=voting_round, voter=cast.leaders[2], ranks={first.pk: 1})
    client = cast.client_for(cast.enabler)
    preview_url = reverse("network:digest-preview", args=[cast.site.slug])
    for member, key in (
        (cast.leaders[1], _weekly_key(alliance)),
        (cast.leaders[2], _weekly_key(alliance)),
        (cast.leaders[1], f"pre_meeting:{meeting.pk}"),
    ):
        # Read the digest afresh each time, as a digest run or a request does.
        digest = digests.digest_parse(key)
        assert digest is not None
        message = digests.digest_message(digest, member)
        assert message is not None
        shown = client.get(preview_url, {"digest": key, "member": str(member.pk)})
        assert shown.content.decode() == message.alternatives[0][0]
        text = client.get(preview_url, {"digest": key, "member": str(member.pk), "part": "text"})
        assert text["Content-Type"] == "text/plain; charset=utf-8"
        assert text.content.decode() == message.body
        assert ("Spring round" in message.body) == (member == cast.leaders[1] and key.startswith("weekly"))


def test_an_enabler_previews_and_sends_a_meeting_reminder_now(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    meeting = _meeting(cast, alliance)
    services.meeting_respond(meeting=meeting, membership=cast.leaders[2], rsvp="not_going")
    key = f"pre_meeting:{meeting.pk}"
    client = cast.client_for(cast.enabler)
    page = client.get(reverse("network:site-digests", args=[cast.site.slug]), {"digest": key}).content.decode()
    assert "Reminder before Alliance meeting" in page
    assert "Leader 2 of Ashby (" not in page  # said not going: would not get it, so not offered
    preview_url = reverse("network:digest-preview", args=[cast.site.slug])
    preview = client.get(preview_url, {"digest": key, "member": str(cast.leaders[0].pk)}).content.decode()
    assert "Coming up soon:" in preview
    assert "<h1>Alliance meeting</h1>" in preview
    assert client.get(preview_url, {"digest": key, "member": str(cast.leaders[2].pk)}).status_code == 404
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("network:digest-send-now", args=[cast.site.slug]), {"digest": key})
    assert sent.status_code == 302
    assert sent["Location"].endswith(f"?digest={key}#send-heading")  # lands on the progress
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in cast.leaders[:2])
    assert all(m.attachments[0][0] == "meeting.ics" for m in mailoutbox)
    progress = client.get(
        reverse("network:digest-progress", args=[cast.site.slug]), {"digest": key}, headers={"HX-Request": "true"}
    )
    assert "<strong>2</strong> sent" in progress.content.decode()
    again = client.post(reverse("network:digest-send-now", args=[cast.site.slug]), {"digest": key}, follow=True)
    assert "Everyone it is for has already been sent this one" in again.content.decode()


def test_send_now_only_sends_what_the_site_offers(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    other_alliance = services.alliance_for_outcome(site=cast.other_site, purpose="Elsewhere")
    services.alliance_join(alliance=other_alliance, membership=cast.outsider)
    foreign = services.meeting_create(
        alliance=other_alliance,
        created_by=cast.other_site.memberships.get(role="coordinator"),
        title="Their meeting",
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="Brindle",
    )
    mailoutbox.clear()
    with pytest.raises(DomainError):
        digest_send_now(membership=cast.enabler, key=f"pre_meeting:{foreign.pk}")
    client = cast.client_for(cast.enabler)
    with django_capture_on_commit_callbacks(execute=True):
        # A key the site does not offer falls back to the first it does (this week's digest), never the foreign one.
        client.post(reverse("network:digest-send-now", args=[cast.site.slug]), {"digest": f"pre_meeting:{foreign.pk}"})
    assert cast.outsider.user.email not in {m.to[0] for m in mailoutbox}
    assert not DigestDelivery.objects.filter(key=f"pre_meeting:{foreign.pk}").exists()


def test_send_now_sends_once_and_shows_progress(
    cast: Cast, alliance: Alliance, mailoutbox: list, django_capture_on_commit_callbacks
) -> None:
    client = cast.client_for(cast.enabler)
    mailoutbox.clear()
    for _ in range(2):  # pressing "send now" twice sends nobody a second copy
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("network:digest-send-now", args=[cast.site.slug])).status_code == 302
    assert len(mailoutbox) == 3
    progress = client.get(reverse("network:digest-progress", args=[cast.site.slug]), headers={"HX-Request": "true"})
    body = progress.content.decode()
    assert body.lstrip().startswith('<div id="digest-progress"')
    assert "<strong>3</strong> sent, <strong>0</strong> failed, <strong>0</strong> remaining" in body
    assert "hx-trigger" not in body  # finished, so it stops polling
    full = client.get(reverse("network:digest-progress", args=[cast.site.slug]))
    assert full.status_code == 302


def test_a_refused_recipient_is_retried_then_shown_failed(
    cast: Cast, alliance: Alliance, settings, mailoutbox: list
) -> None:
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    for _ in range(digests.MAX_ATTEMPTS + 1):  # as the worker's retries would; one more changes nothing
        digest_send.delay(_weekly_key(alliance))
        DigestDelivery.objects.update(retry_at=timezone.now())  # each backoff over
    deliveries = DigestDelivery.objects.filter(key=_weekly_key(alliance))
    assert {(d.status, d.attempts) for d in deliveries} == {("failed", digests.MAX_ATTEMPTS)}
    assert "No such user" in deliveries[0].error
    page = cast.client_for(cast.enabler).get(reverse("network:site-digests", args=[cast.site.slug])).content.decode()
    assert "<strong>0</strong> sent, <strong>3</strong> failed, <strong>0</strong> remaining" in page
    assert cast.leaders[0].user.email in page


@pytest.mark.parametrize("view", ["site-digests", "digest-preview", "digest-progress"])
def test_only_enablers_manage_digests(cast: Cast, alliance: Alliance, view: str) -> None:
    url = reverse(f"network:{view}", args=[cast.site.slug])
    assert cast.client_for(cast.coordinator).get(url).status_code == 403
    assert cast.client_for(cast.outsider).get(url).status_code == 404
    send = reverse("network:digest-send-now", args=[cast.site.slug])
    assert cast.client_for(cast.leaders[0]).post(send).status_code == 403


def test_the_enabler_sets_the_schedule(cast: Cast, alliance: Alliance) -> None:
    url = reverse("network:site-digests", args=[cast.site.slug])
    client = cast.client_for(cast.enabler)
    response = client.post(url, {"weekday": "3", "send_time": "07:30", "days_before_meeting": "3"})
    assert response.status_code == 302
    schedule = DigestSchedule.objects.get(site=cast.site)
    assert (schedule.weekday, schedule.send_time, schedule.days_before_meeting) == (3, dt.time(7, 30), 3)
    bad = client.post(url, {"weekday": "9", "send_time": "25:00", "days_before_meeting": "-1"})
    assert bad.status_code == 422
    assert 'id="id_send_time_error"' in bad.content.decode()


def test_beat_starts_each_due_digest_once(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    soon = _meeting(cast, alliance, days=1)
    _meeting(cast, alliance, days=20)  # too far off for a reminder
    DigestSchedule.objects.create(site=cast.site, weekday=0, send_time=dt.time(0, 0), days_before_meeting=2)
    mailoutbox.clear()
    keys = digests_due_send.delay().get()
    assert sorted(keys) == sorted([_weekly_key(alliance), f"pre_meeting:{soon.pk}"])
    sent = len(mailoutbox)
    assert sent == 6
    assert digests_due_send.delay().get() == []  # a doubled schedule finds nothing left to start
    assert len(mailoutbox) == sent


def test_a_refused_email_waits_out_its_backoff_then_the_beat_or_cron_retries_it(
    cast: Cast, alliance: Alliance, settings, mailoutbox: list
) -> None:
    meeting = _meeting(cast, alliance)
    key = f"meeting:{meeting.pk}"
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    settings.DIGEST_RETRY_SECONDS = 60
    digests.digest_send(key=key)
    first = DigestDelivery.objects.get(recipient=cast.leaders[0])
    assert first.attempts == 1 and first.retry_at is not None
    assert dt.timedelta(seconds=55) < first.retry_at - timezone.now() <= dt.timedelta(seconds=60)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests.digest_send(key=key) == {"sent": 0, "failed": 0, "skipped": 3}  # too soon: backing off
    assert key not in digests.retries_due()
    assert mailoutbox == []
    later = timezone.now() + dt.timedelta(seconds=61)
    assert sorted(digests.retries_due(now=later)[key]) == sorted(DigestDelivery.objects.values_list("pk", flat=True))
    DigestDelivery.objects.update(retry_at=timezone.now() - dt.timedelta(seconds=1))  # the minute has passed
    out = io.StringIO()
    call_command("send_due_digests", stdout=out)  # what cron runs when there is no Celery
    assert f"{key} (retried): 3 sent, 0 failed, 0 skipped" in out.getvalue()
    retried = [m.to[0] for m in mailoutbox if m.subject == "Ashby Pilot: Alliance meeting"]
    assert sorted(retried) == sorted(m.user.email for m in cast.leaders)
    sent = len(mailoutbox)  # the weekly digest was due too, and went with it
    call_command("send_due_digests", stdout=out)
    assert len(mailoutbox) == sent


def test_a_retry_never_goes_late_nor_to_people_added_since(
    cast: Cast, alliance: Alliance, settings, mailoutbox: list
) -> None:
    meeting = _meeting(cast, alliance)
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    digests.digest_send(key=f"meeting:{meeting.pk}")
    refused = sorted(DigestDelivery.objects.values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    newcomer = services.member_add(site=cast.site, name="New", email="new@ashby.example", agency=cast.agencies[0])
    services.alliance_join(alliance=alliance, membership=newcomer)
    later = timezone.now() + dt.timedelta(hours=1)
    assert digests.retries_due(now=later) == {f"meeting:{meeting.pk}": refused}  # only those refused
    # A failed row from before retries had a time (no retry_at) is never swept up.
    DigestDelivery.objects.filter(pk=refused[0]).update(retry_at=None)
    assert digests.retries_due(now=later) == {f"meeting:{meeting.pk}": refused[1:]}
    # The meeting starts before the backoff ends: the retry is recorded as too late, and nothing goes.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=1))
    DigestDelivery.objects.update(retry_at=timezone.now())
    for key, delivery_ids in digests.retries_due().items():
        digests.digest_send(key=key, delivery_ids=delivery_ids)
    assert mailoutbox == []
    late = DigestDelivery.objects.filter(pk__in=refused[1:])
    assert {(d.status, d.attempts, d.error) for d in late} == {
        ("failed", digests.MAX_ATTEMPTS, "Not sent: the meeting had already started.")
    }
    assert not DigestDelivery.objects.filter(recipient=newcomer).exists()


def test_last_weeks_digest_is_not_sent_this_week(cast: Cast, alliance: Alliance, mailoutbox: list) -> None:
    last_week = digests.weekly_key(alliance=alliance, when=timezone.now() - dt.timedelta(days=7))
    assert digests.digest_send(key=last_week)["failed"] == 3
    assert mailoutbox == []
    assert set(DigestDelivery.objects.values_list("error", flat=True)) == {"Not sent: that week has passed."}


def test_the_backoff_doubles_with_each_refusal(settings) -> None:
    settings.DIGEST_RETRY_SECONDS = 60
    assert [digests.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_the_weekly_digest_waits_for_its_day(cast: Cast, alliance: Alliance) -> None:
    monday = timezone.make_aware(dt.datetime(2031, 3, 10, 9, 0))
    DigestSchedule.objects.create(site=cast.site, weekday=2, send_time=dt.time(8, 0))
    assert digests.digests_due(now=monday) == []
    wednesday = monday + dt.timedelta(days=2)
    assert digests.digests_due(now=wednesday) == [digests.weekly_key(alliance=alliance, when=wednesday)]


def test_the_digest_page_pins_its_query_count(cast: Cast, alliance: Alliance, django_assert_num_queries) -> None:
    for i in range(30):
        leader = services.member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        services.alliance_join(alliance=alliance, membership=leader)
    digests.digest_send(key=_weekly_key(alliance))
    client = cast.client_for(cast.enabler)
    # Eleven (twelve before "Preview as" listed only the first MEMBERS_LISTED): the progress is one
    # aggregate and one list of failures.
    with django_assert_num_queries(11):
        response = client.get(reverse("network:site-digests", args=[cast.site.slug]))
    assert "<strong>33</strong> sent" in response.content.decode()


def test_the_preview_pins_its_query_count(cast: Cast, alliance: Alliance, django_assert_num_queries) -> None:
    """The weekly digest's preview reads the same queries for one meeting or many, and few people or more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = cast.client_for(cast.enabler)
    preview_url = reverse("network:digest-preview", args=[cast.site.slug])
    query = {"digest": _weekly_key(alliance), "member": str(cast.leaders[0].pk)}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert "<p>Hello Leader 0 of Ashby,</p>" in client.get(preview_url, query).content.decode()
        return len(captured)

    services.meeting_respond(meeting=_meeting(cast, alliance), membership=cast.leaders[1], rsvp="going")
    one = queries()
    for i in range(4):
        services.meeting_respond(meeting=_meeting(cast, alliance, days=5 + i), membership=cast.leaders[1], rsvp="going")
        leader = services.member_add(site=cast.site, name=f"L{i}", email=f"l{i}@example.org", agency=cast.agencies[0])
        services.alliance_join(alliance=alliance, membership=leader)
    # The session, its user and membership; the digest asked for and whom for; the week's news.
    with django_assert_num_queries(one):
        client.get(preview_url, query)
    assert one == 21  # 23 while the "Preview as" list was built only to check whom for


def test_the_reminder_skips_only_those_not_going_to_this_meeting(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    this_meeting = _meeting(cast, alliance)
    other_meeting = _meeting(cast, alliance, days=20)
    # Going to this one, not going to the other: the reminder for this one is still theirs.
    services.meeting_respond(meeting=this_meeting, membership=cast.leaders[0], rsvp="going")
    services.meeting_respond(meeting=other_meeting, membership=cast.leaders[0], rsvp="not_going")
    mailoutbox.clear()
    digests.digest_send(key=f"pre_meeting:{this_meeting.pk}")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.user.email for m in cast.leaders)


def test_one_run_hands_a_big_digest_out_in_chunks(cast: Cast, alliance: Alliance, settings, mailoutbox: list) -> None:
    settings.DIGEST_CHUNK_SIZE = 2
    key = _weekly_key(alliance)
    chunks: list[tuple[str, list[int]]] = []
    run = digests.digest_run(key=key, fan_out=lambda k, ids: chunks.append((k, ids)))
    ids = list(DigestDelivery.objects.filter(key=key).order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 3
    assert chunks == [(key, ids[:2]), (key, ids[2:])]
    assert run.counts == {"sent": 0, "failed": 0, "skipped": 0, "queued": 3}
    assert mailoutbox == []
    # Without anyone to hand chunks to (`send_due_digests`), the same run sends them all itself.
    assert digests.digest_run(key=key).counts == {"sent": 3, "failed": 0, "skipped": 0}


def test_a_run_that_can_come_back_says_when_its_refusals_are_due(cast: Cast, alliance: Alliance, settings) -> None:
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    settings.DIGEST_RETRY_SECONDS = 60
    meeting = _meeting(cast, alliance)
    run = digests.digest_run(key=f"meeting:{meeting.pk}", plan_retry=True)
    assert run.counts == {"sent": 0, "failed": 3, "skipped": 0}
    assert run.retry_in_seconds is not None
    assert 0.5 < run.retry_in_seconds <= 60.5  # the first backoff, not at once
    # A caller that cannot come back (in-process) is not told: the sweep picks the refusals up.
    again = digests.digest_run(key=f"change:{meeting.pk}:1")
    assert again.counts["failed"] == 3
    assert again.retry_in_seconds is None


def test_what_is_due_is_the_same_for_the_beat_and_for_cron(cast: Cast, alliance: Alliance, settings) -> None:
    soon = _meeting(cast, alliance, days=1)
    DigestSchedule.objects.create(site=cast.site, weekday=0, send_time=dt.time(0, 0), days_before_meeting=2)
    settings.EMAIL_BACKEND = "tests.network.failing_backend.RefusingBackend"
    digests.digest_send(key=f"meeting:{soon.pk}")
    refused = sorted(DigestDelivery.objects.filter(key=f"meeting:{soon.pk}").values_list("pk", flat=True))
    later = timezone.now() + dt.timedelta(minutes=2)
    assert digests.runs_due(now=later) == [
        digests.DueRun(digests.weekly_key(alliance=alliance, when=later), None),
        digests.DueRun(f"pre_meeting:{soon.pk}", None),
        digests.DueRun(f"meeting:{soon.pk}", refused),
    ]


def test_emails_name_the_first_of_those_going_and_count_the_rest(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    meeting = _meeting(cast, alliance)
    for i in range(GOING_SHOWN + 2):
        person = services.member_add(
            site=cast.site, name=f"Person {i:02d}", email=f"p{i}@example.org", agency=cast.agencies[0]
        )
        services.alliance_join(alliance=alliance, membership=person)
        services.meeting_respond(meeting=meeting, membership=person, rsvp="going")
    mailoutbox.clear()

    digests.digest_send(key=meeting_key(meeting_id=meeting.pk))
    notice = next(m for m in mailoutbox if m.to[0] == cast.leaders[1].user.email)
    assert f"Who is coming ({GOING_SHOWN + 2} people):" in notice.body
    assert f"- Person {GOING_SHOWN - 1:02d}" in notice.body and f"Person {GOING_SHOWN:02d}" not in notice.body
    assert "And 2 more." in notice.body
    body = notice.alternatives[0][0]
    assert f"Who is coming ({GOING_SHOWN + 2} people)" in body and "And 2 more." in body
    assert body.count("<li>Person") == GOING_SHOWN

    mailoutbox.clear()
    digests.digest_send(key=_weekly_key(alliance))
    weekly = next(m for m in mailoutbox if m.to[0] == cast.leaders[1].user.email)
    names = ", ".join(f"Person {i:02d}" for i in range(GOING_SHOWN))
    assert f"{GOING_SHOWN + 2} people going: {names} and 2 more" in weekly.body
    assert f"{GOING_SHOWN + 2} people going: {names} and 2 more" in weekly.alternatives[0][0]


def test_preview_as_lists_the_first_recipients_and_still_previews_anyone(cast: Cast, alliance: Alliance) -> None:
    from network.forms.digests import MEMBERS_LISTED

    for i in range(MEMBERS_LISTED + 5):
        leader = services.member_add(
            site=cast.site, name=f"Zed {i:02d}", email=f"z{i}@example.org", agency=cast.agencies[0]
        )
        services.alliance_join(alliance=alliance, membership=leader)
    last = Membership.objects.get(user__name=f"Zed {MEMBERS_LISTED + 4:02d}")
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-digests", args=[cast.site.slug])
    page = client.get(url).content.decode()
    assert page.count("<option value=") - page.count('name="digest"') <= MEMBERS_LISTED + 10  # a few digest choices
    assert f"Zed {MEMBERS_LISTED + 4:02d}" not in page
    assert "Only the first 50 people who would receive it, by name, are listed." in page
    key = re.search(r'<select name="digest"[^>]*>\s*<option value="([^"]+)"', page)
    assert key is not None
    chosen = client.get(url, {"digest": html.unescape(key.group(1)), "member": str(last.pk)}).content.decode()
    assert f"&amp;member={last.pk}" in chosen  # the preview shown is theirs
    assert f'<option value="{last.pk}" selected>Zed {MEMBERS_LISTED + 4:02d}' in chosen


def test_the_weekly_digest_shows_the_newest_pledges_and_how_many_were_made(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    from network.digests.content import PLEDGES_SHOWN, weekly_digest_for, weekly_news

    pledgers = []
    for i in range(PLEDGES_SHOWN + 3):
        person = services.member_add(
            site=cast.site, name=f"Pledger {i:02d}", email=f"pl{i}@example.org", agency=cast.agencies[0]
        )
        services.alliance_join(alliance=alliance, membership=person, pledge=f"I bring pledge {i:02d}")
        pledgers.append(person)
    news = weekly_news(alliance=alliance)
    total = news.pledge_count
    assert total >= PLEDGES_SHOWN + 3 and len(news.pledges) == PLEDGES_SHOWN + 1
    newest = weekly_digest_for(news=news, membership=pledgers[-1])  # their own is the newest: left out
    assert len(newest.pledges) == PLEDGES_SHOWN and newest.pledges_cut
    assert all(p.membership_id != pledgers[-1].pk for p in newest.pledges)

    mailoutbox.clear()
    digests.digest_send(key=_weekly_key(alliance))
    body = next(m for m in mailoutbox if m.to[0] == pledgers[0].user.email).body
    assert f'Pledger {PLEDGES_SHOWN + 2:02d}: "I bring pledge' in body  # the newest
    assert "Pledger 00:" not in body and "Pledger 01:" not in body  # their own, and one of the oldest
    assert f"These are the newest of {total} pledges made this week." in body


def test_the_weekly_digest_shows_the_newest_outcomes_and_how_many_were_proposed(cast: Cast) -> None:
    """A site proposing hundreds of outcomes in a week: each digest names the newest few and counts the rest."""
    import datetime as dt

    from django.utils import timezone

    from network.digests.content import OUTCOMES_SHOWN, WeeklyNews, weekly_digest_for
    from outcomes.selectors.for_network import NewOutcome

    now = timezone.now()
    reader, other = cast.leaders[0], cast.leaders[1]
    proposed = [
        NewOutcome(reader.pk if i == 0 else other.pk, f"Outcome {i}", now - dt.timedelta(minutes=i))
        for i in range(OUTCOMES_SHOWN + 5)
    ]
    news = WeeklyNews(outcomes=proposed)
    theirs = weekly_digest_for(news=news, membership=reader)  # their own (the newest) is left out
    assert [o.statement for o in theirs.outcomes] == [f"Outcome {i}" for i in range(1, OUTCOMES_SHOWN + 1)]
    assert theirs.outcomes_count == OUTCOMES_SHOWN + 4 and theirs.outcomes_cut
    few = weekly_digest_for(news=WeeklyNews(outcomes=proposed[:3]), membership=reader)
    assert len(few.outcomes) == few.outcomes_count == 2 and not few.outcomes_cut
