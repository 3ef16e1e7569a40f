"""Closing a big round through the app's own close service: 100 agencies x 200 outcomes x 20,000 ballots.

Run from the project root (needs PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/bench_close.py [--ballots 20000] [--outcomes 200] [--agencies 100] [--profile]

Builds the site as bench/bench_http.py does (bench/_seed.py: leaders and ballots
bulk-inserted, each ballot ranking 5 to 50 outcomes with energy, each sector
leaning towards its own outcomes) into its own database, `sl_bench_close`
(dropped and made again, and dropped at the end), opens a Schulze round through
the service, then times `outcomes.services.round_close`: reading every ballot
entry, the tally, the analysis by agency and sector, and storing it. Best of
--repeats closes (the round is reopened between them by resetting its status;
nothing else changes). --profile prints where the time of one close goes.
Target (issue 16): under 5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATABASE = "sl_bench_close"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=20_000)
    parser.add_argument("--outcomes", type=int, default=200)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--max-ranked", type=int, default=50, help="each ballot ranks between 5 and this many")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import psycopg

    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="systemsleader.settings",
        DEBUG="false",  # as production: no query log kept
        SECRET_KEY="bench-close-only-not-secret",  # noqa: S106 - a throwaway key for a local bench
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    )
    os.environ.pop("REDIS_URL", None)
    load_start = os.getloadavg()
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    print(f"load average at start {load_start[0]:.2f}, at end {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    import _seed

    from outcomes import services
    from outcomes.models import VotingRound

    start = time.perf_counter()
    scale = _seed.Scale(
        "close",
        agencies=args.agencies,
        leaders=args.ballots,
        outcomes=args.outcomes,
        alliance=0,
        max_ranked=args.max_ranked,
    )
    site, enabler, leaders, sectors = _seed.site_with_people(scale)
    _seed.outcomes_proposed(site, leaders, scale.outcomes)
    voting_round = services.round_create_and_open(membership=enabler, title="At scale")
    rng = np.random.default_rng(16)
    entries = _seed.ballots_cast(rng, voting_round, list(zip(leaders, sectors, strict=True)), scale.max_ranked)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"bench_close: {args.agencies} agencies, {args.outcomes} outcomes, {args.ballots:,} ballots, "
        f"{entries:,} ballot entries (Schulze; built in {time.perf_counter() - start:.1f} s)"
    )
    timings, cpu = [], []
    profiler = cProfile.Profile() if args.profile else None
    for repeat in range(args.repeats):
        VotingRound.objects.filter(pk=voting_round.pk).update(status=VotingRound.Status.OPEN, result={})
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiler is not None and repeat == 0:
            profiler.enable()
        closed = services.round_close(voting_round=voting_round, membership=enabler)
        if profiler is not None and repeat == 0:
            profiler.disable()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        print(
            f"  close {repeat + 1}: {timings[-1]:.2f} s ({cpu[-1]:.2f} s of this process's CPU; the rest is "
            "PostgreSQL and waiting for a CPU on a busy machine)"
            + (" (under the profiler)" if profiler and not repeat else "")
        )
    assert closed.is_closed and closed.result["ballot_count"] == args.ballots
    best = min(timings[1:] if profiler is not None and len(timings) > 1 else timings)
    print(f"closing the round (the app's round_close): best {best:.2f} s of {args.repeats}  (target under 5 s)")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(15)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"/(network|outcomes)/", 20)
        print(out.getvalue())


if __name__ == "__main__":
    main()
