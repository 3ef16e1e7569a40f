"""Meetings for the whole site (2 of 3): copy each row's alliance member over to their membership."""

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    Meeting = apps.get_model("network", "Meeting")
    Alliance = apps.get_model("network", "Alliance")
    AllianceMember = apps.get_model("network", "AllianceMember")
    MeetingResponse = apps.get_model("network", "MeetingResponse")
    MeetingAttendance = apps.get_model("network", "MeetingAttendance")
    DigestDelivery = apps.get_model("network", "DigestDelivery")

    Meeting.objects.update(site_id=Subquery(Alliance.objects.filter(pk=OuterRef("alliance_id")).values("site_id")))
    membership_of = AllianceMember.objects.filter(pk=OuterRef("member_id")).values("membership_id")
    MeetingResponse.objects.update(membership_id=Subquery(membership_of))
    MeetingAttendance.objects.filter(member__isnull=False).update(membership_id=Subquery(membership_of))
    DigestDelivery.objects.update(
        new_recipient_id=Subquery(AllianceMember.objects.filter(pk=OuterRef("recipient_id")).values("membership_id"))
    )


def backwards(apps, schema_editor):
    """Only an empty database goes back: a whole-site meeting's replies have no alliance member to return to."""
    for name in ("Meeting", "MeetingResponse", "MeetingAttendance", "DigestDelivery"):
        if apps.get_model("network", name).objects.exists():
            raise IrreversibleError(
                "Meetings have moved to memberships; with meetings, replies or deliveries saved this cannot be undone."
            )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_meetings_for_the_site"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
