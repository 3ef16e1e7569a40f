"""The language switcher: remembered in a cookie for visitors and on the account of whoever is signed in."""

from __future__ import annotations

import html

from django.http.response import HttpResponseBase
from django.test import Client

from network.i18n import language_of
from network.models import User
from tests.conftest import PASSWORD, Cast


def _lang(response: HttpResponseBase) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_it_serves_english_by_default_and_offers_cymraeg(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert _lang(response) == "en-gb"
    assert 'name="language" value="cy" lang="cy">Cymraeg</button>' in response.content.decode()


def test_a_visitor_switches_to_welsh_and_back_to_the_same_page(client: Client, db: None) -> None:
    response = client.post("/language/", {"language": "cy", "next": "/accounts/login/?next=/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"
    assert response.cookies["language"].value == "cy"
    page = client.get("/accounts/login/")
    assert _lang(page) == "cy"
    assert 'value="en-gb" lang="en-gb">English</button>' in page.content.decode()
    client.post("/language/", {"language": "en-gb", "next": "/"})
    assert _lang(client.get("/accounts/login/")) == "en-gb"


def test_it_refuses_an_unknown_language_and_a_foreign_next(client: Client, db: None) -> None:
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "language" not in response.cookies


def test_a_signed_in_person_keeps_their_language_on_any_device(cast: Cast) -> None:
    leader = cast.leaders[0]
    laptop = cast.client_for(leader)
    laptop.post("/language/", {"language": "cy", "next": "/"})
    leader.user.refresh_from_db()
    assert leader.user.language == "cy"
    phone = cast.client_for(leader)  # a new browser: no language cookie
    assert _lang(phone.get("/accounts/profile/")) == "cy"


def test_signing_in_adopts_the_language_chosen_before(cast: Cast) -> None:
    user = cast.leaders[1].user
    client = Client()
    client.post("/language/", {"language": "cy", "next": "/accounts/login/"})
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "cy"


def test_language_of_renders_in_the_readers_language(db: None) -> None:
    from django.utils.translation import get_language

    welsh = User(email="a@example.org", name="A", language="cy")
    with language_of(welsh):
        assert get_language() == "cy"
    with language_of(None):
        assert get_language() == "en-gb"


def test_the_profile_page_sets_the_language_and_answers_in_it(cast: Cast) -> None:
    leader = cast.leaders[0]
    client = cast.client_for(leader)
    prefix = f"site-{leader.pk}"
    form = {"name": "Leader", f"{prefix}-role_title": "", f"{prefix}-digest_preference": "weekly"}
    page = client.get("/accounts/profile/").content.decode()
    assert 'name="language" value="en-gb"' in page and "checked" in page.split('value="en-gb"', 1)[1].split(">", 1)[0]
    response = client.post("/accounts/profile/", {**form, "language": "cy"})
    assert response.status_code == 302 and response.cookies["language"].value == "cy"
    leader.user.refresh_from_db()
    assert leader.user.language == "cy"
    after = client.get("/accounts/profile/")
    assert _lang(after) == "cy"
    assert "Mae eich proffil wedi'i gadw." in html.unescape(after.content.decode())
    refused = client.post("/accounts/profile/", {**form, "language": "fr"})
    assert refused.status_code == 422
    leader.user.refresh_from_db()
    assert leader.user.language == "cy"
