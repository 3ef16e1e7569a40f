"""Meetings for the whole site (2 of 3): copy each row's alliance member over to their membership."""

from django.db import migrations
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


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_meetings_for_the_site"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
