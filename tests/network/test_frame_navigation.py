"""The frame's links are remembered per process (network/templatetags/navigation.py): they must still be exactly
what reverse() and the catalogue give, for the site, role, page and language of each request, and never another's."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.models import Membership
from network.selectors import membership_get
from network.services.people import user_set_language
from network.templatetags.navigation import SITE_LINKS, href
from tests.conftest import Cast


def _site_nav(body: str, site_name: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) of each link in the site's navigation, in order."""
    found = re.search(rf'<nav class="site-nav" aria-label="{re.escape(site_name)}">(.*?)</nav>', body, re.S)
    assert found is not None
    links = re.findall(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', found.group(1))
    return [(url, label, bool(current)) for url, current, label in links]


def _expected(membership: Membership, language: str, current: str) -> list[tuple[str, str, bool]]:
    """What the library makes of each link: reverse() for the address, the catalogue for the label."""
    with translation.override(language):
        return [
            (reverse(link.view_name, args=[membership.site.slug]), str(link.label), current in link.current_on)
            for link in SITE_LINKS
            if membership.can_manage_people or not link.managers_only
        ]


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_it_links_each_site_page_as_reverse_and_the_catalogue_do(cast: Cast, language: str) -> None:
    for membership in (cast.enabler, cast.leaders[0]):
        user_set_language(user=membership.user, language=language)
        body = cast.client_for(membership).get(f"/sites/{cast.site.slug}/people/").content.decode()
        assert _site_nav(body, cast.site.name) == _expected(membership, language, "network:site-people")
    assert len(_expected(cast.enabler, language, "")) == len(SITE_LINKS) > len(_expected(cast.leaders[0], language, ""))


def test_it_marks_the_page_a_link_stands_for(cast: Cast) -> None:
    body = cast.client_for(cast.coordinator).get(f"/sites/{cast.site.slug}/meetings/new/").content.decode()
    assert [label for _, label, current in _site_nav(body, cast.site.name) if current] == ["Meetings"]
    assert 'href="/accounts/profile/">Profile</a>' in body
    profile = cast.client_for(cast.coordinator).get("/accounts/profile/").content.decode()
    assert 'href="/accounts/profile/" aria-current="page">Profile</a>' in profile


def test_a_remembered_list_never_reaches_another_role_site_or_language(cast: Cast) -> None:
    url = f"/sites/{cast.site.slug}/"
    enabler_body = cast.client_for(cast.enabler).get(url).content.decode()
    assert f'href="/sites/{cast.site.slug}/import/"' in enabler_body
    # The same page, just after: a leader of the site sees no manager's link; a leader of another site, their own.
    leader_body = cast.client_for(cast.leaders[0]).get(url).content.decode()
    assert f'href="/sites/{cast.site.slug}/import/"' not in leader_body
    outsider_body = cast.client_for(cast.outsider).get(f"/sites/{cast.other_site.slug}/").content.decode()
    assert _site_nav(outsider_body, cast.other_site.name) == _expected(cast.outsider, "en-gb", "network:site-detail")
    assert f"/sites/{cast.site.slug}/" not in outsider_body
    # The enabler switches to Welsh: the next page's list is in Welsh at once.
    user_set_language(user=cast.enabler.user, language="cy")
    welsh_body = cast.client_for(cast.enabler).get(url).content.decode()
    assert _site_nav(welsh_body, cast.site.name) == _expected(cast.enabler, "cy", "network:site-detail")
    assert ">People</a>" not in welsh_body


@override_settings(ROOT_URLCONF="tests.network.prefixed_urls")
def test_a_swapped_urlconf_is_followed_at_once(cast: Cast) -> None:
    assert href("network:home") == reverse("network:home") == "/elsewhere/"
    body = cast.client_for(cast.enabler).get(f"/elsewhere/sites/{cast.site.slug}/").content.decode()
    assert _site_nav(body, cast.site.name)[0] == (f"/elsewhere/sites/{cast.site.slug}/", "Overview", True)


def test_the_membership_comes_in_one_query_with_the_user_already_in_hand(cast: Cast) -> None:
    user = cast.enabler.user
    with CaptureQueriesContext(connection) as queries:
        membership = membership_get(user=user, site_slug=cast.site.slug)
        assert (membership.site.name, membership.user) == (cast.site.name, user)
    assert len(queries) == 1 and "network_user" not in queries[0]["sql"]
    assert membership.user is user
