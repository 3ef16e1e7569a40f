"""How long `manage.py seed_demo` takes, as `make run` runs it: a fresh SQLite database, no services.

Runs the command three times, each in a new process on a new database (migrated first, not timed),
and prints each wall-clock and CPU time, the median, and how many lines the command printed.
Target (issue 14): under 10 s, with the sign-in details as the last thing printed.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def main() -> None:
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}},
                "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
                "EMAIL_FILE_PATH": f"{tmp}/mail",
                "DEBUG": "true",
            }
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            lines = done.stdout.strip().splitlines()
            mails = len(list(Path(tmp, "mail").glob("*.eml")))
    print(f"seed_demo wall-clock over {RUNS} runs: " + ", ".join(f"{t:.2f} s" for t in times))
    print(f"median {statistics.median(times):.2f} s, fastest {min(times):.2f} s (target: under 10 s)")
    # CPU time moves less than wall-clock time when other work shares the machine.
    print("CPU time (user + system): " + ", ".join(f"{t:.2f} s" for t in cpu))
    print(f"load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"printed {len(lines)} lines on stdout, {len(done.stderr.splitlines())} on stderr; {mails} emails kept")
    print("last lines printed:\n  " + "\n  ".join(lines[-6:]))


if __name__ == "__main__":
    main()
