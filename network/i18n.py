"""One person's language, for what the app sends them (issue 15).

Pages follow the request (LocaleMiddleware, then network.middleware.UserLanguageMiddleware). Anything rendered
for someone else — an email, a digest, a calendar file, a page opened from a signed link — is rendered inside
`language_of(person)`, so each reader gets their own language whatever the sender's.
"""

from __future__ import annotations

import gettext
from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import trans_real

from network.models import User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)

_PRUNED = "_systemsleader_fallbacks_pruned"


def _holds_no_message(link: gettext.NullTranslations) -> bool:
    """A plain gettext catalogue with nothing in it but its header (""), which Django never looks up."""
    return type(link) in (gettext.GNUTranslations, gettext.NullTranslations) and all(
        key == "" for key in getattr(link, "_catalog", {})
    )


def fallbacks_prune(language: str) -> None:
    """Take out of `language`'s translation the fallback catalogues that hold no message, once per translation object.

    English is our source language, so most English lookups miss, and a miss walks the whole chain of fallbacks
    before gettext gives the msgid back. For "en-gb", Python's gettext also opens each app's "en" catalogue
    behind its "en_GB" one, and Django chains those behind its merged catalogue: six "en" catalogues (Django's
    own and its contrib apps') that hold only their header, walked on every miss: about 5.5 µs a miss against
    2.2 µs a hit, and a page makes hundreds (Welsh falls back to the same English object). A catalogue with no
    message answers every lookup by asking its own fallback, or with the msgid when it has none, which is what
    the catalogue before it then does without it; so dropping it changes no answer (tests/test_i18n_fallbacks.py
    checks every msgid, ours and Django's, in both languages). Each step leaves a whole chain, so a thread
    translating meanwhile reads either chain.

    Called where a language is activated (network.middleware.UserLanguageMiddleware for a request,
    `language_of` and `use_language_of` for what is rendered for a person); once done it costs a dict and an
    attribute lookup. Per object rather than once at start-up, because Django builds a language's translation
    when first asked and builds a new one after its cache is reset (a settings change in tests).
    """
    head = trans_real.translation(language)
    if getattr(head, _PRUNED, False):
        return
    link: gettext.NullTranslations | None = head
    while link is not None:
        # _fallback is gettext's own link to the next catalogue (what add_fallback() sets).
        while link._fallback is not None and _holds_no_message(link._fallback):  # type: ignore[attr-defined]
            link._fallback = link._fallback._fallback  # type: ignore[attr-defined]
        link = link._fallback  # type: ignore[attr-defined]
    setattr(head, _PRUNED, True)


def language_of(person: User | None) -> AbstractContextManager[None]:
    """Render inside this to speak to `person` in their language (the default language for nobody)."""
    language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    fallbacks_prune(language)
    return translation.override(language)


def use_language_of(request: HttpRequest, person: User) -> None:
    """For a page opened from a signed link: answer in the language of the person the link was sent to."""
    if person.language in LANGUAGE_CODES:
        fallbacks_prune(person.language)
        translation.activate(person.language)
        request.LANGUAGE_CODE = person.language


def remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


def adopt_chosen_language(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """On signing in, a language chosen with the switcher beforehand becomes the person's own."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") if request is not None else ""
    if chosen in LANGUAGE_CODES and chosen != user.language:
        from network.services.people import user_set_language

        user_set_language(user=user, language=chosen)
