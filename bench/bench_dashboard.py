"""The site dashboard with 100 agencies and 2,000 leaders: server time and query count.

Run from the project root: .venv/bin/python bench/bench_dashboard.py [--db postgres]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

AGENCIES = 100
LEADERS = 2000
RUNS = 30


def main() -> None:
    db = django_for_bench("bench_dashboard")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from network.models import InvitationStatus, Membership, Sector, User
    from network.services import imports, site_create
    from outcomes.models import Ballot, CandidateOutcome, VotingRound

    enabler = User.objects.create_user(email="enabler@bench.example", name="Bench Enabler", password=None)
    site = site_create(creator=enabler, name="Bench Pilot", place="Benchton")
    sectors = Sector.values[:7]  # three sectors left with no agency
    lines = ["name,email,agency,sector"]
    for i in range(LEADERS):
        agency = i % (AGENCIES - 10)  # ten agencies with no leader
        lines.append(f"Leader {i},leader{i}@bench.example,Agency {agency:03},{sectors[agency % len(sectors)]}")
    for agency in range(AGENCIES - 10, AGENCIES):
        lines.append(f",,Agency {agency:03},{sectors[agency % len(sectors)]}")
    batch = imports.import_preview(site=site, actor=enabler, data="\n".join(lines).encode(), filename="big.csv")
    imports.import_confirm(batch=batch, actor=enabler)

    leaders = list(Membership.objects.filter(site=site, role="leader").order_by("pk"))
    Membership.objects.filter(pk__in=[m.pk for m in leaders[:1500]]).update(invitation_status=InvitationStatus.SENT)
    Membership.objects.filter(pk__in=[m.pk for m in leaders[:900]]).update(invitation_status=InvitationStatus.ACCEPTED)
    User.objects.filter(memberships__in=leaders[:900]).update(last_login=timezone.now())
    outcome = CandidateOutcome.objects.create(site=site, statement="One thing", why_it_matters="Because")
    voting_round = VotingRound.objects.create(site=site, title="What matters?")
    voting_round.candidates.add(outcome)
    Ballot.objects.bulk_create([Ballot(round=voting_round, voter=m) for m in leaders[:700]])

    if connection.vendor == "postgresql":
        # A live database has planner statistics; freshly loaded tables have none until autovacuum runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(enabler)
    url = reverse("network:site-dashboard", args=[site.slug])
    client.get(url)  # warm up: templates compiled, connection open
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    page = response.content.decode()
    assert f"700 of {LEADERS} leaders have voted" in page, "the dashboard did not count the votes"

    print(f"bench_dashboard ({db}): {AGENCIES} agencies, {LEADERS} leaders, {RUNS} requests")
    median, worst = statistics.median(timings), max(timings)
    print(f"  server time per request: median {median:.1f} ms, max {worst:.1f} ms  (target under 100 ms)")
    print(f"  queries per request: {len(queries)} (session, user and membership included)")


if __name__ == "__main__":
    main()
