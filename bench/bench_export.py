"""Export 100,000 attendee rows as CSV: time to first byte, peak memory growth, and COPY for comparison.

Run from the project root: .venv/bin/python bench/bench_export.py
It creates the PostgreSQL database bench_export on 127.0.0.1:5432 and drops it at the end.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

sys.argv = [sys.argv[0], "--db", "postgres"]  # COPY is PostgreSQL's, so this benchmark always uses it

ROWS = 100_000
BATCH = 10_000

COPY_SQL = """
COPY (
  SELECT u.name, u.email, coalesce(a.name, ''), coalesce(a.sector, ''), m.role_title,
         coalesce(r.rsvp, ''), (att.id IS NOT NULL), false
  FROM network_alliancemember am
  JOIN network_membership m ON m.id = am.membership_id
  JOIN network_user u ON u.id = m.user_id
  LEFT JOIN network_agency a ON a.id = m.agency_id
  LEFT JOIN network_meetingresponse r ON r.membership_id = m.id AND r.meeting_id = {meeting}
  LEFT JOIN network_meetingattendance att ON att.membership_id = m.id AND att.meeting_id = {meeting}
  WHERE am.alliance_id = {alliance}
  ORDER BY u.name, am.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    django_for_bench("bench_export")
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from network.models import (
        Agency,
        Alliance,
        AllianceMember,
        Meeting,
        MeetingAttendance,
        MeetingResponse,
        Membership,
        Role,
        Sector,
        User,
    )
    from network.services import site_create

    print(f"Loading {ROWS:,} alliance members ...", flush=True)
    coordinator_user = User.objects.create_user(email="coordinator@bench.example", name="Bench Coordinator")
    site = site_create(creator=coordinator_user, name="Bench Pilot", place="Benchton")
    agencies = Agency.objects.bulk_create(
        [Agency(site=site, name=f"Agency {i:03}", sector=Sector.values[i % len(Sector.values)]) for i in range(100)]
    )
    alliance = Alliance.objects.create(site=site, purpose="Everyone housed")
    meeting = Meeting.objects.create(
        site=site,
        alliance=alliance,
        title="All-hands",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Town Hall",
    )
    # Names in a different order from ids (7919 is prime to ROWS, so every name is used once), as real
    # people's would be; names that follow the ids would flatter a plan that walks the name index.
    for start in range(0, ROWS, BATCH):
        users = User.objects.bulk_create(
            [
                User(email=f"person{i:06d}@bench.example", name=f"Person {(i * 7919) % ROWS:06d}", password="!")  # noqa: S106 - an unusable password, as Django writes it
                for i in range(start, start + BATCH)
            ]
        )
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    site=site,
                    user=user,
                    role=Role.LEADER,
                    invitation_status="accepted",
                    agency=agencies[i % 100],
                    role_title="=SUM(A1:A9)" if i % 1000 == 0 else "Director",
                )
                for i, user in enumerate(users)
            ]
        )
        AllianceMember.objects.bulk_create([AllianceMember(alliance=alliance, membership=m) for m in memberships])
        MeetingResponse.objects.bulk_create(
            [MeetingResponse(meeting=meeting, membership=m, rsvp=("going", "maybe", "not_going")[i % 3])
             for i, m in enumerate(memberships) if i % 2 == 0]
        )  # fmt: skip
        MeetingAttendance.objects.bulk_create(
            [MeetingAttendance(meeting=meeting, membership=m) for i, m in enumerate(memberships) if i % 4 == 0]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator_user)
    url = reverse("network:meeting-attendees-csv", args=[site.slug, meeting.pk])
    client.get(url)  # warm up: session, URL resolving, template-free imports

    def export(measure_memory: bool) -> tuple[float, float, float, int, int]:
        gc.collect()
        if measure_memory:
            tracemalloc.start()
            base, _ = tracemalloc.get_traced_memory()
        started = time.perf_counter()
        response = client.get(url)
        chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
        first = next(chunks)
        first_byte = time.perf_counter() - started
        second = next(chunks)  # the first attendees: the query has run and its first batch is in
        first_row = time.perf_counter() - started
        size = len(first) + len(second)
        lines = first.count(b"\n") + second.count(b"\n")  # rows come some hundreds a chunk
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
        total = time.perf_counter() - started
        peak = 0
        if measure_memory:
            _, peak_bytes = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak = peak_bytes - base
        return first_byte, first_row, total, size, lines if not measure_memory else peak

    timings = [export(measure_memory=False) for _ in range(3)]
    best = min(timings, key=lambda t: t[2])
    first_byte, first_row, total, size, lines = best
    assert lines == ROWS + 1, lines

    rss_before = rss_mb()
    _, _, _, _, peak = export(measure_memory=True)
    rss_after = rss_mb()

    # The same people invited as the whole site rather than as the alliance: no alliance join.
    site_meeting = Meeting.objects.create(
        site=site, title="Open session", starts_at=timezone.now() + dt.timedelta(days=8), place="Town Hall"
    )
    site_url = reverse("network:meeting-attendees-csv", args=[site.slug, site_meeting.pk])
    site_runs = []
    for _ in range(3):
        started = time.perf_counter()
        chunks = iter(client.get(site_url).streaming_content)  # type: ignore[attr-defined]
        opening = next(chunks) + next(chunks)
        site_first_row = time.perf_counter() - started
        site_lines = opening.count(b"\n") + sum(chunk.count(b"\n") for chunk in chunks)
        site_runs.append((site_first_row, time.perf_counter() - started, site_lines))
    site_first_row, site_total, site_lines = min(site_runs, key=lambda run: run[1])
    assert site_lines == ROWS + 2, site_lines  # the coordinator is in the site too

    sql = COPY_SQL.format(meeting=meeting.pk, alliance=alliance.pk)
    copy_times = []
    for _ in range(3):
        started = time.perf_counter()
        copied = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(sql) as copy:
                for block in copy:
                    copied += len(block)
        copy_times.append(time.perf_counter() - started)
    copy_best = min(copy_times)

    print(f"Attendee CSV export of {ROWS:,} rows ({size / 1e6:.1f} MB), best of 3:")
    print(f"  time to first byte:          {first_byte * 1000:8.1f} ms   (target < 200 ms)")
    print(f"  time to first attendee row:  {first_row * 1000:8.1f} ms")
    print(f"  whole export:                {total:8.2f} s")
    print(f"  peak traced memory growth:   {peak / 1e6:8.2f} MB   (target < 50 MB; tracemalloc, one run)")
    print(f"  RSS before / after that run: {rss_before:8.1f} / {rss_after:.1f} MB")
    print(f"  whole-site meeting, same people: first row {site_first_row * 1000:.1f} ms, whole {site_total:.2f} s")
    print(f"PostgreSQL COPY ... TO STDOUT of the same columns ({copied / 1e6:.1f} MB), best of 3: {copy_best:.2f} s")
    print(f"Ratio export / COPY: {total / copy_best:.1f}x")


if __name__ == "__main__":
    main()
