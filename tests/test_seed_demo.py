"""`manage.py seed_demo` (outcomes/management/commands/seed_demo.py) builds the demo site, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from network.models import (
    Agency,
    AllianceMember,
    Commitment,
    CommitmentCheckIn,
    Meeting,
    MeetingAction,
    Membership,
    PilotSite,
    Role,
)
from network.selectors.checkins import checkins_due_in_alliance
from outcomes.models import Indicator, VotingRound
from outcomes.selectors import round_result
from outcomes.selectors.story import outcome_story


def test_it_seeds_a_believable_demo_site_once(db: None) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    site = PilotSite.objects.get()
    assert Agency.objects.filter(site=site).count() == 12
    assert Membership.objects.filter(site=site, role=Role.LEADER).count() == 40
    voting_round = VotingRound.objects.get(site=site)
    assert voting_round.status == "closed"
    assert voting_round.winner is not None
    result = round_result(voting_round=voting_round)
    assert result.verdict is not None and result.verdict.named  # the demo names what really matters
    assert voting_round.winner.adopted_at is not None
    assert AllianceMember.objects.filter(alliance__site=site).count() == 18
    # A year of the alliance's working life (issue 12): eleven monthly meetings held and one to come.
    assert Meeting.objects.filter(alliance__site=site).count() == 12
    assert Meeting.objects.filter(alliance__site=site, starts_at__lt=timezone.now()).count() == 11
    assert MeetingAction.objects.filter(meeting__site=site, done_at__isnull=False).exists()
    assert MeetingAction.objects.filter(meeting__site=site, done_at__isnull=True).exists()
    assert Commitment.objects.filter(member__alliance__site=site).count() == 18
    assert Commitment.objects.filter(status="dropped").exclude(status_reason="").count() == 2
    assert CommitmentCheckIn.objects.count() > 150
    alliance = AllianceMember.objects.filter(alliance__site=site).first().alliance  # type: ignore[union-attr]
    assert checkins_due_in_alliance(alliance=alliance)  # someone is due to check in now
    indicator = Indicator.objects.get(outcome__site=site)
    assert indicator.updates.count() == 51
    assert indicator.updates.earliest("measured_on").measured_on < (timezone.now() - dt.timedelta(days=300)).date()
    story = outcome_story(outcome=indicator.outcome, size=1000)
    assert {e.kind for e in story.events} == {
        "proposed",
        "voted",
        "adopted",
        "joined",
        "meeting",
        "commitment",
        "checkin",
        "action",
        "measure",
    }
    assert "enabler@northbrook.example" in out.getvalue()
    call_command("seed_demo", stdout=StringIO())
    assert PilotSite.objects.count() == 1
