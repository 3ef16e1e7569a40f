"""Reads: a meeting's record and actions, a person's open actions, and who a "mark done" link is for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from network import tokens
from network.models import Alliance, Meeting, MeetingAction, MeetingNotes, Membership, User


def meeting_record(*, meeting: Meeting) -> MeetingNotes | None:
    return MeetingNotes.objects.filter(meeting=meeting).first()


def meeting_actions(*, meeting: Meeting) -> QuerySet[MeetingAction]:
    return meeting.actions.select_related("owner__user").order_by("due_on", "pk")


def open_actions_for_user(*, user: User) -> QuerySet[MeetingAction]:
    """A person's open actions in every site they are still in, soonest due first."""
    return (
        MeetingAction.objects.filter(owner__user=user, owner__archived_at__isnull=True, done_at__isnull=True)
        .select_related("meeting__site")
        .order_by("due_on", "pk")
    )


def open_actions_in_alliance(*, alliance: Alliance, owner_id: int | None = None) -> dict[int, list[MeetingAction]]:
    """Open actions of the alliance's site that are due within the week or overdue, by owner's membership id
    (only `owner_id`'s, if given)."""
    soon = timezone.localdate() + dt.timedelta(days=7)
    found: dict[int, list[MeetingAction]] = {}
    actions = MeetingAction.objects.filter(meeting__site_id=alliance.site_id, done_at__isnull=True, due_on__lte=soon)
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    for action in actions.select_related("meeting").order_by("due_on", "pk"):
        found.setdefault(action.owner_id, []).append(action)
    return found


def action_get(*, site_id: int, action_id: int) -> MeetingAction | None:
    return (
        MeetingAction.objects.select_related("meeting", "owner__user")
        .filter(pk=action_id, meeting__site_id=site_id)
        .first()
    )


@dataclass(frozen=True)
class ActionLink:
    action: MeetingAction | None
    owner: Membership | None
    expired: bool = False


def action_link_read(token: str) -> ActionLink | None:
    try:
        found = tokens.action_token_read(token)
    except tokens.LinkExpiredError:
        return ActionLink(action=None, owner=None, expired=True)
    if found is None:
        return None
    action_id, membership_id = found
    action = (
        MeetingAction.objects.select_related("meeting__site", "owner__user")
        .filter(pk=action_id, owner_id=membership_id, owner__archived_at__isnull=True)
        .first()
    )
    if action is None:
        return None
    return ActionLink(action=action, owner=action.owner)
