"""A site's own privacy notice: written by its enablers on the site settings page, read by everyone in the site."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from network.errors import DomainError
from network.models import ActivityEntry
from network.services.sites import site_update
from tests.conftest import Cast
from tests.html import text_of

NOTICE = {
    "name": "Ashby Pilot",
    "place": "Ashby",
    "description": "",
    "privacy_controller": "Ashby Borough Council, Town Hall, Ashby",
    "privacy_lawful_basis": "Public task",
    "privacy_retention": "While the pilot runs and one year after",
    "privacy_contact": "dpo@ashby.example",
}


def settings_url(cast: Cast) -> str:
    return reverse("network:site-settings", args=[cast.site.slug])


def privacy_url(cast: Cast) -> str:
    return reverse("network:site-privacy", args=[cast.site.slug])


def test_it_shows_the_default_notice_until_an_enabler_writes_one(cast: Cast) -> None:
    page = cast.client_for(cast.leaders[0]).get(privacy_url(cast))
    assert page.status_code == 200
    text = page.content.decode()
    assert "have not written its own notice yet" in text
    assert "Each pilot site is run by its enablers" in text  # the service-wide wording stands in


def test_an_enabler_writes_the_notice_and_every_member_reads_it(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    assert client.get(settings_url(cast)).status_code == 200
    response = client.post(settings_url(cast), NOTICE)
    assert response.status_code == 302
    cast.site.refresh_from_db()
    assert cast.site.privacy_contact == "dpo@ashby.example"
    assert ActivityEntry.objects.filter(site=cast.site, action="site-edit").exists()
    for member in (cast.leaders[0], cast.coordinator, cast.enabler):
        page = cast.client_for(member).get(privacy_url(cast)).content.decode()
        assert "Ashby Borough Council, Town Hall, Ashby" in page
        assert "While the pilot runs and one year after" in page
        assert "Ask dpo@ashby.example." in page
        assert "have not written its own notice yet" not in page
        assert "Each pilot site is run by its enablers" not in page


def test_a_part_left_empty_falls_back_to_the_default(cast: Cast) -> None:
    site_update(site=cast.site, actor=cast.enabler, privacy_controller="Ashby Borough Council")
    page = cast.client_for(cast.leaders[0]).get(privacy_url(cast)).content.decode()
    assert "Ashby Borough Council" in page
    assert "For as long as the pilot site runs" in page  # retention not set: the default
    assert "help@systemsleader.localhost" in page  # no site contact: the service's


def test_the_footer_links_to_the_notice_of_the_site_in_view(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    site_page = client.get(reverse("network:site-detail", args=[cast.site.slug])).content.decode()
    footer = text_of(site_page, **{"class": "site-footer"}) or ""
    assert "Privacy notice for Ashby Pilot" in footer
    assert f'href="{privacy_url(cast)}"' in site_page
    home = client.get(reverse("network:home")).content.decode()
    assert f'href="{reverse("privacy")}"' in home  # no site in view: the service-wide notice


@pytest.mark.parametrize("who", ["coordinator", "leader"])
def test_only_enablers_change_the_settings(cast: Cast, who: str) -> None:
    member = cast.coordinator if who == "coordinator" else cast.leaders[0]
    client = cast.client_for(member)
    assert client.get(settings_url(cast)).status_code == 403
    assert client.post(settings_url(cast), NOTICE).status_code == 403
    cast.site.refresh_from_db()
    assert cast.site.privacy_controller == ""
    with pytest.raises(DomainError):
        site_update(site=cast.site, actor=member, privacy_controller="Someone else")


def test_an_outsider_sees_neither_page(cast: Cast) -> None:
    client = cast.client_for(cast.outsider)
    assert client.get(settings_url(cast)).status_code == 404
    assert client.get(privacy_url(cast)).status_code == 404
    assert Client().get(privacy_url(cast)).status_code == 302  # signed out: to the sign-in page


def test_an_enabler_of_another_site_cannot_write_this_ones_notice(cast: Cast) -> None:
    from network.models import Membership, Role

    other_enabler = Membership.objects.get(site=cast.other_site, role=Role.ENABLER)
    with pytest.raises(DomainError):
        site_update(site=cast.site, actor=other_enabler, privacy_controller="Not theirs")


def test_a_name_cannot_be_emptied(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).post(settings_url(cast), {**NOTICE, "name": ""})
    assert response.status_code == 422
    cast.site.refresh_from_db()
    assert cast.site.name == "Ashby Pilot"
