"""Authorisation, in one place.

`site_view` resolves the pilot site in the URL through the signed-in user's
own membership of it. Someone with no membership of that site gets a 404, as
if it did not exist; a member whose role is not allowed gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from network.http import AuthenticatedHttpRequest
from network.models import Membership, Role
from network.selectors import membership_get

P = ParamSpec("P")

EVERYONE = frozenset(Role.values)
ENABLERS = frozenset({Role.ENABLER})
COORDINATORS = frozenset({Role.ENABLER, Role.COORDINATOR})
LEADERS = frozenset({Role.LEADER})
PROPOSERS = frozenset({Role.LEADER, Role.ENABLER})

SiteView = Callable[Concatenate[AuthenticatedHttpRequest, Membership, P], HttpResponseBase]


def site_view(
    roles: frozenset[str] = EVERYONE,
) -> Callable[[SiteView[P]], Callable[Concatenate[AuthenticatedHttpRequest, str, P], HttpResponseBase]]:
    def decorator(view: SiteView[P]) -> Callable[Concatenate[AuthenticatedHttpRequest, str, P], HttpResponseBase]:
        @wraps(view)
        def wrapper(
            request: AuthenticatedHttpRequest, site_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            membership = membership_get(user=request.user, site_slug=site_slug)
            if membership.role not in roles:
                raise PermissionDenied("Your role in this site does not allow that.")
            return view(request, membership, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def require_role(membership: Membership, roles: frozenset[str]) -> None:
    if membership.role not in roles:
        raise PermissionDenied("Your role in this site does not allow that.")


__all__ = ["COORDINATORS", "ENABLERS", "EVERYONE", "LEADERS", "PROPOSERS", "require_role", "site_view"]
