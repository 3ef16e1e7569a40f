"""Shared set-up for the convening benchmarks: a throwaway database, migrated, then Django ready.

`--db sqlite` (the default) uses a temporary SQLite file; `--db postgres` creates
a PostgreSQL database named after the benchmark on 127.0.0.1 and drops it after.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import tempfile
from pathlib import Path


def django_for_bench(name: str) -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "systemsleader.settings"
    os.environ.pop("REDIS_URL", None)  # tasks in-process, cache in memory
    os.environ["DEBUG"] = "true"
    if args.db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")

        atexit.register(drop)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        path = Path(tempfile.mkdtemp(prefix=f"{name}-")) / "bench.sqlite3"
        atexit.register(lambda: path.unlink(missing_ok=True))
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return args.db
