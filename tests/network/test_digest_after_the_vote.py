"""The weekly digest's new sections (issue 12): the reader's own due check-ins and open actions, once each."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from network import digests, services
from network.models import Alliance, AllianceMember, CommitmentStatus, DigestDelivery
from network.services.actions import action_add
from network.services.commitments import commitment_add
from tests.conftest import Cast

TODAY = timezone.localdate()


def _quiet_week(alliance: Alliance) -> None:
    """Nothing else new, so the digest says only what these tests add."""
    AllianceMember.objects.filter(alliance=alliance).update(joined_at=timezone.now() - dt.timedelta(days=30))


def test_the_digest_asks_only_the_owner_for_a_due_check_in_once(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    _quiet_week(alliance)
    long_ago = timezone.now() - dt.timedelta(weeks=5)
    commitment = commitment_add(
        alliance=alliance, membership=cast.leaders[0], action="Share housing data", due_on=TODAY, now=long_ago
    )
    commitment_add(  # made this week: not due yet
        alliance=alliance, membership=cast.leaders[1], action="Fund outreach", due_on=TODAY + dt.timedelta(days=9)
    )
    key = digests.weekly_key(alliance=alliance, when=timezone.now())
    assert digests.digest_send(key=key) == {"sent": 1, "failed": 0, "skipped": 2}
    assert digests.digest_send(key=key)["sent"] == 0  # exactly once, by the ledger
    [message] = mailoutbox
    assert message.to == [cast.leaders[0].user.email]
    assert "HOW ARE YOUR COMMITMENTS GOING?\n- Share housing data" in message.body
    assert "Fund outreach" not in message.body
    html = message.alternatives[0][0]
    assert "How are your commitments going?" in html
    # The "Dropped" link opens the small page that asks why, with no sign-in.
    link = re.search(r"Dropped: http://localhost:8000(\S+)", message.body)
    assert link is not None
    page = Client().get(link.group(1))
    assert page.status_code == 200
    assert re.search(rb'value="dropped"[^>]*checked', page.content)
    Client().post(link.group(1), {"status": "dropped", "reason": "The council took it on"})
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.DROPPED
    assert DigestDelivery.objects.filter(key=key, status="sent").count() == 1


def test_the_digest_carries_the_readers_open_actions_overdue_marked(
    cast: Cast, alliance: Alliance, mailoutbox: list
) -> None:
    _quiet_week(alliance)
    meeting = services.meeting_create(
        alliance=alliance,
        created_by=cast.coordinator,
        title="Spring meeting",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        place="Hall",
    )
    services.meeting_respond(meeting=meeting, membership=cast.leaders[1], rsvp="going")
    services.meeting_respond(meeting=meeting, membership=cast.leaders[0], rsvp="going")
    services.meeting_respond(meeting=meeting, membership=cast.leaders[2], rsvp="going")
    action_add(
        meeting=meeting,
        membership=cast.coordinator,
        description="Write to the landlords",
        owner=cast.leaders[1],
        due_on=TODAY - dt.timedelta(days=2),
    )
    action_add(
        meeting=meeting,
        membership=cast.coordinator,
        description="Far off",
        owner=cast.leaders[1],
        due_on=TODAY + dt.timedelta(days=40),
    )
    mailoutbox.clear()
    key = digests.weekly_key(alliance=alliance, when=timezone.now())
    assert digests.digest_send(key=key) == {"sent": 1, "failed": 0, "skipped": 2}
    [message] = mailoutbox
    assert message.to == [cast.leaders[1].user.email]
    assert "YOUR ACTIONS\n- OVERDUE: Write to the landlords" in message.body
    assert "Far off" not in message.body
    link = re.search(r"Mark it done: http://localhost:8000(\S+)", message.body)
    assert link is not None
    Client().post(link.group(1))
    assert meeting.actions.get(description="Write to the landlords").done_at is not None


def test_the_digest_carries_the_latest_change_in_the_measure(cast: Cast, candidates: list, mailoutbox: list) -> None:
    from decimal import Decimal

    from outcomes.services.indicators import indicator_create, indicator_update_add
    from tests.outcomes.adopted import adopt

    outcome, alliance = adopt(cast, candidates)
    _quiet_week(alliance)
    indicator = indicator_create(
        outcome=outcome,
        membership=cast.enabler,
        name="Rough sleepers",
        unit="people",
        source="Street count",
        direction="down",
        baseline_value=Decimal(40),
        baseline_on=TODAY - dt.timedelta(days=100),
    )
    key = digests.weekly_key(alliance=alliance, when=timezone.now())
    indicator_update_add(
        indicator=indicator, membership=cast.enabler, measured_on=TODAY - dt.timedelta(days=30), value=Decimal(38)
    )
    indicator_update_add(
        indicator=indicator,
        membership=cast.enabler,
        measured_on=TODAY - dt.timedelta(days=1),
        value=Decimal(31),
        note="Winter shelter opened",
    )
    mailoutbox.clear()
    assert digests.digest_send(key=key)["sent"] == 3
    body = mailoutbox[0].body
    assert "THE MEASURE\n- Rough sleepers: 31 people on" in body
    assert "(was 38) a change for the better" in body
    assert "Winter shelter opened" in body
