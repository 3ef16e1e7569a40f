"""The living map at scale: a snapshot for 2,000 people in 100 agencies with 50,000 ties, and the map page
read from a stored snapshot.

Run from the project root: .venv/bin/python bench/bench_map.py [--db postgres]
(BENCH_MAP_NO_EXACT=1 skips timing the exact betweenness, which takes minutes)

Prints the snapshot's time (reading the ties, networkx's analysis, storing the JSON), the time networkx's own
exact betweenness takes on the same person graph and the ratio (the snapshot samples betweenness on a person
map this size, k and seed as in network/map_analysis.py, and says so in the snapshot), then the map page's
median and worst server time and its query count for the enabler's person map, the enabler's agency map
and a leader's map.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

AGENCIES = 100
PEOPLE = 2000
TIES = 50_000
RUNS = 20


def main() -> None:
    db = django_for_bench("bench_map")
    import datetime as dt

    import networkx as nx
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from network.map_analysis import SAMPLE_K, SEED, map_analyse
    from network.models import Agency, Membership, RelationshipAnswer, Role, Sector, User
    from network.selectors.map_ties import map_people, ties_for_site
    from network.services import map as maps
    from network.services import site_create

    rng = random.Random(13)
    enabler = User.objects.create_user(email="enabler@bench.example", name="Bench Enabler", password=None)
    site = site_create(creator=enabler, name="Bench Pilot", place="Benchton")
    sectors = Sector.values
    agencies = Agency.objects.bulk_create(
        [Agency(site=site, name=f"Agency {i:03}", sector=sectors[i % len(sectors)]) for i in range(AGENCIES)]
    )
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example", name=f"Person {i:04}", password="!") for i in range(PEOPLE)]  # noqa: S106 - unusable
    )
    people = Membership.objects.bulk_create(
        [Membership(site=site, user=u, role=Role.LEADER, agency=agencies[i % AGENCIES]) for i, u in enumerate(users)]
    )
    # Ties mostly within a few neighbouring agencies, some across the site: check-in answers, each one tie.
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < TIES:
        a = rng.randrange(PEOPLE)
        b = (a + rng.choice([rng.randrange(1, 300), rng.randrange(PEOPLE)])) % PEOPLE
        if a != b:
            pairs.add((a, b))
    RelationshipAnswer.objects.bulk_create(
        [
            RelationshipAnswer(respondent=people[a], partner=people[b], frequency="monthly", trust=rng.randint(1, 5))
            for a, b in sorted(pairs)
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    now = timezone.now()
    start, cpu = time.perf_counter(), time.process_time()
    snapshot = maps.map_snapshot_make(site=site, now=now)
    snapshot_s, snapshot_cpu = time.perf_counter() - start, time.process_time() - cpu
    # The parts, timed again separately.
    start = time.perf_counter()
    found_people, found_agencies = map_people(site_id=site.pk)
    ties = ties_for_site(site_id=site.pk, now=now + dt.timedelta(seconds=1))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    map_analyse(people=found_people, agencies=found_agencies, ties=ties)
    analyse_s = time.perf_counter() - start

    graph = nx.Graph()
    graph.add_nodes_from(p.id for p in found_people)
    graph.add_edges_from((t.a, t.b) for t in ties)
    print(
        f"bench_map ({db}): {len(found_people)} people, {AGENCIES} agencies, {len(ties)} ties, "
        f"{graph.number_of_edges()} person pairs",
        flush=True,
    )
    print(
        f"  snapshot: {snapshot_s:.2f} s wall, {snapshot_cpu:.2f} s of this process's CPU"
        f"  (target under 10 s; reading ties {read_s:.2f} s, analysis "
        f"{analyse_s:.2f} s; betweenness {snapshot.data['summaries']['people']['betweenness']})",
        flush=True,
    )
    if not os.environ.get("BENCH_MAP_NO_EXACT"):
        start = time.perf_counter()
        exact = nx.betweenness_centrality(graph)
        exact_s = time.perf_counter() - start
        print(
            f"  networkx exact betweenness on the same person graph: {exact_s:.2f} s; "
            f"snapshot / exact = {snapshot_s / exact_s:.3f}",
            flush=True,
        )
        # How far the sample is from the truth where it matters: the brokers a page names.
        sampled = nx.betweenness_centrality(graph, k=SAMPLE_K, seed=SEED)
        top_exact = sorted(exact, key=lambda n: -exact[n])[:10]
        top_sampled = sorted(sampled, key=lambda n: -sampled[n])[:10]
        print(
            f"  sampled (k={SAMPLE_K}) against exact: top 3 shared {len(set(top_exact[:3]) & set(top_sampled[:3]))}"
            f" of 3, top 10 shared {len(set(top_exact) & set(top_sampled))} of 10",
            flush=True,
        )

    leader = people[0]
    for label, member, query in (
        ("enabler, people", site.memberships.get(user=enabler), "?level=people"),
        ("enabler, agencies", site.memberships.get(user=enabler), "?level=agencies"),
        ("leader", leader, ""),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(member.user)
        url = reverse("network:site-map", args=[site.slug]) + query
        response = client.get(url)  # warm up
        assert response.status_code == 200
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"  map page ({label}): median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms, "
            f"{len(queries)} queries, {len(response.content) // 1024} KiB  (target under 100 ms)",
            flush=True,
        )


if __name__ == "__main__":
    main()
