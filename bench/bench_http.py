"""Every page of a big site, served the production way, against a floor: queries, bytes, req/s, p50/p99.

Run from the project root (needs PostgreSQL on 127.0.0.1:5432 and wrk):

    .venv/bin/python bench/bench_http.py            # 100 agencies, 2,000 leaders, 50 outcomes
    .venv/bin/python bench/bench_http.py --large    # 20,000 leaders, 200 outcomes (longer)

Seeds a site into a database of its own (bench/_seed.py; `sl_bench`, or
`sl_bench_large` with --large, dropped and made again, and dropped at the end
unless --keep), then serves the app under gunicorn as production does: DEBUG
off, SECRET_KEY and ALLOWED_HOSTS set, 2 workers of 4 threads, static files
collected for whitenoise, tasks queued rather than run in the web process; only
the SSL redirect is off, as the bench speaks plain HTTP. Its settings module
(bench/http_settings.py) adds two yardsticks that are never in the app's URLs
(bench/http_urls.py): the floor, a small template that reads the session and the
user, and a signed-in POST that does one INSERT.

Each GET page is fetched as the role that uses it, by wrk with 8 connections:
the floor for a second, then the page for two (a slow page for longer: enough
for about 20 requests, up to --max-seconds, and at any rate for each connection
to finish one), for every page, three times over; a page over 30x the floor the
first time is not driven again (--repeat-slow does), as it can take minutes. The
ratio is the page's median latency over that of the floor run just before it, so
a machine that gets busier or quieter part-way changes both alike; the table
shows the median of the ratios and their range. After each run the bench waits for the requests wrk gave
up on to finish, so they do not slow the next. The ballot and RSVP POSTs (htmx,
as the page sends them, each from one of 400 signed-in leaders in turn, replacing
a ballot or a reply they already had so the pages' counts stay put) are compared
by throughput with the INSERT view, measured just before each. Queries per
request are counted once in-process (Django's test client); bytes are the body
gunicorn sends. At the end, each gunicorn worker's peak resident memory (VmHWM).

Timings move with the machine's load, so the load average is printed at the
start and the end; query counts and bytes do not move. --reuse runs again on a
database kept by --keep without seeding; --only and --profile take substrings of
page names (--profile prints where a request's time goes, in-process).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import html
import http.client
import io
import math
import os
import pstats
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sl_bench"
SECRET_KEY = "bench-http-only-not-secret-" + "x" * 40  # a throwaway key: sessions of a local bench
HOST = "localhost"
WORKERS, THREADS = 2, 4
HARD_CAP = 120  # seconds: the longest any page is driven for, per repetition
APP_CODE = r"/(network|outcomes|templates)/"  # what --profile lists by cumulative time
SLOW = 30  # times the floor: a page this slow in the first repetition is not driven again (unless --repeat-slow)
POOL = 400  # signed-in leaders the POSTs rotate over


@dataclass
class Target:
    """One thing to drive: a page (one request, repeated) or a POST (a request per pooled leader, rotated)."""

    name: str
    role: str
    method: str
    path: str
    # (session key or "" for nobody signed in, body) per request; a GET has one.
    requests: list[tuple[str, str]]
    htmx: bool = False
    queries: int = 0
    bytes: int = 0
    single_ms: float = 0.0
    runs: list[Run] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


@dataclass
class Run:
    requests: int
    seconds: float
    bytes_each: float
    p50_ms: float
    p99_ms: float
    errors: int
    drained_s: float  # waiting, after wrk stopped, for the requests it gave up on to finish

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def censored(self) -> bool:
        """No request finished within the run: its latencies are then the run's length, a lower bound."""
        return self.requests == 0

    def progress(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.0f} s (+{self.drained_s:.1f} s to drain), "
            f"p50 {self.p50_ms:.1f} ms" + (f", {self.errors} errors" if self.errors else "")
        )


# Set up: database, Django, sessions -------------------------------------------------------------


def database_prepare(url: str, *, reuse: bool) -> str:
    """Drop and make the bench's own database (unless reusing it). Only `sl_bench*` names, so nothing else goes."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("sl_bench"):
        raise SystemExit(f"bench_http.py only drops databases named sl_bench*, not {name!r}")
    if not reuse:
        admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    return name


def database_drop(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')}")


def environment_set(database_url: str, static_root: str) -> None:
    """The production settings, for this process (seeding, query counts) and for gunicorn alike."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.http_settings",
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        BENCH_STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        # Tasks are queued, as production queues them for a worker, never run in the web process (none of the
        # measured requests queues one). With no broker here they are dropped: seeding adopts an outcome, which
        # would otherwise email every leader who gave it energy, one by one.
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    # No Redis: no measured request reads the cache or queues a task, and the shared Redis stays untouched.
    os.environ.pop("REDIS_URL", None)


def sessions_for(users: list[Any]) -> dict[int, str]:
    """A signed-in session for each user, with what `login()` stores (id, backend, hash), saved in one INSERT."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys = {user.pk: get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for user in users}
    Session.objects.bulk_create(
        Session(
            session_key=keys[user.pk],
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],  # the first is axes, which only refuses
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    )
    return keys


# What to drive -----------------------------------------------------------------------------------


def targets_build(seeded: Any) -> tuple[Target, list[Target], list[Target]]:
    """The floor, every GET page as the role that uses it, and the POSTs with their yardstick."""
    from django.urls import reverse

    from network import tokens
    from network.models import MeetingResponse, Membership
    from network.services.invitations import sign_in_token_make
    from outcomes.models import Ballot

    site, slug = seeded.site, seeded.site.slug
    rng = random.Random(16)
    voters = list(
        Membership.objects.filter(ballots__round=seeded.open_round, archived_at__isnull=True)
        .exclude(pk=seeded.viewer.pk)
        .select_related("user")
        .order_by("pk")[:POOL]
    )
    responses = list(
        MeetingResponse.objects.filter(meeting=seeded.meeting, membership__archived_at__isnull=True)
        .exclude(membership=seeded.viewer)
        .select_related("membership__user")
        .order_by("pk")[:POOL]
    )
    people = [seeded.enabler, seeded.coordinator, seeded.viewer, *voters, *(r.membership for r in responses)]
    by_user = sessions_for(list({m.user.pk: m.user for m in people}.values()))
    sessions = {m.pk: by_user[m.user.pk] for m in people}
    role = {
        "enabler": sessions[seeded.enabler.pk],
        "coordinator": sessions[seeded.coordinator.pk],
        "leader": sessions[seeded.viewer.pk],
        "nobody": "",
    }
    stranger = site.memberships.filter(role="leader", archived_at__isnull=True).exclude(pk=seeded.viewer.pk).last()
    assert stranger is not None
    meeting, past = seeded.meeting.pk, seeded.past_meeting.pk
    closed, open_ = seeded.closed_round.pk, seeded.open_round.pk
    outcome = seeded.open_round.candidates.order_by("pk").first()
    member = site.memberships.filter(role="leader").order_by("pk")[10]

    def page(name: str, who: str, url: str, *, htmx: bool = False) -> Target:
        return Target(name, who, "GET", url, [(role[who], "")], htmx=htmx)

    viewer = seeded.viewer
    sign_in_token = sign_in_token_make(user=stranger.user, site_slug=slug)
    rsvp_token = tokens.rsvp_token_make(meeting_id=meeting, membership_id=stranger.pk)
    unsubscribe_token = tokens.unsubscribe_token_make(membership_id=stranger.pk)
    calendar_token = tokens.calendar_token_make(membership_id=viewer.pk, key=viewer.calendar_key)
    batch = seeded.import_batch.pk
    preview = _preview_url(role["enabler"], reverse("network:site-digests", args=[slug]))
    pages = [
        page("sign-in page", "nobody", reverse("login")),
        page("email me a sign-in link", "nobody", reverse("network:sign-in-link-request")),
        page("sign-in link from an email", "nobody", reverse("network:sign-in-link", args=[sign_in_token])),
        page("reply from an email (RSVP link)", "nobody", reverse("network:meeting-rsvp", args=[rsvp_token])),
        page("email preferences link", "nobody", reverse("network:digest-unsubscribe", args=[unsubscribe_token])),
        page("calendar feed", "nobody", reverse("network:site-calendar", args=[calendar_token])),
        page("home", "leader", reverse("network:home")),
        page("profile", "leader", reverse("network:profile")),
        page("site page", "leader", reverse("network:site-detail", args=[slug])),
        page("outcomes list", "enabler", reverse("outcomes:outcome-list", args=[slug])),
        page("edit an outcome", "enabler", reverse("outcomes:outcome-edit", args=[slug, outcome.pk])),
        page("round (open ballot)", "leader", reverse("outcomes:round-detail", args=[slug, open_])),
        page("result (closed round)", "leader", reverse("outcomes:round-detail", args=[slug, closed])),
        page("system view", "leader", reverse("outcomes:round-system", args=[slug, closed])),
        page("results CSV", "leader", reverse("outcomes:round-results-csv", args=[slug, closed])),
        page("voters (closed round)", "enabler", reverse("outcomes:round-voters", args=[slug, closed])),
        page("alliance", "leader", reverse("network:alliance-detail", args=[slug])),
        page("meetings list", "leader", reverse("network:meeting-list", args=[slug])),
        page("one meeting", "leader", reverse("network:meeting-detail", args=[slug, meeting])),
        page("meeting .ics", "leader", reverse("network:meeting-ics", args=[slug, meeting])),
        page("new meeting form", "coordinator", reverse("network:meeting-create", args=[slug])),
        page("edit a meeting", "coordinator", reverse("network:meeting-edit", args=[slug, meeting])),
        page("attendance (past meeting)", "coordinator", reverse("network:meeting-attendance", args=[slug, past])),
        page("attendees CSV", "coordinator", reverse("network:meeting-attendees-csv", args=[slug, meeting])),
        page("attendees Excel", "coordinator", reverse("network:meeting-attendees-xlsx", args=[slug, meeting])),
        page("sign-in sheet", "coordinator", reverse("network:meeting-sign-in-sheet", args=[slug, meeting])),
        page("people", "enabler", reverse("network:site-people", args=[slug])),
        page("dashboard (who is missing)", "enabler", reverse("network:site-dashboard", args=[slug])),
        page("invitations", "enabler", reverse("network:site-invitations", args=[slug])),
        page("activity", "enabler", reverse("network:site-activity", args=[slug])),
        page("edit a person", "enabler", reverse("network:member-edit", args=[slug, member.pk])),
        page("edit an agency", "enabler", reverse("network:agency-edit", args=[slug, viewer.agency_id])),
        page("import", "enabler", reverse("network:site-import", args=[slug])),
        page("import template CSV", "enabler", reverse("network:site-import-template", args=[slug])),
        page("import preview (50 rows)", "enabler", reverse("network:site-import-preview", args=[slug, batch])),
        page("digests", "enabler", reverse("network:site-digests", args=[slug])),
        page("digest preview (email)", "enabler", preview),
        page("digest progress (htmx)", "enabler", reverse("network:digest-progress", args=[slug]), htmx=True),
        page("new site form", "enabler", reverse("network:site-create")),
    ]
    floor = page("floor", "leader", reverse("bench-floor"))

    candidates = list(seeded.open_round.candidates.order_by("pk").values_list("pk", flat=True))

    def ballot_body() -> str:
        # A leader ranks ten outcomes and says where they would put energy, as the ballot form sends it.
        chosen = rng.sample(candidates, min(10, len(candidates)))
        fields = [(f"rank_{pk}", str(rank)) for rank, pk in enumerate(chosen, start=1)]
        fields += [(f"energy_{pk}", rng.choice(["1", "2"])) for pk in chosen[:3]]
        return urllib.parse.urlencode(fields)

    assert Ballot.objects.filter(round=seeded.open_round, voter__in=voters).count() == len(voters)
    insert_requests = [(sessions[m.pk], "") for m in voters]
    insert = Target("INSERT view (yardstick)", "leader", "POST", reverse("bench-insert"), insert_requests)
    ballot_url = reverse("outcomes:round-detail", args=[slug, open_])
    ballot_requests = [(sessions[m.pk], ballot_body()) for m in voters]
    ballot = Target("ballot POST (htmx)", "leader", "POST", ballot_url, ballot_requests, htmx=True)
    # Each replies as they had, so the counts on the pages stay as seeded.
    rsvp_url = reverse("network:meeting-detail", args=[slug, meeting])
    rsvp_requests = [(sessions[r.membership_id], urllib.parse.urlencode({"rsvp": r.rsvp})) for r in responses]
    rsvp = Target("RSVP POST (htmx)", "leader", "POST", rsvp_url, rsvp_requests, htmx=True)
    return floor, pages, [insert, ballot, insert, rsvp]


def _preview_url(session: str, digests_url: str) -> str:
    """The address of the preview the digests page shows in its iframe (this week's digest, as its first reader)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    found = re.search(r'<iframe[^>]* src="([^"]+)"', client.get(digests_url).content.decode())
    if found is None:
        raise SystemExit("The digests page shows no preview to measure")
    return html.unescape(found.group(1))


CSRF_TOKEN = "benchcsrf" + "0" * 23  # 32 characters: Django takes it as the unmasked secret in cookie and header


def headers_for(target: Target, session: str) -> dict[str, str]:
    from django.conf import settings

    cookies = [f"{settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}"]
    if session:
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
    headers = {"Host": HOST, "Cookie": "; ".join(cookies)}
    if target.method == "POST":
        headers |= {"X-CSRFToken": CSRF_TOKEN, "Content-Type": "application/x-www-form-urlencoded"}
    if target.htmx:
        headers["HX-Request"] = "true"
    return headers


def queries_count(target: Target) -> int:
    """Queries for one request, in-process through the test client (which skips nothing but the network)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session, body = target.requests[0]
    client = Client(HTTP_HOST=HOST)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    headers = {"HX-Request": "true"} if target.htmx else {}
    with CaptureQueriesContext(connection) as queries:
        if target.method == "GET":
            response = client.get(target.path, headers=headers)
        else:
            response = client.post(target.path, body, content_type="application/x-www-form-urlencoded", headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    if response.status_code != 200:
        raise SystemExit(f"{target.name}: {target.method} {target.path} answered {response.status_code}")
    return len(queries)


def profile(target: Target, runs: int = 5) -> None:
    """Where one request's time goes, in-process: the top functions by own time and by cumulative time."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    session, body = target.requests[0]
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    headers = {"HX-Request": "true"} if target.htmx else {}

    def fetch() -> None:
        if target.method == "GET":
            response = client.get(target.path, headers=headers)
        else:
            response = client.post(target.path, body, content_type="application/x-www-form-urlencoded", headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]

    fetch()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        fetch()
    profiler.disable()
    each = (time.perf_counter() - start) / runs * 1000
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(15)
    # The app's own functions by cumulative time: which view, selector or template tag the time is under.
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(APP_CODE, 20)
    print(f"\n--- profile of {target.name}: {each:.0f} ms a request in-process (under the profiler), {runs} requests")
    print(out.getvalue())


def in_process(floor: Target, pages: list[Target], runs: int) -> None:
    """Each page's fastest of `runs` requests in-process (test client, no network, no gunicorn), floor interleaved.

    Quick to run and steadier than wrk on a loaded machine (the fastest request is the one nothing else slowed):
    for comparing a change with the last one, not for the issue's table, which is wrk's."""
    from django.conf import settings
    from django.test import Client

    def fastest(target: Target) -> float:
        client = Client(HTTP_HOST=HOST)
        session, body = target.requests[0]
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        headers = {"HX-Request": "true"} if target.htmx else {}
        best = math.inf
        for _ in range(runs):
            start = time.perf_counter()
            if target.method == "GET":
                response = client.get(target.path, headers=headers)
            else:
                response = client.post(
                    target.path, body, content_type="application/x-www-form-urlencoded", headers=headers
                )
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
            best = min(best, time.perf_counter() - start)
        return best * 1000

    print(f"\nin-process, fastest of {runs} requests each (floor measured before each page)")
    print(f"{'page':<34} {'queries':>7} {'ms':>8} {'x floor':>8}")
    for target in pages:
        floor_ms = fastest(floor)
        ms = fastest(target)
        print(f"{target.name:<34} {target.queries:>7} {ms:>8.1f} {ms / floor_ms:>8.1f}")


# The server ---------------------------------------------------------------------------------------


class Server:
    """gunicorn as production runs it: the app's wsgi module, gthread workers, no preloading."""

    def __init__(self, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn), "systemsleader.wsgi:application", "--chdir", str(ROOT),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS), "--threads", str(THREADS),
            "--worker-class", "gthread", "--timeout", "300", "--log-level", "warning", "--error-logfile", str(log),
        ]  # fmt: skip
        self.log = log
        self.process = subprocess.Popen(command, env=os.environ.copy())
        self.workers_at_start: list[int] = []

    def fetch(self, target: Target, index: int = 0) -> tuple[int, int, float]:
        """One request: (status, body bytes, seconds)."""
        session, body = target.requests[index]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        start = time.perf_counter()
        connection.request(target.method, target.path, body=body or None, headers=headers_for(target, session))
        response = connection.getresponse()
        size = len(response.read())
        seconds = time.perf_counter() - start
        connection.close()
        return response.status, size, seconds

    def wait_ready(self, floor: Target) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log}\n{self.log.read_text()[-2000:]}")
            try:
                if self.fetch(floor)[0] == 200:
                    self.workers_at_start = self.workers()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return sorted(found)

    def cpu_ticks(self) -> int:
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime and stime
        return total

    def wait_idle(self, timeout: float = 900) -> None:
        """Until requests that wrk gave up on at the end of a run have finished, so they do not slow the next run."""
        from django.db import connection

        deadline = time.monotonic() + timeout
        before = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.cpu_ticks()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state <> 'idle' AND pid <> pg_backend_pid()"
                )
                (busy,) = cursor.fetchone() or (0,)
            if now == before and not busy:
                return
            before = now
        print(f"  (gunicorn still busy {timeout:.0f} s after wrk stopped: the next run shares the machine with it)")

    def peak_memory(self) -> list[tuple[int, int, int]]:
        """(pid, peak RSS kB, current RSS kB) of each worker."""
        rows = []
        for pid in self.workers():
            status = dict(
                line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
            )
            rows.append((pid, int(status["VmHWM"].split()[0]), int(status["VmRSS"].split()[0])))
        return rows

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# wrk ----------------------------------------------------------------------------------------------


def _lua(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


LUA_DRIVER = """
local threads_made = 0
function setup(thread)
  thread:set("thread_index", threads_made)
  threads_made = threads_made + 1
end
function init(args)
  prepared = {}
  for i, e in ipairs(entries) do
    prepared[i] = wrk.format(e[1], e[2], e[3], e[4])
  end
  position = (thread_index or 0) * math.floor(#prepared / 2)
end
function request()
  position = position + 1
  return prepared[(position % #prepared) + 1]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %.0f %.0f %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration, summary.bytes,
    e.status + e.timeout + e.connect + e.read + e.write, latency:percentile(50), latency:percentile(99)))
end
"""


def lua_script(target: Target) -> str:
    """A wrk script that sends the target's requests in turn (each thread starting at its own place)."""
    entries = []
    for session, body in target.requests:
        headers = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers_for(target, session).items())
        body_lua = _lua(body) if target.method == "POST" else "nil"
        entries.append(f"  {{{_lua(target.method)}, {_lua(target.path)}, {{{headers}}}, {body_lua}}},")
    return "entries = {\n" + "\n".join(entries) + "\n}\n" + LUA_DRIVER


@dataclass
class Driver:
    """wrk against the server, with the same connections and threads for every run."""

    server: Server
    scripts: Path
    connections: int
    threads: int

    def run(self, target: Target, seconds: int) -> Run:
        script = self.scripts / f"{abs(hash((target.name, target.method))):x}.lua"
        if not script.exists():
            script.write_text(lua_script(target))
        command = [
            "wrk", f"-t{self.threads}", f"-c{self.connections}", f"-d{seconds}s", "--timeout", "300s",
            "-s", str(script), f"http://127.0.0.1:{self.server.port}/",
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
        if line is None:
            raise SystemExit(f"wrk printed no summary for {target.name}:\n{output}")
        requests, duration_us, size, errors, p50_us, p99_us = (float(v) for v in line.split()[1:])
        start = time.perf_counter()
        self.server.wait_idle()
        run = Run(
            requests=int(requests),
            seconds=duration_us / 1e6,
            bytes_each=size / requests if requests else 0.0,
            p50_ms=p50_us / 1000 if requests else duration_us / 1000,
            p99_ms=p99_us / 1000 if requests else duration_us / 1000,
            errors=int(errors),
            drained_s=time.perf_counter() - start,
        )
        target.runs.append(run)
        return run


def seconds_for(target: Target, base: int, longest: int, connections: int) -> int:
    """How long to drive a page: `base`, or long enough for about 20 requests (within `longest`), and in any case
    long enough for each connection to finish a request (up to HARD_CAP), judged by the page's last run."""
    last = target.runs[-1] if target.runs else None
    if last is not None and last.censored:
        return min(HARD_CAP, 2 * math.ceil(last.seconds))
    # Before any run, as if one core were free for it: the machine is shared.
    rate = last.per_second if last is not None else 1 / max(target.single_ms / 1000, 1e-3)
    return math.ceil(min(HARD_CAP, max(base, min(longest, 20 / rate), 1.5 * connections / rate)))


# Report -------------------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_pages(floor: Target, pages: list[Target]) -> None:
    print(
        f"\n{'page':<34} {'role':<11} {'queries':>7} {'bytes':>10} {'req/s':>8} {'p50 ms':>9} {'p99 ms':>9}"
        f" {'x floor':>9} {'(range)':>15}"
    )
    for target in [floor, *pages]:
        runs = target.runs
        bound = ">" if any(r.censored for r in runs) else " "  # some run finished no request: a lower bound
        ratio = f"{'1.0':>9}"
        if len(target.ratios) == 1:
            ratio = f"{bound}{target.ratios[0]:8.1f} {'(1 run)':>15}"
        elif target.ratios:
            ratio = f"{bound}{_median(target.ratios):8.1f} {min(target.ratios):6.1f}-{max(target.ratios):<8.1f}"
        errors = sum(r.errors for r in runs)
        print(
            f"{target.name:<34} {target.role:<11} {target.queries:>7} {target.bytes:>10,} "
            f"{_median([r.per_second for r in runs]):>8.1f} {bound}{_median([r.p50_ms for r in runs]):>8.1f} "
            f"{bound}{_median([r.p99_ms for r in runs]):>8.1f} {ratio}" + (f"  ({errors} errors)" if errors else "")
        )


def print_posts(posts: list[Target], yardstick: Target) -> None:
    print(f"\n{'POST':<34} {'queries':>7} {'bytes':>8} {'req/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'x INSERT req/s':>15}")
    for target in [yardstick, *(p for p in posts if p is not yardstick)]:
        runs = target.runs
        ratio = "1"
        if target.ratios:
            ratio = f"{_median(target.ratios):.3f} ({min(target.ratios):.3f}-{max(target.ratios):.3f})"
        errors = sum(r.errors for r in runs)
        print(
            f"{target.name:<34} {target.queries:>7} {target.bytes:>8,} {_median([r.per_second for r in runs]):>8.1f} "
            f"{_median([r.p50_ms for r in runs]):>9.1f} {_median([r.p99_ms for r in runs]):>9.1f} {ratio:>15}"
            + (f"  ({errors} errors)" if errors else "")
        )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def _matching(targets: list[Target], words: list[str]) -> Iterator[Target]:
    return (t for t in targets if any(w.lower() in t.name.lower() for w in words))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--large", action="store_true", help="20,000 leaders and 200 outcomes")
    parser.add_argument("--database-url", help=f"default {DEFAULT_DATABASE} (with --large, sl_bench_large)")
    parser.add_argument("--seconds", type=int, default=2, help="wrk time per page per repetition")
    parser.add_argument("--floor-seconds", type=int, default=1, help="wrk time for the floor before each page")
    parser.add_argument(
        "--max-seconds", type=int, help="the longest a slow page is driven for, per repetition (default 8; 30 --large)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=WORKERS * THREADS)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--only", nargs="*", default=[], help="drive only pages whose names contain one of these")
    parser.add_argument("--profile", nargs="*", default=[], help="profile in-process the pages named (substrings)")
    parser.add_argument("--repeat-slow", action="store_true", help=f"drive pages over {SLOW}x the floor every time too")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database kept by --keep, without seeding")
    parser.add_argument(
        "--in-process", type=int, metavar="RUNS", help="time GET pages in-process (fastest of RUNS), not under gunicorn"
    )
    args = parser.parse_args()

    longest = args.max_seconds or (30 if args.large else 8)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows when piped to a file
    # `kill <pid>` stops gunicorn too (the `finally` below), as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    load_start = _load()
    print(f"load average at start: {load_start}")
    database_url = args.database_url or DEFAULT_DATABASE + ("_large" if args.large else "")
    database_prepare(database_url, reuse=args.reuse)
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    environment_set(database_url, str(workdir / "static"))

    import django

    django.setup()
    import importlib

    import _seed
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    scale = _seed.LARGE if args.large else _seed.SMALL
    if args.reuse:
        seeded = _seed.seeded_find()
        print(f"reusing the site in {database_url.rsplit('/', 1)[1]}: {scale.label}")
    else:
        start = time.perf_counter()
        seeded = _seed.seed(scale)
        print(f"seeded {scale.label} in {time.perf_counter() - start:.1f} s")
        for name, value in seeded.counts.items():
            print(f"  {name}: {value:,}")
        for name, seconds in seeded.timings.items():
            print(f"  {name}: {seconds:.2f} s")
    importlib.import_module(settings.ROOT_URLCONF).insert_table_create()
    floor, pages, posts = targets_build(seeded)
    if args.only:
        pages = list(_matching(pages, args.only))
        posts = [p for p in posts if p.name.startswith("INSERT") or any(w.lower() in p.name.lower() for w in args.only)]
        if all(p.name.startswith("INSERT") for p in posts):
            posts = []
    for target in [floor, *pages, *posts]:
        if not target.queries:
            target.queries = queries_count(target)

    if args.in_process:
        in_process(floor, pages, args.in_process)
        if args.profile:
            for target in _matching([*pages, *posts], args.profile):
                profile(target)
        if not args.keep:
            database_drop(database_url)
        return
    server = Server(workdir / "gunicorn.log")
    try:
        server.wait_ready(floor)
        print(f"gunicorn on 127.0.0.1:{server.port}: {WORKERS} workers x {THREADS} threads, DEBUG off")
        for target in [floor, *pages, *posts]:  # warm up each worker's templates and connections; check each answers
            for _ in range(2):
                status, target.bytes, seconds = server.fetch(target)
                if status != 200:
                    raise SystemExit(f"{target.name}: {target.method} {target.path} answered {status} from gunicorn")
                target.single_ms = min(target.single_ms or seconds * 1000, seconds * 1000)
                if seconds > 2:
                    break  # a page this slow is not measurably slower cold: once is enough (a minute, at 20,000)
        scripts = workdir / "lua"
        scripts.mkdir()
        driver = Driver(server, scripts, args.connections, args.threads)
        yardstick = posts[0] if posts else None
        for repeat in range(args.repeats):
            print(f"repetition {repeat + 1} of {args.repeats} (load {_load()})")
            for target in pages:
                if repeat and not args.repeat_slow and target.ratios[0] > SLOW:
                    continue  # a page this far from the target needs no second opinion, and costs minutes each time
                floor_run = driver.run(floor, args.floor_seconds)
                run = driver.run(target, seconds_for(target, args.seconds, longest, args.connections))
                target.ratios.append(run.p50_ms / floor_run.p50_ms)
                print(
                    f"  {target.name}: {run.progress()}; x{target.ratios[-1]:.1f} the floor's {floor_run.p50_ms:.1f} ms"
                )
            for target in posts:
                run = driver.run(target, seconds_for(target, args.seconds, longest, args.connections))
                if target is yardstick:
                    insert_run = run
                else:
                    target.ratios.append(run.per_second / insert_run.per_second)
                print(f"  {target.name}: {run.progress()}")
        memory = server.peak_memory()
        restarted = sorted(set(server.workers_at_start) ^ set(server.workers()))
    finally:
        server.stop()

    print(f"\nbench_http: {scale.label}; gunicorn {WORKERS} workers x {THREADS} threads; wrk {args.threads} threads,")
    print(
        f"{args.connections} connections; {args.repeats} repetitions of floor {args.floor_seconds:g} s then page "
        f"{args.seconds} s (slow pages up to {longest} s); medians over the repetitions"
    )
    print_pages(floor, pages)
    if posts and yardstick is not None:
        print_posts(posts, yardstick)
    print("\npeak memory of each gunicorn worker (VmHWM): " + ", ".join(f"{hwm / 1024:.0f} MB" for _, hwm, _ in memory))
    if restarted:
        print(f"  (workers changed during the run: {restarted}; a restarted worker's peak starts again)")
    if args.profile:
        for target in _matching([*pages, *posts], args.profile):
            profile(target)
    print(f"\nload average at start: {load_start}")
    print(f"load average at end:   {_load()}")
    print(f"whole run: {(time.perf_counter() - began) / 60:.1f} min")
    if not args.keep:
        database_drop(database_url)


if __name__ == "__main__":
    main()
