"""Authorisation, in one place.

`site_view` resolves the pilot site in the URL through the signed-in user's
own membership of it. Someone with no membership of that site gets a 404, as
if it did not exist; a member whose role is not allowed gets a 403.

Who may do what is written once, in `network/roles.py`, and re-exported here
for views and for outcomes: views name a role set (`site_view(ENABLERS)`),
services and selectors ask a predicate from `network.roles` (they sit below
this module, which reads memberships through the selectors), and templates ask
the membership (`membership.can_manage_people`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, Protocol

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from network.http import AuthenticatedHttpRequest
from network.models import Membership
from network.roles import (
    COORDINATORS,
    ENABLERS,
    EVERYONE,
    LEADERS,
    PROPOSERS,
    can_call_meetings,
    can_commit,
    can_manage_people,
    is_coordinator,
    is_enabler,
    is_leader,
    role_needs_agency,
)
from network.selectors import membership_get

P = ParamSpec("P")

SiteView = Callable[Concatenate[AuthenticatedHttpRequest, Membership, P], HttpResponseBase]


class SiteUrlView(Protocol[P]):
    """What `site_view` makes of a view: the URL's `site_slug` (a keyword, as Django passes it) in place of
    the membership."""

    def __call__(
        self, request: AuthenticatedHttpRequest, site_slug: str, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase: ...


def site_view(roles: frozenset[str] = EVERYONE) -> Callable[[SiteView[P]], SiteUrlView[P]]:
    """Hand the view the signed-in person's membership of the site in the URL, if their role is one of `roles`."""

    def decorator(view: SiteView[P]) -> SiteUrlView[P]:
        def wrapper(
            request: AuthenticatedHttpRequest, site_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            membership = membership_get(user=request.user, site_slug=site_slug)
            require_role(membership, roles)
            # The base template's site navigation reads this (network/context_processors.py), never a
            # view's own `site`/`membership` context, so no view's names can break every page's header.
            request.site_membership = membership
            return view(request, membership, *args, **kwargs)

        update_wrapper(wrapper, view)
        return login_required(wrapper)

    return decorator


def require_role(membership: Membership, roles: frozenset[str]) -> None:
    """A 403 unless the membership's role is one of `roles`: for a view where only some methods are restricted."""
    if membership.role not in roles:
        raise PermissionDenied(_("Your role in this site does not allow that."))


__all__ = [
    "COORDINATORS",
    "ENABLERS",
    "EVERYONE",
    "LEADERS",
    "PROPOSERS",
    "can_call_meetings",
    "can_commit",
    "can_manage_people",
    "is_coordinator",
    "is_enabler",
    "is_leader",
    "require_role",
    "role_needs_agency",
    "site_view",
]
