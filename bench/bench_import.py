"""Importing 5,000 leaders: the preview (upload, parse, check) and the confirm, each timed through HTTP.

Run from the project root: .venv/bin/python bench/bench_import.py [--db postgres]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_for_bench

ROWS = 5000
AGENCIES = 100


def main() -> None:
    db = django_for_bench("bench_import")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from network.models import Membership, Sector, User
    from network.services import site_create

    enabler = User.objects.create_user(email="enabler@bench.example", name="Bench Enabler", password=None)
    site = site_create(creator=enabler, name="Bench Pilot", place="Benchton")
    sectors = Sector.values
    lines = ["\ufeffname;email;agency;sector;role_title"]  # Excel's BOM and semicolons
    for i in range(ROWS):
        agency = i % AGENCIES
        lines.append(
            f"Łeader Ñumber {i};leader{i}@bench.example;Agency {agency:03};{sectors[agency % len(sectors)]};Director"
        )
    data = "\r\n".join(lines).encode("utf-8")

    client = Client(HTTP_HOST="localhost")
    client.force_login(enabler)
    url = reverse("network:site-import", args=[site.slug])

    start = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile("leaders.csv", data)})
    upload_s = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    preview_url = response["Location"]

    start = time.perf_counter()
    page = client.get(preview_url)
    page_s = time.perf_counter() - start
    assert page.status_code == 200
    assert f"{ROWS} ready to import" in page.content.decode()

    start = time.perf_counter()
    done = client.post(preview_url)
    confirm_s = time.perf_counter() - start
    assert done.status_code == 302
    assert Membership.objects.filter(site=site, role="leader").count() == ROWS

    # Re-importing the same file: every row is already in the site, nothing changes.
    start = time.perf_counter()
    again = client.post(url, {"file": SimpleUploadedFile("leaders.csv", data)})
    reupload_s = time.perf_counter() - start
    assert again.status_code == 302

    print(f"bench_import ({db}): {ROWS} leaders in {AGENCIES} agencies, {len(data):,} bytes of CSV")
    print(f"  preview: upload, parse and check  {upload_s:.2f} s")
    print(f"  preview: page showing every row    {page_s:.2f} s")
    print(f"  preview total                      {upload_s + page_s:.2f} s  (target under 5 s)")
    print(f"  confirm: save all in one transaction {confirm_s:.2f} s  (target under 5 s)")
    print(f"  re-import preview (all already in site) {reupload_s:.2f} s")


if __name__ == "__main__":
    main()
