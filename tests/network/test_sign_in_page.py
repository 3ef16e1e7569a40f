"""The sign-in page's own GOV.UK error summary, and the password pages and email in the reader's language."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from network.services.people import user_set_language
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def _empty_limits() -> None:
    cache.clear()  # the reset limiter lives in the cache, which outlives a test's transaction


def _summary_links(body: str) -> list[tuple[str, str]]:
    summary = body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [(href, html.unescape(text)) for href, text in re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', summary)]


def test_an_empty_sign_in_says_what_to_enter_and_links_to_each_field(db: None) -> None:
    body = Client().post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "<title>Error: Sign in" in body
    assert _summary_links(body) == [
        ("#id_username", "Enter your email address"),
        ("#id_password", "Enter your password"),
    ]
    assert 'id="id_username" autocomplete="email" required value="" aria-invalid="true"' in body
    assert 'id="id_password_error"' in body


def test_a_wrong_password_leads_to_the_email_box_and_gives_nothing_away(cast: Cast) -> None:
    known = Client().post(reverse("login"), {"username": cast.enabler.user.email, "password": "wrong password"})
    unknown = Client().post(reverse("login"), {"username": "nobody@example.org", "password": "wrong password"})
    message = "Your email address and password did not match. Check them and try again."
    assert _summary_links(known.content.decode()) == [("#id_username", message)]
    assert _summary_links(unknown.content.decode()) == [("#id_username", message)]


def test_the_sign_in_errors_read_in_welsh(db: None) -> None:
    client = Client()
    client.cookies["language"] = "cy"
    body = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "<title>Gwall: Mewngofnodi" in body
    assert _summary_links(body) == [
        ("#id_username", "Rhowch eich cyfeiriad e-bost"),
        ("#id_password", "Rhowch eich cyfrinair"),
    ]


def test_the_password_email_is_in_the_readers_language_not_the_pages(cast: Cast) -> None:
    user = user_set_language(user=cast.coordinator.user, language="cy")
    Client().post(reverse("password_reset"), {"email": user.email})  # from an English page
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Dewiswch eich cyfrinair Systems Leader"
    assert "Gofynnodd rhywun am gael dewis cyfrinair" in mail.outbox[0].body
    assert "/accounts/set-password/" in mail.outbox[0].body


def test_django_password_rules_read_in_welsh_where_its_catalogue_has_none(cast: Cast) -> None:
    Client().post(reverse("password_reset"), {"email": cast.coordinator.user.email})
    link = re.search(r"https?://\S+(/accounts/set-password/\S+/)", str(mail.outbox[0].body))
    assert link
    client = Client()
    client.cookies["language"] = "cy"
    form_page = client.get(link.group(1), follow=True)
    assert "Cyfrinair newydd" in form_page.content.decode()  # Django's own Welsh
    posted = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    text = html.unescape(posted.content.decode())
    assert "Mae'r cyfrinair hwn yn rhy gyffredin." in text
    assert "Rhifau yn unig sydd yn y cyfrinair hwn." in text
