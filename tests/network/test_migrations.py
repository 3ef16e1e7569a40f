"""The move of replies, attendance and deliveries from alliance members to memberships keeps every row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("network", "0004_meetings_in_depth"), ("outcomes", "0002_rounds_in_depth")]
AFTER = [("network", "0007_meetings_for_the_site_finish")]


@pytest.mark.django_db(transaction=True)
def test_meetings_move_to_memberships_without_losing_a_row() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user_model = old.get_model("network", "User")
    site = old.get_model("network", "PilotSite").objects.create(name="Ashby", slug="ashby-m", place="Ashby")
    membership_model = old.get_model("network", "Membership")
    people = [
        membership_model.objects.create(
            site=site, user=user_model.objects.create(email=f"p{i}@ashby.example", name=f"P{i}"), role="leader"
        )
        for i in range(3)
    ]
    alliance = old.get_model("network", "Alliance").objects.create(site=site, purpose="Housed")
    alliance_member_model = old.get_model("network", "AllianceMember")
    members = [alliance_member_model.objects.create(alliance=alliance, membership=m) for m in people]
    meeting = old.get_model("network", "Meeting").objects.create(
        alliance=alliance, title="First", starts_at=timezone.now() + dt.timedelta(days=3)
    )
    old.get_model("network", "MeetingResponse").objects.create(meeting=meeting, member=members[1], rsvp="going")
    attendance_model = old.get_model("network", "MeetingAttendance")
    attendance_model.objects.create(meeting=meeting, member=members[2])
    attendance_model.objects.create(meeting=meeting, walk_in_name="Pat Visitor")
    old.get_model("network", "DigestDelivery").objects.create(
        key=f"meeting:{meeting.pk}", meeting=meeting, recipient=members[0], status="sent"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("network", "Meeting").objects.get()
    assert (moved.site_id, moved.alliance_id) == (site.pk, alliance.pk)
    reply = new.get_model("network", "MeetingResponse").objects.get()
    assert (reply.membership_id, reply.rsvp) == (people[1].pk, "going")
    attendance = new.get_model("network", "MeetingAttendance").objects.order_by("pk")
    assert [(a.membership_id, a.walk_in_name) for a in attendance] == [(people[2].pk, ""), (None, "Pat Visitor")]
    delivery = new.get_model("network", "DigestDelivery").objects.get()
    assert (delivery.recipient_id, delivery.status) == (people[0].pk, "sent")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest, for the tests after this one


@pytest.mark.django_db(transaction=True)
def test_going_back_past_the_move_is_refused_once_there_are_meetings() -> None:
    from network.models import Meeting, PilotSite

    site = PilotSite.objects.create(name="Ashby", slug="ashby-back", place="Ashby")
    Meeting.objects.create(site=site, title="Open", starts_at=timezone.now())
    executor = MigrationExecutor(connection)
    with pytest.raises(IrreversibleError, match="cannot be undone"):
        executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
