"""The ballot page and the result pages with 2,000 leaders and 50 outcomes: server time and query counts.

Run from the project root: .venv/bin/python bench/bench_pages.py [--db postgres]

Builds the round with tests/outcomes/scale.py (bulk rows; opened and closed by
the services), then times GET requests through Django's test client: the
ballot page of a leader who has voted (open round), and the result page,
system view and CSV of the same round once closed. Prints the median and max
of 30 requests each and the queries per request (pinned in
tests/outcomes/test_pages_at_scale.py). Target: under 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _setup import django_for_bench

RUNS = 30


def _time(client, url: str) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up: templates compiled, connection open
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(timings), max(timings), len(queries), len(response.content)


def main() -> None:
    db = django_for_bench("bench_pages")
    from django.test import Client
    from django.urls import reverse

    from network.models import User
    from network.services import site_create
    from outcomes import services
    from tests.outcomes.scale import build_big_round

    enabler_user = User.objects.create_user(email="enabler@bench.example", name="Bench Enabler", password=None)
    site = site_create(creator=enabler_user, name="Bench Pilot", place="Benchton")
    enabler = site.memberships.get(user=enabler_user)
    start = time.perf_counter()
    big = build_big_round(site=site, enabler=enabler, leaders=2000, outcomes=50, close=False)
    built = time.perf_counter() - start
    leader = Client(HTTP_HOST="localhost")
    leader.force_login(big.leaders[0].user)
    url = reverse("outcomes:round-detail", args=[site.slug, big.voting_round.pk])
    rows = [("ballot page (open round, leader with a ballot)", *_time(leader, url))]

    start = time.perf_counter()
    services.round_close(voting_round=big.voting_round, membership=enabler)
    closing = time.perf_counter() - start
    rows.append(("result page (closed round)", *_time(leader, url)))
    rows.append(
        ("system view", *_time(leader, reverse("outcomes:round-system", args=[site.slug, big.voting_round.pk])))
    )
    rows.append(
        ("results CSV", *_time(leader, reverse("outcomes:round-results-csv", args=[site.slug, big.voting_round.pk])))
    )
    print(f"database: {db}; 2,000 leaders, 50 outcomes, 100,000 ballot entries (built in {built:.1f} s)")
    print(f"closing the round (load ballots, Schulze, support and energy by agency): {closing * 1000:.0f} ms")
    for name, median, worst, queries, size in rows:
        print(f"{name}: median {median:.1f} ms, max {worst:.1f} ms over {RUNS}; {queries} queries; {size:,} bytes")


if __name__ == "__main__":
    main()
