"""Typed requests and the one way a view answers htmx, as django-htmx's example project does.

`site_view` (network/access.py) hands every site page an `AuthenticatedHttpRequest`, so views
read `request.user` as a `User` and `request.htmx` as django-htmx's details without casts.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
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


def render_page_streamed(
    request: HtmxHttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    slot: str,
    fill: Iterable[str],
    status: int = 200,
) -> StreamingHttpResponse:
    """A page that must hold a list of any length (everyone invited, for a tap or a signature at the door),
    sent as it is made: the template is rendered around an empty `slot` (a context variable it prints where
    the list goes), and `fill`, already escaped HTML a few rows at a time, streams into it. A worker holds a
    few rows, not the page: 20,000 invitees made 3 MB pages and workers of a quarter of a gigabyte."""
    marker = f"<!--{slot}-{secrets.token_hex(8)}-->"
    page = render_to_string(template, {**context, slot: mark_safe(marker)}, request=request)  # noqa: S308 - ours
    head, tail = page.split(marker, 1)
    language = translation.get_language()

    def parts() -> Iterator[str]:
        yield head
        with translation.override(language):  # the rows are made after the view returns: in the page's language
            yield from fill
        yield tail

    return StreamingHttpResponse(parts(), content_type="text/html; charset=utf-8", status=status)


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
