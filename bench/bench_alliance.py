"""The alliance, an outcome's story and an indicator page at the size issue 12 names: server time and queries.

Run from the project root (needs PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/bench_alliance.py

Seeds, into a database of its own (`sl_bench_alliance`, dropped and made again, and dropped at the
end), one site with 300 alliance members in 12 agencies, 1,000 commitments with 10,000 check-ins,
ten years of monthly meetings with attendance and actions, and three indicators with ten years of
weekly updates each (1,560 updates). Bulk inserts, as the bench times pages, not seeding.

Each page is requested through Django's test client with DEBUG off (as in production, but with
plain static file storage, since nothing is collected), as a leader of the site: a warm-up request,
then RUNS requests, timed in-process; the median and the 90th percentile are printed with the
number of queries per request (session, user and membership included).
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

NAME = "sl_bench_alliance"
MEMBERS = 300
AGENCIES = 12
COMMITMENTS = 1000
CHECKINS = 10_000
YEARS = 10
RUNS = 40


def _database() -> None:
    import psycopg

    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME}")
        conn.execute(f"CREATE DATABASE {NAME}")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {NAME}")

    atexit.register(drop)
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{NAME}",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="false",
    )
    os.environ.pop("REDIS_URL", None)


def _seed() -> dict[str, object]:
    from django.utils import timezone

    from network.models import (
        Agency,
        Alliance,
        AllianceMember,
        Commitment,
        CommitmentCheckIn,
        Meeting,
        MeetingAction,
        MeetingAttendance,
        Membership,
        PilotSite,
        Role,
        User,
    )
    from outcomes.models import CandidateOutcome, Indicator, IndicatorUpdate

    rng = random.Random(12)
    now = timezone.now()
    start = now - dt.timedelta(days=365 * YEARS)
    site = PilotSite.objects.create(name="Bench Pilot", slug="bench", place="Benchton")
    agencies = Agency.objects.bulk_create(
        Agency(site=site, name=f"Agency {i:02}", sector="local_authority") for i in range(AGENCIES)
    )
    users = User.objects.bulk_create(  # unusable passwords: the bench signs in with force_login
        User(email=f"leader{i}@bench.example", name=f"Leader {i:03}", password="!")  # noqa: S106
        for i in range(MEMBERS)
    )
    memberships = Membership.objects.bulk_create(
        Membership(site=site, user=u, role=Role.LEADER, agency=agencies[i % AGENCIES]) for i, u in enumerate(users)
    )
    alliance = Alliance.objects.create(site=site, purpose="No one sleeps rough")
    Alliance.objects.filter(pk=alliance.pk).update(created_at=start)
    members = AllianceMember.objects.bulk_create(
        AllianceMember(alliance=alliance, membership=m, pledge=f"Pledge {i}") for i, m in enumerate(memberships)
    )
    outcome = CandidateOutcome.objects.create(
        site=site, statement="No one sleeps rough", why_it_matters="x", proposed_by=memberships[0], alliance=alliance
    )
    CandidateOutcome.objects.filter(pk=outcome.pk).update(created_at=start, adopted_at=start)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            member=members[i % MEMBERS],
            action=f"Commitment {i}: do one thing differently with the others",
            due_on=(now + dt.timedelta(days=i % 400)).date(),
            checked_in_at=now - dt.timedelta(days=i % 60),
            status=rng.choice(["on_track", "on_track", "changed", "done", "dropped"]),
            status_reason="A reason",
        )
        for i in range(COMMITMENTS)
    )
    through = Commitment.with_members.through
    through.objects.bulk_create(
        through(commitment=c, membership=memberships[(i * 7) % MEMBERS]) for i, c in enumerate(commitments)
    )
    checkins = CommitmentCheckIn.objects.bulk_create(
        CommitmentCheckIn(
            commitment=commitments[i % COMMITMENTS], status="on_track", by=memberships[i % MEMBERS], reason=""
        )
        for i in range(CHECKINS)
    )
    for i, checkin in enumerate(checkins):
        checkin.created_at = start + dt.timedelta(hours=i * 8)
    CommitmentCheckIn.objects.bulk_update(checkins, ["created_at"], batch_size=2000)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            site=site,
            alliance=alliance,
            title=f"Meeting {n}",
            starts_at=start + dt.timedelta(days=30 * n + 10),
            place="Hall",
        )
        for n in range(12 * YEARS)
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=m, membership=memberships[(n * 13 + k) % MEMBERS])
        for n, m in enumerate(meetings)
        for k in range(25)
    )
    MeetingAction.objects.bulk_create(
        MeetingAction(
            meeting=m,
            description=f"Action {n}-{k}",
            owner=memberships[(n + k) % MEMBERS],
            due_on=m.starts_at.date() + dt.timedelta(days=21),
            done_at=m.starts_at + dt.timedelta(days=10) if n < 12 * YEARS - 2 else None,
        )
        for n, m in enumerate(meetings)
        for k in range(3)
    )
    indicators = [
        Indicator.objects.create(
            outcome=outcome,
            name=f"Indicator {k}",
            unit="people",
            source="Count",
            direction="down",
            baseline_value=Decimal(500),
            baseline_on=start.date(),
            target_value=Decimal(100),
            target_on=(now + dt.timedelta(days=365)).date(),
        )
        for k in range(3)
    ]
    IndicatorUpdate.objects.bulk_create(
        IndicatorUpdate(
            indicator=indicator,
            measured_on=(start + dt.timedelta(weeks=w)).date(),
            value=Decimal(500 - w * 0.6 + rng.uniform(-20, 20)).quantize(Decimal("0.1")),
            note="What changed" if w % 13 == 0 else "",
        )
        for indicator in indicators
        for w in range(1, 52 * YEARS + 1)
    )
    return {"site": site, "user": users[1], "outcome": outcome, "indicator": indicators[0]}


def _time(client: object, url: str, params: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get = client.get  # type: ignore[attr-defined]
    response = get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        get(url, params or {})
        timings.append((time.perf_counter() - begin) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = get(url, params or {})
    timings.sort()
    if "--profile" in sys.argv:  # where a request's Python time goes
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [get(url, params or {}) for _ in range(5)])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    if "--queries" in sys.argv:  # where a request's database time goes
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            print(f"      {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    return statistics.median(timings), timings[int(len(timings) * 0.9)], len(queries), len(response.content)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "systemsleader.settings"
    _database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    assert not settings.DEBUG
    call_command("migrate", verbosity=0)
    seeded = _seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a live database has planner statistics; fresh tables have none
    site, outcome, indicator = seeded["site"], seeded["outcome"], seeded["indicator"]
    client = Client(HTTP_HOST="localhost")
    client.force_login(seeded["user"])  # type: ignore[arg-type]
    pages = [
        ("alliance page", reverse("network:alliance-detail", args=[site.slug]), None),  # type: ignore[attr-defined]
        ("story page", reverse("outcomes:story", args=[site.slug, outcome.pk]), None),  # type: ignore[attr-defined]
        (
            "story, check-ins only, page 3",
            reverse("outcomes:story", args=[site.slug, outcome.pk]),  # type: ignore[attr-defined]
            {"kind": "checkin", "page": "3"},
        ),
        ("handover pack (print)", reverse("outcomes:story", args=[site.slug, outcome.pk]), {"print": "1"}),  # type: ignore[attr-defined]
        ("indicator page", reverse("outcomes:indicator-detail", args=[site.slug, indicator.pk]), None),  # type: ignore[attr-defined]
    ]
    print(
        f"bench_alliance (postgres, DEBUG off): {MEMBERS} members, {COMMITMENTS:,} commitments, "
        f"{CHECKINS:,} check-ins, {12 * YEARS} meetings, 3 indicators x {52 * YEARS} weekly updates; "
        f"{RUNS} requests per page through the test client"
    )
    print(f"  load average at start: {os.getloadavg()[0]:.2f}")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        for name, url, params in pages:
            median, p90, queries, size = _time(client, url, params)
            print(
                f"  {name:32} median {median:6.1f} ms  p90 {p90:6.1f} ms  {queries:3} queries  {size / 1024:7.1f} KiB"
            )
    print(f"  load average at end: {os.getloadavg()[0]:.2f}  (target: under 100 ms a page, queries constant)")


if __name__ == "__main__":
    main()
