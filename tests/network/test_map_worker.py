"""A map asked for on the page is made by a real Celery worker, once, through Redis and PostgreSQL."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import MapSnapshot
from network.tasks import map_snapshot_make
from tests.conftest import make_site
from tests.network.conftest import WAIT_SECONDS, Worker

# The real worker, its broker and the switch that sends tasks to it, as the digest integration tests use them.
from tests.network.test_digest_integration import broker_url, inbox, tasks_on_broker, worker  # noqa: F401

DONE = re.compile(r"Task network\.tasks\.map_snapshot_make\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (\w+)")


def _wait_for_snapshots(site_id: int, count: int, running: Worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while MapSnapshot.objects.filter(site_id=site_id).count() < count:
        if time.monotonic() > deadline:
            pytest.fail(f"the worker made no map in {WAIT_SECONDS} s:\n{running.log()}")
        time.sleep(0.2)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_enablers_new_map_is_made_by_the_worker_once(
    worker: Worker,  # noqa: F811
    tasks_on_broker: None,  # noqa: F811
) -> None:
    from django.test import Client

    site, _, enabler, _, _ = make_site("ashby")
    client = Client()
    client.force_login(enabler.user)
    response = client.post(reverse("network:map-snapshot-new", args=[site.slug]))
    assert response.status_code == 302
    _wait_for_snapshots(site.pk, 1, worker)
    assert client.get(reverse("network:site-map", args=[site.slug])).status_code == 200

    # The same request delivered twice (a worker died after making it, say) makes no second map.
    requested_at = timezone.now().isoformat()
    map_snapshot_make.delay(site.pk, requested_at)
    map_snapshot_make.delay(site.pk, requested_at)
    _wait_for_snapshots(site.pk, 2, worker)
    deadline = time.monotonic() + WAIT_SECONDS
    while len(DONE.findall(worker.log())) < 3:
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not finish the three requests:\n{worker.log()}")
        time.sleep(0.2)
    assert DONE.findall(worker.log()).count("None") == 1  # the second delivery found the map made
    assert MapSnapshot.objects.filter(site=site).count() == 2
