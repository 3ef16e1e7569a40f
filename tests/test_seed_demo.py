"""`manage.py seed_demo` (outcomes/management/commands/seed_demo.py) builds the demo site, once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from network.models import Agency, AllianceMember, Meeting, Membership, PilotSite, Role
from outcomes.models import VotingRound
from outcomes.selectors import round_result


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
    assert Meeting.objects.filter(alliance__site=site).count() == 1
    assert "enabler@northbrook.example" in out.getvalue()
    call_command("seed_demo", stdout=StringIO())
    assert PilotSite.objects.count() == 1
