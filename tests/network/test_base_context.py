"""Issue 10 item 10: no view's context can break the base template's header (the sign-in page 500'd for
anyone already signed in, because django.contrib.auth's views put the current `Site` in `site`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.engine import Engine
from django.test import RequestFactory

from tests.conftest import Cast


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/password-reset/", "/accounts/password-reset/sent/", "/accounts/set-password/done/"],
)
def test_it_shows_the_sign_in_and_password_pages_to_someone_signed_in(cast: Cast, path: str) -> None:
    client = cast.client_for(cast.enabler)
    response = client.get(path)
    assert response.status_code == 200
    assert "{#" not in response.content.decode()  # a template comment over two lines shows as text


def test_it_still_shows_a_site_pages_navigation(cast: Cast) -> None:
    client = cast.client_for(cast.enabler)
    html = client.get(f"/sites/{cast.site.slug}/").content.decode()
    assert f'href="/sites/{cast.site.slug}/people/"' in html
    assert f'href="/sites/{cast.site.slug}/import/"' in html  # the enabler's own links
    leader_html = cast.client_for(cast.leaders[0]).get(f"/sites/{cast.site.slug}/").content.decode()
    assert f'href="/sites/{cast.site.slug}/people/"' in leader_html
    assert f'href="/sites/{cast.site.slug}/import/"' not in leader_html


def test_the_base_template_reads_no_name_a_view_might_use(rf: RequestFactory) -> None:
    """Every variable base.html reads comes from a context processor, from the template itself, or the request."""
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    base = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}|{% load [^%]*%}", "", base, flags=re.S)
    base = re.sub(r"'[^']*'", "", base)  # literals: static paths, URL names, JSON in attributes
    names = set(re.findall(r"\b(?<![.'\"])([a-z_]+)\.[a-z_]", base)) | set(re.findall(r"{% (?:el)?if ([a-z_]+)", base))
    names |= set(re.findall(r"{{ ([a-z_]+)", base))
    own = set(re.findall(r" as ([a-z_]+) %}", base))
    own |= {name.strip() for names in re.findall(r"{% for ([a-z_, ]+) in", base) for name in names.split(",")}
    request = rf.get("/")
    request.user = AnonymousUser()
    from_processors = {"csrf_token", "user", "perms", "messages", "request"}
    for processor in Engine.get_default().template_context_processors:
        from_processors |= set(processor(request))
    assert names - own <= from_processors, (names - own) - from_processors
    # And the one a view is most likely to use is no longer read by the base template.
    assert "site" not in names and "membership" not in names
