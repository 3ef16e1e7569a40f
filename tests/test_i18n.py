"""Every word the app shows or sends exists in Welsh (issue 15), and nothing is left unmarked.

Four checks, each able to fail on its own:
- the catalogue, regenerated from the code and templates as `make messages` does, has no untranslated or fuzzy
  entry, and `msgfmt --check` accepts it (placeholders kept), and the committed .mo matches it;
- no template holds text outside {% translate %} / {% blocktranslate %} (text, and labels in attributes);
- no Python label, help text, message or error is a bare string instead of a gettext call;
- the demo site, crawled in Welsh as each role, says lang="cy" and shows no English sentence from the catalogue.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import CharField, TextField
from django.template.base import Lexer, TokenType
from django.test import Client

from network.models import Membership, PilotSite, Role, User

BASE_DIR = Path(settings.BASE_DIR)
PO = BASE_DIR / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEMPLATES = sorted(p for p in (BASE_DIR / "templates").rglob("*") if p.suffix in {".html", ".txt"} and p.is_file())
PYTHON = sorted(
    p
    for app in ("network", "outcomes", "systemsleader")
    for p in (BASE_DIR / app).rglob("*.py")
    if "migrations" not in p.parts and "management" not in p.parts
)

# Words that stay as they are in Welsh: the product's name and file formats.
KEEP = {
    "Systems",
    "Leader",
    "CSV",
    "XLSX",
    "Excel",
    "ICS",
    "SVG",
    "GraphML",
    "GEXF",
    "Kumu",
    "htmx",
    "Cymraeg",
    "English",
    "Schulze",
    "Borda",
    "Google",
    "Outlook",
    "UTF",
    "PDF",
    "iCalendar",
    "WCAG",
    "AA",
    "OK",
}
HUMAN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-announce", "aria-roledescription")


# --- the catalogue ------------------------------------------------------------------------------------------


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_it_regenerates_a_complete_welsh_catalogue(tmp_path: Path) -> None:
    """`make messages` on a copy of the project finds nothing new, nothing untranslated and nothing fuzzy."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("manage.py", "network", "outcomes", "systemsleader", "templates", "locale"):
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "cy", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "systemsleader.settings"},  # gettext wherever PATH finds it
    )
    regenerated = copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    statistics = _statistics(regenerated)
    assert "untranslated" not in statistics, f"make messages, then translate: {statistics}"
    assert "fuzzy" not in statistics, f"make messages, then check the fuzzy entries: {statistics}"
    committed = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    subprocess.run(["msgfmt", "-o", str(tmp_path / "fresh.mo"), str(regenerated)], check=True)
    fresh = gettext.GNUTranslations((tmp_path / "fresh.mo").open("rb"))._catalog  # type: ignore[attr-defined]
    fresh.pop("", None)
    committed.pop("", None)
    missing = sorted(str(k) for k in fresh.keys() - committed.keys())
    assert missing == [], "the committed .mo is stale: run `make messages` and commit both files"
    stale = sorted(str(k) for k in fresh if committed[k] != fresh[k])
    assert stale == [], "the committed .mo is stale: run `make messages` and commit both files"


def test_the_catalogue_uses_welsh_plural_forms() -> None:
    header = PO.read_text()[:2000]
    assert "Language: cy" in header
    assert "nplurals=6;" in header  # zero, one, two, few, many, other


# --- templates ----------------------------------------------------------------------------------------------

_OPENERS = {"blocktranslate", "blocktrans", "comment", "verbatim"}
_CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}


def _unmarked_template_text(source: str) -> list[str]:
    """The words of a template's text that no {% translate %} or {% blocktranslate %} covers."""
    skeleton: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in _OPENERS:
                depth += 1
            elif name in _CLOSERS:
                depth -= 1
            skeleton.append("\x00")
        elif token.token_type == TokenType.TEXT and depth == 0:
            skeleton.append(token.contents)
        else:
            skeleton.append("\x00")
    text = re.sub(r"<!--.*?-->", " ", "".join(skeleton), flags=re.S)
    words: list[str] = []
    for attribute in HUMAN_ATTRIBUTES:
        for value in re.findall(rf'\s{attribute}="([^"]*)"', text):
            words += re.findall(r"[A-Za-z][A-Za-z']+", value.replace("\x00", " "))
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    words += re.findall(r"[A-Za-z][A-Za-z']+", text)
    return [w for w in words if w not in KEEP]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR / "templates")))
def test_template_text_is_marked_for_translation(template: Path) -> None:
    assert _unmarked_template_text(template.read_text()) == []


def test_the_template_check_finds_unmarked_text() -> None:
    assert _unmarked_template_text('<p>Hello <a title="Go home">{% translate "x" %}</a></p>') == ["Go", "home", "Hello"]
    assert _unmarked_template_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}<b>{{ n }}</b>") == []


# --- Python -------------------------------------------------------------------------------------------------

_HUMAN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "placeholder",
    "label_suffix",
}
_HUMAN_CALLS = {
    "ValidationError",
    "DomainError",
    "add_error",
    "success",
    "error",
    "info",
    "warning",
    "add_domain_error",
    "PermissionDenied",
    "Http404",
    "BadRequest",
}
_GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}


def _is_words(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(re.search(r"[A-Za-z]{2}", node.value))
    )


def _unmarked_python_strings(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _GETTEXT:
                continue
            found += [
                f"{k.arg}= line {k.value.lineno}"
                for k in node.keywords
                if k.arg in _HUMAN_KEYWORDS and _is_words(k.value)
            ]
            if name in _HUMAN_CALLS:
                found += [f"{name}() line {a.lineno}" for a in node.args if _is_words(a)]
        elif isinstance(node, ast.ClassDef) and any(
            getattr(b, "attr", getattr(b, "id", "")) in {"TextChoices", "IntegerChoices"} for b in node.bases
        ):
            for statement in node.body:
                value = getattr(statement, "value", None)
                if isinstance(statement, ast.Assign) and isinstance(value, ast.Tuple) and _is_words(value.elts[-1]):
                    found.append(f"choice label line {statement.lineno}")
    return found


@pytest.mark.parametrize("module", PYTHON, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_python_text_is_marked_for_translation(module: Path) -> None:
    assert _unmarked_python_strings(module.read_text()) == []


def test_the_python_check_finds_unmarked_text() -> None:
    source = 'f = forms.CharField(label="Name")\nraise ValidationError(_("ok"))\nmessages.success(request, "Saved")\n'
    assert _unmarked_python_strings(source) == ["label= line 1", "success() line 3"]


# --- the site in Welsh --------------------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        self.parts += [a[k] for k in HUMAN_ATTRIBUTES if a.get(k)]

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def english_sentences() -> list[str]:
    """The English msgids (or their longest fixed part) a Welsh page must not show."""
    catalogue = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    sentences = set()
    for key, welsh in catalogue.items():
        english = key[0] if isinstance(key, tuple) else key.split("\x04")[-1]
        if not english or english == welsh:
            continue
        for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", english):
            part = re.sub(r"\s+", " ", part).strip(" .,:;")
            if len(part) >= 16 and " " in part:
                sentences.add(part)
    return sorted(sentences)


def typed_by_users() -> list[str]:
    """Every longer text people typed (names, titles, statements, notes): never translated, so never English to flag."""
    typed: set[str] = set()
    for label in ("network", "outcomes"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name for f in model._meta.get_fields() if isinstance(f, (CharField, TextField)) and not f.choices
            ]
            for row in model._default_manager.values_list(*fields) if fields else []:
                typed.update(re.sub(r"\s+", " ", v).strip() for v in row if isinstance(v, str) and len(v) >= 16)
    return sorted(typed, key=len, reverse=True)


def _walk_in_welsh(
    client: Client, starts: list[str], english: list[str], typed: list[str], limit: int = 80
) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    queue = deque(starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or path.startswith(("/static/", "/admin/", "/accounts/logout")):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path} -> {response.status_code}")
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Text()
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        page.feed(body.decode())
        if page.lang != "cy":
            problems.append(f'{path}: <html lang="{page.lang}">')
        text = page.text()
        for value in typed:
            if value in text:
                text = text.replace(value, " ")
        problems += [f"{path}: English {sentence!r}" for sentence in english if sentence in text]
        for href in page.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/") and not parts.path.endswith((".csv", ".xlsx", ".ics")):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return problems


@pytest.mark.django_db
def test_the_demo_site_reads_in_welsh_for_every_role() -> None:
    call_command("seed_demo", stdout=StringIO())
    site = PilotSite.objects.get(slug="northbrook-together")
    members = Membership.objects.filter(site=site).select_related("user")
    people: dict[str, User | None] = {
        "signed out": None,
        "enabler": members.get(role=Role.ENABLER).user,
        "coordinator": members.get(role=Role.COORDINATOR).user,
        "alliance leader": members.filter(role=Role.LEADER, alliance_memberships__isnull=False).first().user,  # type: ignore[union-attr]
    }
    english = english_sentences()
    typed = typed_by_users()
    assert len(english) > 100  # the catalogue really has sentences to look for
    problems: list[str] = []
    for role, person in people.items():
        client = Client(raise_request_exception=False)
        if person is not None:
            person.language = "cy"
            person.save(update_fields=["language"])
            client.force_login(person)
        else:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        problems += [f"{role}: {p}" for p in _walk_in_welsh(client, ["/", f"/sites/{site.slug}/"], english, typed)]
    assert problems == [], "\n".join(problems)
