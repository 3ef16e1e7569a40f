"""Writes: the per-site activity log."""

from __future__ import annotations

from typing import Any

from network import activity_text
from network.models import ActivityEntry, PilotSite, User


def activity_record(*, site: PilotSite, actor: User | None, action: str, words: dict[str, Any]) -> ActivityEntry:
    """Note who changed what in a site. Called by the services that make the change, inside their transaction.

    `words` (network/activity_text.py) are kept to be read in each reader's language; the summary keeps their
    English rendering for the admin and for searching.
    """
    summary = activity_text.in_english(words)
    return ActivityEntry.objects.create(site=site, actor=actor, action=action, summary=summary[:500], params=words)
