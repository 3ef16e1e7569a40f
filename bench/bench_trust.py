"""Issue 10's trust figures: 25 wrong passwords in a row, 10 password-reset posts, and reading a 5,000-row
import in each encoding.

Run from the project root: .venv/bin/python bench/bench_trust.py [--db postgres]

Requests go through Django's test client in-process (the full middleware stack, django-axes included),
each from the same client address unless said otherwise.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

WRONG = 25
PASSWORD = "right password 1"  # noqa: S105 - a throwaway account in a throwaway database
RESETS = 10
ROWS = 5000


def _sign_in_figures() -> None:
    from django.test import Client
    from django.urls import reverse

    from network.models import User

    User.objects.create_user(email="enabler@bench.example", name="Bench Enabler", password=PASSWORD)
    client = Client(HTTP_HOST="localhost")
    statuses = []
    start = time.perf_counter()
    for i in range(WRONG):
        response = client.post(
            reverse("login"), {"username": "enabler@bench.example", "password": f"wrong {i}"}, REMOTE_ADDR="192.0.2.1"
        )
        statuses.append(response.status_code)
    elapsed = time.perf_counter() - start
    first_refused = statuses.index(429) + 1 if 429 in statuses else None
    print(
        f"  {WRONG} wrong passwords in {elapsed:.2f} s: answers {dict(Counter(statuses))};"
        f" first refused: #{first_refused}"
    )
    right = client.post(
        reverse("login"), {"username": "enabler@bench.example", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    print(f"  then the right password from the same address: {right.status_code}")
    other = Client(HTTP_HOST="localhost").post(
        reverse("login"), {"username": "enabler@bench.example", "password": PASSWORD}, REMOTE_ADDR="192.0.2.9"
    )
    print(f"  and from another address: {other.status_code} (the account itself is paused)")


def _reset_figures() -> None:
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # the in-memory mail outbox
    cache.clear()
    mail.outbox = []
    client = Client(HTTP_HOST="localhost")
    statuses = [
        client.post(reverse("password_reset"), {"email": "enabler@bench.example"}, REMOTE_ADDR="192.0.2.2").status_code
        for _ in range(RESETS)
    ]
    print(
        f"  {RESETS} password-reset posts for one address: answers {dict(Counter(statuses))},"
        f" emails sent {len(mail.outbox)}"
    )


def _import_figures() -> None:
    from network.services import imports

    text = "name,email,agency,sector\r\n" + "".join(
        f"Siân Núñez {i},leader{i}@bench.example,Agency {i % 100:03},NHS\r\n" for i in range(ROWS)
    )
    files = {
        "UTF-8": text.encode("utf-8"),
        "UTF-8 with BOM": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "UTF-16 (tab-separated)": text.replace(",", "\t").encode("utf-16"),
        "Windows-1252": text.encode("cp1252"),
    }
    for label, data in files.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            table = imports.table_read(data=data, filename="leaders.csv")
            best = min(best, time.perf_counter() - start)
        assert table.rows[1]["name"] == "Siân Núñez 1", label
        print(
            f"  read {ROWS:,} rows, {len(data) / 1024:.0f} KB, {label}: {best * 1000:.0f} ms"
            f" ({table.encoding}, best of 3)"
        )


def main() -> None:
    db = django_for_bench("bench_trust")
    print(f"bench_trust ({db})")
    _sign_in_figures()
    _reset_figures()
    _import_figures()


if __name__ == "__main__":
    main()
