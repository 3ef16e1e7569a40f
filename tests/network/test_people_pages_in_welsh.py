"""The site, people and setup pages read in Welsh: lang="cy", no error, and none of the catalogue's English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast
from tests.test_i18n import _Text, english_sentences


@pytest.fixture
def welsh(cast: Cast) -> Cast:
    for member in (cast.enabler, cast.leaders[0]):
        member.user.language = "cy"
        member.user.save(update_fields=["language"])
    return cast


def _pages(cast: Cast, client: Client) -> list[str]:
    slug = cast.site.slug
    # Uploaded as the enabler does, so the rows are checked (and their problems worded) in their language.
    data = "name,email,agency,language\nAnn,ann@x.example,Nowhere,fr\nBen,ben@x.example,Ashby Council,cy\n"
    upload = SimpleUploadedFile("leaders.csv", data.encode())
    preview = client.post(reverse("network:site-import", args=[slug]), {"file": upload})["Location"]
    return [
        reverse("network:home"),
        reverse("network:site-create"),
        *(
            reverse(name, args=[slug])
            for name in (
                "network:site-detail",
                "network:site-people",
                "network:site-dashboard",
                "network:site-invitations",
                "network:site-import",
                "network:site-activity",
                "network:site-settings",
                "network:site-privacy",
            )
        ),
        reverse("network:member-edit", args=[slug, cast.leaders[1].pk]),
        reverse("network:member-remove", args=[slug, cast.leaders[1].pk]),
        reverse("network:agency-edit", args=[slug, cast.agencies[0].pk]),
        preview,
    ]


def test_an_enablers_pages_read_in_welsh(welsh: Cast, settings) -> None:
    settings.SELF_SERVICE_SITES = True  # so the enabler may set up another site
    english = english_sentences()
    client = welsh.client_for(welsh.enabler)
    problems = []
    for path in _pages(welsh, client):
        response = client.get(path)
        if response.status_code != 200:
            problems.append(f"{path} -> {response.status_code}")
            continue
        page = _Text()
        page.feed(response.content.decode())
        if page.lang != "cy":
            problems.append(f"{path}: lang={page.lang}")
        problems += [f"{path}: {sentence!r}" for sentence in english if sentence in page.text()]
    assert problems == []


def test_a_leaders_overview_reads_in_welsh(welsh: Cast) -> None:
    leader = welsh.leaders[0]
    page = welsh.client_for(leader).get(reverse("network:site-detail", args=[welsh.site.slug])).content.decode()
    assert leader.agency is not None
    assert f"Rydych chi'n arweinydd dros {leader.agency.name} yn {welsh.site.name}." in " ".join(page.split())
    assert 'lang="cy"' in page
