"""Every read of pilot sites, people, alliances and meetings, split by noun.

Everything a user may see is fetched through their membership of a site, so
an object of another site is a 404 rather than a leak.
"""

from __future__ import annotations

from network.selectors.alliances import alliance_current, alliance_members
from network.selectors.meetings import (
    AttendeeRow,
    meeting_attendee_page,
    meeting_attendee_rows,
    meeting_get,
    meetings_for_alliance,
)
from network.selectors.sites import (
    agencies_for_site,
    membership_get,
    memberships_for_user,
    people_for_site,
    site_create_allowed,
)

__all__ = [
    "AttendeeRow",
    "agencies_for_site",
    "alliance_current",
    "alliance_members",
    "meeting_attendee_page",
    "meeting_attendee_rows",
    "meeting_get",
    "meetings_for_alliance",
    "membership_get",
    "memberships_for_user",
    "people_for_site",
    "site_create_allowed",
]
