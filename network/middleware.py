"""Request handling that must run before Django's own middleware sees the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation

from network.i18n import fallbacks_prune


class TokenPageOriginMiddleware:
    """Let a form on a page reached by a token post back to it.

    Those pages send `Referrer-Policy: no-referrer` (network.http.token_page), and under that policy a
    browser sends `Origin: null` with the page's own form posts, which Django's CSRF check refuses. For
    those views only, an Origin of "null" is read as this site's own. The CSRF token is still checked:
    it is a secret only a page of this site holds, matched against a SameSite cookie, so a form posted
    from another site still fails. Must come before CsrfViewMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        if getattr(view_func, "token_page", False) and request.META.get("HTTP_ORIGIN") == "null":
            scheme = "https" if request.is_secure() else "http"
            request.META["HTTP_ORIGIN"] = f"{scheme}://{request.get_host()}"


class NullCharacterMiddleware:
    """Drop NUL characters from the query string before any view reads it.

    PostgreSQL cannot store or compare text with NUL in it, so such a value reaching a filter (a search box,
    a page number) would be a 500. No link the app makes carries one; only a hand-made or hostile URL does,
    and it gets the page as if the NUL were not there. Form posts need no such guard: Django's form fields
    refuse NUL themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pairs = [(key, value) for key, values in request.GET.lists() for value in values]
        if any("\x00" in key + value for key, value in pairs):
            request.GET = QueryDict(urlencode([(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in pairs]))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Serves a signed-in person in the language kept on their account (User.language).

    LocaleMiddleware, earlier, has chosen from the switcher's cookie or the browser's languages; that choice stands
    for visitors. Someone signed in gets their own language on any device, the one they chose with the switcher.
    Only a request that already carries a session looks the user up, so anonymous pages cost no query.
    The language the request ends with has its empty fallback catalogues taken out (once per translation object:
    see network.i18n.fallbacks_prune), which makes each of the page's English lookups that miss a third as dear.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and request.user.is_authenticated:
            language = getattr(request.user, "language", "")
            if language and language != request.LANGUAGE_CODE:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        fallbacks_prune(request.LANGUAGE_CODE)
        return self.get_response(request)
