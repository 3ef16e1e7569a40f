"""Typed requests and the one way a view answers htmx, as django-htmx's example project does.

`site_view` (network/access.py) hands every site page an `AuthenticatedHttpRequest`, so views
read `request.user` as a `User` and `request.htmx` as django-htmx's details without casts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
