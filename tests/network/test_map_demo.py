"""The demo site's map tells a story a newcomer can read on the first run."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from network.map_schema import snapshot_read
from network.models import MapSnapshot, PilotSite, User
from network.selectors.map import map_going_quiet_for_digest
from tests.html import text_of


def test_the_demo_map_has_an_isolated_sector_a_broker_and_a_faded_tie(db: None, client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    site = PilotSite.objects.get(slug="northbrook-together")
    assert MapSnapshot.objects.filter(site=site).count() == 2
    snapshot = snapshot_read(MapSnapshot.objects.filter(site=site).values_list("data", flat=True)[0])
    summary = snapshot["summaries"]["agencies"]
    assert summary["isolated_sectors"] == ["business"]
    assert summary["isolated_agencies"] == ["Northbrook Chamber of Commerce"]
    broker = summary["brokers"][0]
    assert broker["label"] == "Northbrook Council for Voluntary Service" and broker["cut_point"]
    quiet = {(q.kind, q.name) for q in map_going_quiet_for_digest(site_id=site.pk)}
    assert ("agency", "Eastshire Fire and Rescue Service") in quiet
    # And the page says so in words, then and now.
    client.force_login(User.objects.get(email="enabler@northbrook.example"))
    page = text_of(client.get(reverse("network:site-map", args=[site.slug]) + "?level=agencies").content) or ""
    page = page.replace(" .", ".")  # text_of puts a space where a tag ends
    assert "Sectors with no tie to the rest: Business." in page
    assert "Northbrook Council for Voluntary Service — alone connects two parts of the map" in page
    assert "Eastshire Fire and Rescue Service, last active" in page
    assert "Change since" in page
