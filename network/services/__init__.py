"""Every write to pilot sites, agencies, people, alliances and meetings, split by noun."""

from __future__ import annotations

from network.services.agencies import agency_create
from network.services.alliances import alliance_for_outcome, alliance_join
from network.services.meetings import meeting_create, meeting_respond
from network.services.people import member_add, user_get_or_create
from network.services.sites import site_create

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
