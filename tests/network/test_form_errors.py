"""GOV.UK's error pattern on every form (templates/forms/fields.html, base.html): a summary linking to each
field, "Error: " at the start of the page title, and messages that say what to do."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.conftest import Cast
from tests.html import text_of


def _title(content: bytes) -> str:
    match = re.search(rb"<title>(.*?)</title>", content, re.S)
    assert match is not None
    return " ".join(match.group(1).decode().split())


def _summary_links(content: bytes) -> list[tuple[str, str]]:
    summary = re.search(rb'<div class="error-summary".*?</div>', content, re.S)
    assert summary is not None, "no error summary"
    return [
        (href.decode(), text.decode().strip())
        for href, text in re.findall(rb'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))
    ]


def test_a_form_with_errors_gets_a_summary_linking_to_each_field(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-people", args=[cast.site.slug])
    response = client.post(url, {"member-name": "", "member-email": "nobody", "member-role": "leader"})
    assert response.status_code == 422
    assert _title(response.content).startswith("Error: ")
    links = _summary_links(response.content)
    assert links == [
        ("id_member-name", "Enter the person&#x27;s full name"),
        ("id_member-email", "Enter an email address in the correct format, like name@council.gov.uk"),
    ]
    for field_id, _ in links:  # every link leads to a field on the page
        assert f'id="{field_id}"'.encode() in response.content
    summary = response.content.decode()
    assert 'data-error-summary tabindex="-1" role="alert"' in summary  # static/js/app.js focuses it


def test_a_radio_question_links_to_its_first_option(cast: Cast, alliance) -> None:
    client = cast.client_for(cast.coordinator)
    url = reverse("network:meeting-create", args=[cast.site.slug])
    response = client.post(url, {"title": "", "starts_at": "2026-12-09T10:00", "invitees": ""})
    links = dict(_summary_links(response.content))
    assert links["id_title"] == "Enter the meeting&#x27;s title"
    assert "id_invitees_0" in links
    assert b'id="id_invitees_0"' in response.content


def test_a_page_without_errors_has_a_plain_title(cast: Cast) -> None:
    response = cast.client_for(cast.enabler).get(reverse("network:site-people", args=[cast.site.slug]))
    assert not _title(response.content).startswith("Error")
    assert b"error-summary" not in response.content


def test_the_sign_in_link_form_says_what_to_do(db: None, client) -> None:
    response = client.post(reverse("network:sign-in-link-request"), {"email": ""})
    assert response.status_code == 422
    assert _title(response.content).startswith("Error: ")
    assert "Enter your email address, like name@council.gov.uk" in (text_of(response.content, role="alert") or "")


def test_an_outcome_says_what_to_write(cast: Cast) -> None:
    client = cast.client_for(cast.leaders[0])
    response = client.post(
        reverse("outcomes:outcome-list", args=[cast.site.slug]), {"statement": "", "why_it_matters": ""}
    )
    summary = text_of(response.content, role="alert") or ""
    assert "Enter the outcome in one short sentence" in summary
    assert "Say why this outcome matters" in summary


def test_an_agency_says_what_to_enter(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    url = reverse("network:site-people", args=[cast.site.slug])
    response = client.post(url, {"agency-name": "", "agency-sector": ""})
    assert response.status_code == 422
    assert dict(_summary_links(response.content)) == {
        "id_agency-name": "Enter the agency&#x27;s name, like Northbrook City Council",
        "id_agency-sector": "Choose the agency&#x27;s sector, such as NHS or police",
    }
