"""The frame of every page in Welsh: the error pages, the footer pages and the header, with no English left."""

from __future__ import annotations

import html

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.conftest import Cast


def _welsh_client() -> Client:
    client = Client()
    client.cookies["language"] = "cy"
    return client


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibility/", "Datganiad hygyrchedd"),
        ("/privacy/", "Hysbysiad preifatrwydd"),
        ("/contact/", "Cysylltu"),
        ("/accounts/login/", "Mewngofnodi"),
        ("/accounts/password-reset/", "Dewiswch gyfrinair newydd"),
    ],
)
def test_the_frame_pages_read_in_welsh(db: None, url: str, heading: str) -> None:
    body = html.unescape(_welsh_client().get(url).content.decode())
    assert '<html lang="cy"' in body
    assert f"<h1>{heading}</h1>" in body
    assert "Neidio i'r prif gynnwys" in body and "Datganiad hygyrchedd</a>" in body
    for english in ("Skip to main content", "Accessibility statement", "Privacy notice", "Sign in"):
        assert english not in body


def test_a_missing_page_and_a_page_not_for_your_role_read_in_welsh(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    client.post("/language/", {"language": "cy", "next": "/"})
    missing = client.get("/sites/no-such-site/")
    assert missing.status_code == 404
    assert "<h1>Heb ddod o hyd i'r dudalen</h1>" in html.unescape(missing.content.decode())
    forbidden = client.get(f"/sites/{cast.site.slug}/dashboard/")
    assert forbidden.status_code == 403
    page = html.unescape(forbidden.content.decode())
    assert "<h1>Nid yw'r dudalen hon ar gyfer eich rôl chi</h1>" in page and "Allgofnodi" in page


def test_the_server_error_page_speaks_the_requests_language() -> None:
    with translation.override("cy"):
        response = server_error(RequestFactory().get("/"))
    body = html.unescape(response.content.decode())
    assert response.status_code == 500
    assert '<html lang="cy">' in body and "<h1>Aeth rhywbeth o'i le</h1>" in body
