"""Typed requests and the one way a view answers htmx, as django-htmx's example project does.

`site_view` (network/access.py) hands every site page an `AuthenticatedHttpRequest`, so views
read `request.user` as a `User` and `request.htmx` as django-htmx's details without casts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_htmx.middleware import HtmxDetails

from network.models import Membership, User


class HtmxHttpRequest(HttpRequest):
    """Any request that has been through django-htmx's middleware (every request here)."""

    htmx: HtmxDetails
    site_membership: Membership  # set by `site_view` on a site's pages only


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request from a signed-in person: what `login_required` and `site_view` guarantee."""

    user: User


def client_ip(request: HttpRequest) -> str:
    """The client's address for rate limits: REMOTE_ADDR only, as a forwarded-for header is the client's to invent."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a page, or only its named partial when htmx asked for it.

    One view and one template serve both: a link or a form without script gets the whole page,
    and an htmx request gets the region it swaps (`templates/...html#partial`).
    """
    if partial and request.htmx:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def token_page(view: Callable[P, R]) -> Callable[P, R]:
    """For a page whose URL carries a secret (a sign-in link, an RSVP, unsubscribe, a calendar feed, a password
    reset): no cache keeps it (`Cache-Control: no-store`), and no link on it sends the URL on (`Referrer-Policy`)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        response = view(*args, **kwargs)
        add_never_cache_headers(response)  # includes no-store
        response["Referrer-Policy"] = "no-referrer"
        return response

    # Under no-referrer a browser posts the page's own forms with `Origin: null`; this mark lets
    # network.middleware.TokenPageOriginMiddleware accept that for these views (the CSRF token still counts).
    wrapper.token_page = True  # type: ignore[attr-defined]
    return wrapper
