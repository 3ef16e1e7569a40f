"""Bytes of the pages that list leaders, at 2,000 leaders: who voted (closed round), invitations, one meeting.

Run from the project root: .venv/bin/python bench/bench_list_bytes.py [--db postgres] [--leaders N]

Seeds a site with tests/outcomes/scale.py (N leaders in 12 agencies, 50 outcomes, a closed open-visibility
round every leader voted in), half the leaders not yet invited, and a meeting for everyone in the site
that every other leader is going to; then fetches each page through Django's test client as the role
that reads it and prints its bytes and queries. Issue 16: none of these may grow with the leaders.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--leaders" in sys.argv:
    at = sys.argv.index("--leaders")
    LEADERS = int(sys.argv[at + 1])
    del sys.argv[at : at + 2]
else:
    LEADERS = 2000
from _setup import django_for_bench

django_for_bench("bench_list_bytes")


def main() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from network import services
    from network.models import InvitationStatus, MeetingResponse, Membership, Rsvp
    from tests.conftest import make_site
    from tests.outcomes.scale import build_big_round

    site, _, enabler, coordinator, _ = make_site("ashby")
    big = build_big_round(site=site, enabler=enabler, leaders=LEADERS, outcomes=50)
    leaders = Membership.objects.filter(pk__in=[m.pk for m in big.leaders]).order_by("pk")
    Membership.objects.filter(pk__in=[m.pk for m in big.leaders[::2]]).update(
        invitation_status=InvitationStatus.ACCEPTED
    )
    meeting = services.meeting_create(
        alliance=None,
        created_by=coordinator,
        title="Open session",
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Central Library",
    )
    invited = leaders.filter(invitation_status=InvitationStatus.ACCEPTED)
    MeetingResponse.objects.bulk_create(
        MeetingResponse(meeting=meeting, membership=m, rsvp=Rsvp.GOING if i % 2 else Rsvp.MAYBE)
        for i, m in enumerate(invited)
    )
    as_enabler, as_leader = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    as_enabler.force_login(enabler.user)
    as_leader.force_login(invited.first().user)  # type: ignore[union-attr]
    pages = [
        ("voters (closed round)", as_enabler, reverse("outcomes:round-voters", args=[site.slug, big.voting_round.pk])),
        ("invitations", as_enabler, reverse("network:site-invitations", args=[site.slug])),
        ("one meeting", as_leader, reverse("network:meeting-detail", args=[site.slug, meeting.pk])),
    ]
    print(f"bench_list_bytes: {LEADERS:,} leaders, 50 outcomes, {invited.count():,} invited to the meeting")
    print(f"{'page':<26}{'queries':>8}{'bytes':>12}")
    for name, client, url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        print(f"{name:<26}{len(queries):>8}{len(response.content):>12,}")


main()
