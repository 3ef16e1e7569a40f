"""Crawl the demo site as every role: no 5xx, one <h1> and a <title> on every page, no leak across sites.

Breadth-first over every same-origin `<a href>` and GET form reachable from `/` and the site overview,
one page per resolved view and argument shape, then query tampering on each page and an empty POST
to every POST form found. Whatever this finds is a bug; the test is its regression.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from network import services
from network.models import Membership, PilotSite, Role, User

DEMO_SLUG = "northbrook-together"
MAX_PAGES = 400
# Every query parameter a view reads, each set to a value it does not expect.
QUERY_KEYS = [
    "page",
    "q",
    "level",
    "kind",
    "sort",
    "status",
    "round",
    "against",
    "agency",
    "answer",
    "digest",
    "nodes",
    "part",
    "partial",
    "partner",
    "print",
    "ties",
    "member",
    "fmt",
]
TAMPERING = [
    {"page": "999"},
    {"q": "<script>alert(1)</script>"},
    {"level": "bogus", "kind": "bogus"},
    *({key: value for key in QUERY_KEYS} for value in ["bogus", "999999999999999999999", "-1", "a\x00b"]),
]
# Never followed: signing out ends the crawl's session.
SKIP_NAMES = {"logout"}
SKIP_PREFIXES = ("/static/", "/admin/logout/")


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every named field, checked or not


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.h1 = 0
        self.title = False
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "h1":
            self.h1 += 1
        elif tag == "title":
            self.title = True
        elif tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea"} and self._form is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind not in {"submit", "button", "file"}:
                self._form.names.append(a["name"])
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self._form.fields.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _shape(path: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    query = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (match.view_name, tuple(sorted(match.kwargs)), query)


def _local(base: str, href: str) -> str | None:
    url = urljoin("http://testserver" + base, href)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    pages: dict[str, int] = field(default_factory=dict)  # path -> status
    problems: list[str] = field(default_factory=list)
    post_forms: dict[str, str] = field(default_factory=dict)  # action -> page it was found on
    post_fields: dict[str, list[str]] = field(default_factory=dict)  # action -> its field names


def _body(response: Any) -> bytes:
    """The page's bytes, whether sent whole or streamed (a list of everyone invited is streamed)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def crawl(client: Client, starts: list[str]) -> Crawl:
    result = Crawl()
    seen_shapes: set[object] = set()
    queue = deque(starts)
    while queue and len(result.pages) < MAX_PAGES:
        path = queue.popleft()
        if path in result.pages or path.startswith(SKIP_PREFIXES):
            continue
        shape = _shape(path)
        if shape is None or shape[0] in SKIP_NAMES or shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(path)
        result.pages[path] = response.status_code
        if response.status_code >= 500:
            result.problems.append(f"GET {path} -> {response.status_code}")
            continue
        if response.status_code in {301, 302, 303, 307, 308}:
            target = _local(path, response["Location"])
            if target:
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Page()
        page.feed(_body(response).decode())
        if page.h1 != 1:
            result.problems.append(f"GET {path} has {page.h1} <h1> elements")
        if not page.title:
            result.problems.append(f"GET {path} has no <title>")
        for href in page.links:
            target = _local(path, href)
            if target:
                queue.append(target)
        for form in page.forms:
            action = _local(path, form.action or path)
            if action is None:
                continue
            if form.method == "get":
                fields = [(k, v) for k, v in form.fields if k != "csrfmiddlewaretoken"]
                queue.append(urlsplit(action).path + ("?" + urlencode(fields) if fields else ""))
            elif action not in result.post_forms:
                result.post_forms[action] = path
                result.post_fields[action] = [k for k in form.names if k != "csrfmiddlewaretoken"]
        for params in TAMPERING:
            query = dict(parse_qsl(urlsplit(path).query)) | params
            tampered = urlsplit(path).path + "?" + urlencode(query)
            tampered_response = client.get(tampered)
            if tampered_response.status_code >= 500:
                result.problems.append(f"GET {tampered} -> {tampered_response.status_code}")
            elif b"<script>alert(1)" in _body(tampered_response):
                result.problems.append(f"GET {tampered} echoes the script unescaped")
        # The same view with ids that exist nowhere (and one past any database integer).
        match = resolve(urlsplit(path).path)
        ids = [k for k, v in match.kwargs.items() if isinstance(v, int)]
        for missing in [999999, 10**20]:
            if ids:
                url = reverse(match.view_name, kwargs=match.kwargs | dict.fromkeys(ids, missing))
                status = client.get(url).status_code
                if status >= 500:
                    result.problems.append(f"GET {url} -> {status}")
        # The htmx partial of the same page (render_page answers HX-Request with just the region).
        status = client.get(path, headers={"HX-Request": "true"}).status_code
        if status >= 500:
            result.problems.append(f"GET {path} (htmx) -> {status}")
    return result


def post_empty(client: Client, found: Crawl) -> list[str]:
    problems = []
    for action, page in found.post_forms.items():
        shape = _shape(action)
        if shape is None or shape[0] in SKIP_NAMES:
            continue
        client.get(page)  # sets the CSRF cookie as a browser would have it
        token = client.cookies.get("csrftoken")
        data = {"csrfmiddlewaretoken": token.value} if token else {}
        response = client.post(action, data)
        if response.status_code >= 500:
            problems.append(f"POST {action} (empty, from {page}) -> {response.status_code}")
        # Every field the form has, filled with what no field expects.
        for value in ["bogus", "999999999999999999999", "a\x00b"]:
            bogus = dict.fromkeys(found.post_fields[action], value) | data
            response = client.post(action, bogus)
            if response.status_code >= 500:
                problems.append(f"POST {action} ({value!r} in every field) -> {response.status_code}")
    return problems


@pytest.fixture
def demo(db: None) -> PilotSite:
    call_command("seed_demo", stdout=StringIO())
    return PilotSite.objects.get(slug=DEMO_SLUG)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ["network", "outcomes"]
        for model in apps.get_app_config(label).get_models()
    }


def _client(user: User | None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_it_crawls_every_role_without_errors_or_leaks(demo: PilotSite) -> None:
    members = Membership.objects.filter(site=demo).select_related("user")
    enabler = members.get(role=Role.ENABLER).user
    coordinator = members.get(role=Role.COORDINATOR).user
    in_alliance = members.filter(role=Role.LEADER, alliance_memberships__isnull=False).first()
    not_invited = members.filter(role=Role.LEADER).exclude(invitation_status="accepted").first()
    assert in_alliance is not None and not_invited is not None
    staff = User.objects.create_user(email="staff@example.org", name="Staff Only", is_staff=True)
    other_enabler = User.objects.create_user(email="enabler@elsewhere.example", name="Other Enabler")
    other = services.site_create(creator=other_enabler, name="Elsewhere Together", place="Elsewhere")
    overview = f"/sites/{DEMO_SLUG}/"
    roles: dict[str, tuple[User | None, list[str]]] = {
        "signed out": (None, ["/", overview]),
        "enabler": (enabler, ["/", overview]),
        "coordinator": (coordinator, ["/", overview]),
        "alliance leader": (in_alliance.user, ["/", overview]),
        "uninvited leader": (not_invited.user, ["/", overview]),
        "staff, no membership": (staff, ["/", overview, "/admin/"]),
        "second site's enabler": (other_enabler, ["/", f"/sites/{other.slug}/", overview]),
    }
    problems: list[str] = []
    crawls: dict[str, Crawl] = {}
    before = _row_counts()
    for role, (user, starts) in roles.items():
        crawls[role] = found = crawl(_client(user), starts)
        problems += [f"{role}: {p}" for p in found.problems]
    if _row_counts() != before:  # a GET that writes is a link that changes state
        changed = {k: (before[k], v) for k, v in _row_counts().items() if before[k] != v}
        problems.append(f"GETs changed rows: {changed}")
    # Every demo page any role reached, tried again as the other site's enabler: none may answer 200.
    outsider = _client(other_enabler)
    demo_pages = {p for c in crawls.values() for p, s in c.pages.items() if s == 200 and p.startswith(overview)}
    for path in sorted(demo_pages):
        if outsider.get(path).status_code == 200:
            problems.append(f"second site's enabler: GET {path} -> 200 (the demo site's page)")
    # Empty POSTs last: they may change what the crawl would have seen.
    for role, (user, _starts) in roles.items():
        problems += [f"{role}: {p}" for p in post_empty(_client(user), crawls[role])]
    assert sum(len(c.pages) for c in crawls.values()) > 100  # the crawl really walked the site
    assert problems == []
