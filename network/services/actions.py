"""Writes: what a meeting noted and decided, and the actions it gave people."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.errors import DomainError
from network.models import Meeting, MeetingAction, MeetingNotes, Membership
from network.roles import can_record_actions


def _check_recorder(meeting: Meeting, membership: Membership) -> None:
    if membership.site_id != meeting.site_id or not can_record_actions(membership):
        raise DomainError(_("Only the site's coordinators record what a meeting decided."))


def meeting_notes_save(*, meeting: Meeting, membership: Membership, notes: str, decisions: str) -> MeetingNotes:
    _check_recorder(meeting, membership)
    record, _created = MeetingNotes.objects.update_or_create(
        meeting=meeting,
        defaults={"notes": notes.strip(), "decisions": decisions.strip(), "updated_by": membership},
    )
    return record


def action_add(
    *, meeting: Meeting, membership: Membership, description: str, owner: Membership, due_on: dt.date
) -> MeetingAction:
    """Give someone in the site an action from a meeting, due by a date."""
    _check_recorder(meeting, membership)
    description = description.strip()
    if not description:
        raise DomainError(_("Say what is to be done."), field="description")
    if owner.site_id != meeting.site_id or owner.archived_at is not None:
        raise DomainError(_("Choose someone in this site."), field="owner")
    return MeetingAction.objects.create(
        meeting=meeting, description=description, owner=owner, due_on=due_on, created_by=membership
    )


@transaction.atomic
def action_mark_done(*, action: MeetingAction, membership: Membership, now: dt.datetime | None = None) -> MeetingAction:
    """Mark an action done: by its owner, or by a coordinator. Marking it again changes nothing."""
    fresh = MeetingAction.objects.select_for_update().get(pk=action.pk)
    is_owner = fresh.owner_id == membership.pk
    if not is_owner and not (can_record_actions(membership) and membership.site_id == action.meeting.site_id):
        raise DomainError(_("Only the action's owner or a coordinator marks it done."))
    if fresh.done_at is None:
        fresh.done_at = now or timezone.now()
        fresh.done_by = membership
        fresh.save(update_fields=["done_at", "done_by"])
    action.done_at, action.done_by = fresh.done_at, fresh.done_by
    return fresh
