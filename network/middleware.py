"""Request handling that must run before Django's own middleware sees the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext


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
    """Answer 400 to a query string holding a NUL character, before any view reads it.

    PostgreSQL cannot store or compare text with NUL in it, so such a value reaching a filter (a search box,
    a page number) is a 500. No link the app makes carries one; only a hand-made or hostile URL does. Form
    posts need no such guard: Django's form fields refuse NUL themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest(gettext("This address has a character in it that no page can use."))
        return self.get_response(request)
