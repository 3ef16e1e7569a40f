"""Every write to pilot sites, people, alliances and meetings, split by noun."""

from __future__ import annotations

from network.services.alliances import alliance_for_outcome, alliance_join
from network.services.meetings import meeting_create, meeting_respond
from network.services.sites import agency_create, member_add, site_create, user_get_or_create

__all__ = [
    "agency_create",
    "alliance_for_outcome",
    "alliance_join",
    "meeting_create",
    "meeting_respond",
    "member_add",
    "site_create",
    "user_get_or_create",
]
