"""Writes: the per-site activity log."""

from __future__ import annotations

from network.models import ActivityEntry, PilotSite, User


def activity_record(*, site: PilotSite, actor: User | None, action: str, summary: str) -> ActivityEntry:
    """Note who changed what in a site. Called by the services that make the change, inside their transaction."""
    return ActivityEntry.objects.create(site=site, actor=actor, action=action, summary=summary[:500])
