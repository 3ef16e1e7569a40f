"""Issue 10 item 12: a Content-Security-Policy on every page, strict enough to refuse inline script, and pages
reached by a token kept out of caches and referrers. (tests/browser/test_csp.py checks Chromium reports no
violation on the main pages.)"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from network import services, tokens
from network.models import Alliance, Membership
from network.services.invitations import sign_in_token_make
from tests.conftest import Cast


def _policy(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/sites/{slug}/", "/sites/{slug}/outcomes/", "/nowhere/"])
def test_every_page_has_a_policy_that_refuses_inline_script(cast: Cast, path: str) -> None:
    response = cast.client_for(cast.enabler).get(path.format(slug=cast.site.slug))
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not [source for sources in policy.values() for source in sources if "unsafe" in source]


def test_no_page_template_has_inline_script_or_style() -> None:
    """Inline script or style would be refused by the policy: handlers go in static/js, styles in static/css."""
    problems = []
    for template in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        if "email" in template.parts:  # emails are not pages; mail clients need inline styles
            continue
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style\b", "javascript:"):
            problems += [f"{template.name}: {match}" for match in re.findall(pattern, text)]
    assert not problems


def _token_urls(cast: Cast) -> dict[str, str]:
    leader = cast.leaders[0]
    Membership.objects.filter(pk=leader.pk).update(invitation_status="accepted")  # invited to site meetings
    meeting = services.meeting_create(
        alliance=None,
        created_by=cast.coordinator,
        title="Spring meeting",
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Library",
    )
    user = cast.enabler.user
    return {
        "sign-in link": reverse("network:sign-in-link", args=[sign_in_token_make(user=leader.user, site_slug="")]),
        "rsvp": reverse(
            "network:meeting-rsvp",
            args=[tokens.rsvp_token_make(meeting_id=meeting.pk, membership_id=leader.pk)],
        ),
        "unsubscribe": reverse(
            "network:digest-unsubscribe", args=[tokens.unsubscribe_token_make(membership_id=leader.pk)]
        ),
        "calendar": reverse(
            "network:site-calendar",
            args=[tokens.calendar_token_make(membership_id=leader.pk, key=leader.calendar_key)],
        ),
        "password reset": reverse(
            "password_reset_confirm",
            args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
        ),
    }


def test_pages_reached_by_a_token_are_not_cached_and_send_no_referrer(cast: Cast) -> None:
    from django.test import Client

    for name, url in _token_urls(cast).items():
        response = Client().get(url, follow=True)
        assert response.status_code == 200, name
        assert response["Referrer-Policy"] == "no-referrer", name
        assert "no-store" in response["Cache-Control"], name
        assert "Content-Security-Policy" in response, name


def test_ordinary_pages_keep_their_caching(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).get(f"/sites/{cast.site.slug}/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert response.get("Referrer-Policy") != "no-referrer"


def test_a_token_page_form_posts_back_under_no_referrer(cast: Cast) -> None:
    """Under no-referrer Chromium posts the page's own form with `Origin: null`; the CSRF token still decides."""
    from django.test import Client

    url = _token_urls(cast)["rsvp"]
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    token = client.cookies["csrftoken"].value
    answer = client.post(url, {"rsvp": "going", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert answer.status_code in (200, 302)
    assert client.post(url, {"rsvp": "going"}, HTTP_ORIGIN="null").status_code == 403  # no token: refused
    ordinary = cast.client_for(cast.enabler)
    ordinary.handler.enforce_csrf_checks = True
    page = f"/sites/{cast.site.slug}/agencies/{cast.agencies[0].pk}/"
    ordinary.get(page)
    token = ordinary.cookies["csrftoken"].value
    refused = ordinary.post(page, {"name": "X", "sector": "nhs", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert refused.status_code == 403  # elsewhere Origin: null is refused as before


def test_only_the_digest_preview_may_be_framed_and_only_by_this_site(cast: Cast, alliance: Alliance) -> None:
    from tests.network.test_digests import _meeting, _weekly_key

    _meeting(cast, alliance)
    client = cast.client_for(cast.enabler)
    preview_url = reverse("network:digest-preview", args=[cast.site.slug])
    preview = client.get(preview_url, {"digest": _weekly_key(alliance), "member": str(cast.leaders[1].pk)})
    assert preview.status_code == 200
    policy = _policy(preview["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'self'"] and policy["script-src"] == ["'self'"]
    page = client.get(reverse("network:site-digests", args=[cast.site.slug]))
    assert _policy(page["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_a_nul_in_a_query_string_is_dropped_not_sent_to_the_database(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    people = reverse("network:site-people", args=[cast.site.slug])
    name = cast.leaders[1].user.name
    found = client.get(people, {"q": name[:3] + "\x00" + name[3:], "page": "1\x00"})
    assert found.status_code == 200
    assert name in found.content.decode()
    assert client.get(people, {"q\x00": "x", "kind\x00": "\x00"}).status_code == 200
