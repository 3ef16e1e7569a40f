"""network.i18n.fallbacks_prune: the empty fallback catalogues go, and no translation changes.

Checked with every msgid of our catalogue and of Django's (its core and contrib apps, from their English .po
files, so the lookups that miss, which are what pruning makes cheaper, are all there), singular, plural and
with context, in English and in Welsh, against translations Django has just built and nothing has pruned.
"""

from __future__ import annotations

import ast
import gettext
from collections.abc import Iterator
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from network.i18n import fallbacks_prune

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OUR_PO = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"
DJANGO_POS = sorted(Path(django.__file__).parent.rglob("locale/en/LC_MESSAGES/django.po"))


def _po_entries(path: Path) -> Iterator[tuple[str, str, str]]:
    """(msgctxt, msgid, msgid_plural) of each entry of a .po file (the header, msgid "", left out)."""
    entry: dict[str, str] = {}
    field = ""

    def done() -> Iterator[tuple[str, str, str]]:
        if entry.get("msgid"):
            yield entry.get("msgctxt", ""), entry["msgid"], entry.get("msgid_plural", "")

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            keyword, _space, literal = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgid" in entry:
                yield from done()
                entry = {}
            field = keyword
            entry[field] = ast.literal_eval(literal)
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        elif line.startswith("msgstr"):
            field = ""
    yield from done()


ENTRIES = sorted({entry for po in [OUR_PO, *DJANGO_POS] for entry in _po_entries(po)})


def _chain(language: str) -> list[gettext.NullTranslations]:
    links = []
    link: gettext.NullTranslations | None = trans_real.translation(language)
    while link is not None:
        links.append(link)
        link = link._fallback  # type: ignore[attr-defined]
    return links


def _answers(language: str) -> list[str]:
    answers = []
    with translation.override(language):
        for context, msgid, plural in ENTRIES:
            if plural:
                for n in (0, 1, 2, 3, 6, 11, 21):
                    if context:
                        answers.append(translation.npgettext(context, msgid, plural, n))
                    else:
                        answers.append(translation.ngettext(msgid, plural, n))
            elif context:
                answers.append(translation.pgettext(context, msgid))
            else:
                answers.append(translation.gettext(msgid))
    return answers


@pytest.fixture
def fresh_translations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django's translation cache emptied for the test (and put back after), so it builds unpruned objects."""
    monkeypatch.setattr(trans_real, "_translations", {})
    monkeypatch.setattr(trans_real, "_default", None)


def test_it_reads_enough_msgids() -> None:
    # A parser that found nothing would make the comparison below pass with nothing compared.
    ours = set(_po_entries(OUR_PO))
    assert len(ours) > 500
    assert any(plural for _context, _msgid, plural in ours)
    assert len(ENTRIES) > len(ours) + 500  # Django's core and contrib apps
    assert any(context for context, _msgid, _plural in ENTRIES)


@pytest.mark.usefixtures("fresh_translations")
def test_it_changes_no_translation_in_either_language() -> None:
    before = {language: _answers(language) for language in LANGUAGES}
    chains_before = {language: _chain(language) for language in LANGUAGES}
    # Welsh answers in Welsh: the comparison covers translated lookups as well as the misses.
    assert sum(welsh != english for welsh, english in zip(before["cy"], before["en-gb"], strict=True)) > 500

    for language in LANGUAGES:
        fallbacks_prune(language)

    assert {language: _answers(language) for language in LANGUAGES} == before
    # It did prune: English ends with its own merged catalogue, Welsh with English's, and nothing that
    # holds a message was dropped.
    assert len(chains_before["en-gb"]) > 1
    assert [type(link).__name__ for link in _chain("en-gb")] == ["DjangoTranslation"]
    assert [link.language() for link in _chain("cy")] == ["cy", "en-gb"]  # type: ignore[attr-defined]
    for language in LANGUAGES:
        dropped = [link for link in chains_before[language] if link not in _chain(language)]
        assert all(set(getattr(link, "_catalog", {})) <= {""} for link in dropped)


@pytest.mark.usefixtures("fresh_translations")
def test_it_prunes_each_object_once() -> None:
    fallbacks_prune("en-gb")
    head = trans_real.translation("en-gb")
    fallbacks_prune("en-gb")
    assert trans_real.translation("en-gb") is head
    assert len(_chain("en-gb")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_it_prunes_again_after_django_rebuilds_its_translations(settings, language: str) -> None:
    """A settings change makes Django drop its translations and build new ones; a request prunes the new ones."""
    Client().get(reverse("login"), headers={"cookie": f"{settings.LANGUAGE_COOKIE_NAME}={language}"})
    old = trans_real.translation("en-gb")
    assert len(_chain("en-gb")) == 1

    settings.LANGUAGES = [*settings.LANGUAGES]  # setting_changed: Django empties its cache of translations
    assert trans_real.translation("en-gb") is not old
    assert len(_chain("en-gb")) > 1

    response = Client().get(reverse("login"), headers={"cookie": f"{settings.LANGUAGE_COOKIE_NAME}={language}"})
    assert response.headers["Content-Language"] == language
    assert [type(link).__name__ for link in _chain(language)] == ["DjangoTranslation"] * (1 + (language != "en-gb"))
    assert len(_chain("en-gb")) == 1
