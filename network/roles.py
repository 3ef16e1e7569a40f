"""Who may do what in a site, by role: each rule written once.

`network/access.py` enforces these on views (and re-exports them); services check them
before a write; templates read them through the membership (`membership.can_manage_people`).
The module imports nothing of the app's, so the models can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENABLER = "enabler", _("Enabler")
    COORDINATOR = "coordinator", _("Coordinator")
    LEADER = "leader", _("Leader")


EVERYONE = frozenset(Role.values)
ENABLERS = frozenset({Role.ENABLER})
# Enablers coordinate too: they can do all that a coordinator can.
COORDINATORS = frozenset({Role.ENABLER, Role.COORDINATOR})
LEADERS = frozenset({Role.LEADER})
PROPOSERS = frozenset({Role.LEADER, Role.ENABLER})


class HasRole(Protocol):
    """A membership, or anything else that carries a role in a site."""

    @property
    def role(self) -> str: ...


def is_enabler(member: HasRole) -> bool:
    return member.role in ENABLERS


def is_coordinator(member: HasRole) -> bool:
    """A coordinator or an enabler."""
    return member.role in COORDINATORS


def is_leader(member: HasRole) -> bool:
    return member.role in LEADERS


def can_manage_people(member: HasRole) -> bool:
    """Set up the site: its agencies and people, imports, invitations, the dashboard, activity and digests."""
    return is_enabler(member)


def can_call_meetings(member: HasRole) -> bool:
    """Create, edit and cancel meetings, take attendance and download who is coming."""
    return is_coordinator(member)


def can_commit(member: HasRole) -> bool:
    """Commit to an outcome, and so join its alliance."""
    return is_leader(member)


def can_create_site(*, roles: Iterable[str], is_staff: bool, self_service: bool) -> bool:
    """Set up a new pilot site: an enabler of any site, or staff; a leader or coordinator (or anyone
    signed in) only when self-service sites are switched on (settings.SELF_SERVICE_SITES)."""
    return self_service or is_staff or any(role in ENABLERS for role in roles)


def can_see_people_map(member: HasRole) -> bool:
    """See the living map person by person, with each check-in answer: everyone else sees agencies and sectors,
    and the check-in only as groups no smaller than the site's minimum."""
    return is_enabler(member)


def can_manage_map(member: HasRole) -> bool:
    """Ask for a new map snapshot, and set when an agency counts as going quiet."""
    return is_enabler(member)


def can_check_in(member: HasRole) -> bool:
    """Answer the relationship check-in: who they work with, how often, and how much they trust it."""
    return is_leader(member)


def role_needs_agency(role: str) -> bool:
    """A leader leads in an agency; enablers and coordinators need none."""
    return role in LEADERS


def can_make_commitments(member: HasRole) -> bool:
    """Add commitments to one's own pledge: the leaders, who are the alliance's members."""
    return can_commit(member)


def can_set_checkins(member: HasRole) -> bool:
    """Set how often commitments' owners are asked how it is going."""
    return is_enabler(member)


def can_record_actions(member: HasRole) -> bool:
    """Record a meeting's notes, decisions and actions, and mark anyone's action done."""
    return is_coordinator(member)


def can_manage_measure(member: HasRole) -> bool:
    """Name an adopted outcome's indicators and add or upload their updates."""
    return is_enabler(member)
