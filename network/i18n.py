"""One person's language, for what the app sends them (issue 15).

Pages follow the request (LocaleMiddleware, then network.middleware.UserLanguageMiddleware). Anything rendered
for someone else — an email, a digest, a calendar file, a page opened from a signed link — is rendered inside
`language_of(person)`, so each reader gets their own language whatever the sender's.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from network.models import User

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def language_of(person: User | None) -> AbstractContextManager[None]:
    """Render inside this to speak to `person` in their language (the default language for nobody)."""
    language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    return translation.override(language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE)


def use_language_of(request: HttpRequest, person: User) -> None:
    """For a page opened from a signed link: answer in the language of the person the link was sent to."""
    if person.language in LANGUAGE_CODES:
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
