"""A pilot site's first enabler: `manage.py create_enabler`, starting a site oneself, and who may set one up."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from network.models import Membership, PilotSite, Role, User
from tests.conftest import Cast
from tests.html import text_of


@pytest.fixture(autouse=True)
def _no_earlier_requests() -> None:
    """The limit on start requests lives in the cache (Redis when REDIS_URL is set), which outlives a test."""
    cache.clear()


START = {"name": "Ruth Okafor", "email": "Ruth@Council.example", "site_name": "Calder Together", "place": "Calder"}


def test_create_enabler_makes_the_site_once_and_prints_a_password_link(db: None, settings) -> None:
    settings.SITE_URL = "http://testserver"
    out = StringIO()
    call_command("create_enabler", email="ruth@council.example", name="Ruth", site="Calder Together", stdout=out)
    call_command("create_enabler", email="ruth@council.example", name="Ruth", site="Calder Together", stdout=out)
    membership = Membership.objects.get()
    assert membership.role == Role.ENABLER
    assert membership.site.name == "Calder Together"
    assert not membership.user.has_usable_password()
    link = re.findall(r"http://testserver(/accounts/set-password/\S+)", out.getvalue())[-1]
    client = Client()
    choose = client.get(link, follow=True)
    assert choose.context["validlink"] is True
    new_password = {"new_password1": "a-long-pass-phrase", "new_password2": "a-long-pass-phrase"}
    done = client.post(choose.redirect_chain[-1][0], new_password)
    assert done.status_code == 302
    # Through the sign-in form: django-axes refuses Client.login, which has no request to count by.
    signed_in = Client().post(reverse("login"), {"username": "ruth@council.example", "password": "a-long-pass-phrase"})
    assert signed_in.status_code == 302


def test_create_enabler_needs_a_site_name(db: None) -> None:
    with pytest.raises(CommandError, match="site name"):
        call_command("create_enabler", email="ruth@council.example", name="Ruth", site=" ", stdout=StringIO())
    assert not User.objects.exists()


@pytest.mark.parametrize(("who", "allowed"), [("enabler", True), ("coordinator", False), ("leader", False)])
def test_only_enablers_may_set_up_a_site_by_default(cast: Cast, who: str, allowed: bool) -> None:
    member = {"enabler": cast.enabler, "coordinator": cast.coordinator, "leader": cast.leaders[0]}[who]
    client = cast.client_for(member)
    response = client.post(reverse("network:site-create"), {"name": "Another", "place": "Leeds"})
    assert response.status_code == (302 if allowed else 403)
    assert PilotSite.objects.filter(name="Another").exists() is allowed
    home = client.get(reverse("network:home")).content.decode()
    assert (reverse("network:site-create") in home) is allowed


def test_a_leader_may_set_up_a_site_when_self_service_is_on(cast: Cast, settings) -> None:
    settings.SELF_SERVICE_SITES = True
    client = cast.client_for(cast.leaders[0])
    response = client.post(reverse("network:site-create"), {"name": "Another", "place": "Leeds"})
    assert response.status_code == 302
    assert PilotSite.objects.get(name="Another").memberships.get().user == cast.leaders[0].user


def test_starting_a_site_is_not_there_unless_switched_on(db: None) -> None:
    client = Client()
    assert client.get(reverse("network:site-start")).status_code == 404
    assert client.post(reverse("network:site-start"), START).status_code == 404
    assert mail.outbox == []


def test_starting_a_site_explains_each_missing_answer_and_sends_nothing(db: None, settings) -> None:
    settings.SELF_SERVICE_SITES = True
    response = Client().post(reverse("network:site-start"), {"name": "", "email": "not-an-address", "site_name": ""})
    assert response.status_code == 422
    summary = text_of(response.content, role="alert") or ""
    assert "Enter your name" in summary
    assert "Enter an email address in the correct format, like name@council.gov.uk" in summary
    assert "Enter the name of the pilot site" in summary
    assert response.content.decode().count('href="#id_') == 4  # each error links to its field
    assert mail.outbox == []


def test_starting_a_site_proves_the_address_before_saving_anything(db: None, settings) -> None:
    settings.SELF_SERVICE_SITES = True
    settings.SITE_URL = "http://testserver"
    client = Client()
    response = client.post(reverse("network:site-start"), START)
    assert response["Location"] == reverse("network:site-start-sent")
    assert not User.objects.exists() and not PilotSite.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["ruth@council.example"]
    path = re.search(r"http://testserver(/start/\S+/)", str(message.body))
    assert path is not None
    visitor = Client()  # the link works in another browser too
    confirm = visitor.get(path.group(1))
    assert confirm.status_code == 200
    assert "Calder Together" in confirm.content.decode()
    assert not PilotSite.objects.exists()  # opening the link (as a mail scanner would) saves nothing
    done = visitor.post(path.group(1))
    membership = Membership.objects.select_related("site", "user").get()
    assert (membership.role, membership.site.name, membership.user.email) == (
        Role.ENABLER,
        "Calder Together",
        "ruth@council.example",
    )
    assert "/accounts/set-password/" in done["Location"]
    assert visitor.get(reverse("network:home")).context["user"] == membership.user
    visitor.post(path.group(1))
    assert PilotSite.objects.count() == 1  # following the link again makes no second site


def test_a_tampered_start_link_is_refused(db: None, settings) -> None:
    settings.SELF_SERVICE_SITES = True
    response = Client().post(reverse("network:site-start-confirm", args=["not-a-real-token"]))
    assert response.status_code == 400
    assert not PilotSite.objects.exists()


def test_the_header_offers_starting_a_site_only_when_switched_on(db: None, settings) -> None:
    start = reverse("network:site-start")
    assert start not in Client().get(reverse("login")).content.decode()
    settings.SELF_SERVICE_SITES = True
    assert f'href="{start}"' in Client().get(reverse("login")).content.decode()


def test_asking_to_start_sites_over_and_over_is_refused(db: None, settings) -> None:
    settings.SELF_SERVICE_SITES = True
    client = Client()
    for _ in range(5):
        assert client.post(reverse("network:site-start"), START).status_code == 302
    refused = client.post(reverse("network:site-start"), START)
    assert refused.status_code == 429
    assert "Please try again in an hour" in (text_of(refused.content, role="alert") or "")
    assert len(mail.outbox) == 5
