"""Meetings for the whole site (3 of 3): drop the old columns and make the new ones required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0006_meetings_for_the_site_data"),
    ]

    operations = [
        # Then drop the old columns and make the new ones required.
        migrations.RemoveField(model_name="meetingresponse", name="member"),
        migrations.RemoveField(model_name="meetingattendance", name="member"),
        migrations.RemoveField(model_name="digestdelivery", name="recipient"),
        migrations.RenameField(model_name="digestdelivery", old_name="new_recipient", new_name="recipient"),
        migrations.AlterField(
            model_name="meeting",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="meetings", to="network.pilotsite"
            ),
        ),
        migrations.AlterField(
            model_name="meetingresponse",
            name="membership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meeting_responses",
                to="network.membership",
            ),
        ),
        migrations.AlterField(
            model_name="digestdelivery",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="digest_deliveries",
                to="network.membership",
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingresponse",
            constraint=models.UniqueConstraint(fields=("meeting", "membership"), name="meeting_response_unique"),
        ),
        migrations.AddConstraint(
            model_name="meetingattendance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("membership__isnull", False)),
                fields=("meeting", "membership"),
                name="attendance_unique_member",
            ),
        ),
        migrations.AddConstraint(
            model_name="digestdelivery",
            constraint=models.UniqueConstraint(fields=("key", "recipient"), name="digest_delivery_unique_key"),
        ),
        migrations.AlterField(
            model_name="digestdelivery",
            name="kind",
            field=models.CharField(
                choices=[
                    ("meeting", "New meeting"),
                    ("change", "Meeting changed or cancelled"),
                    ("pre_meeting", "Before the meeting"),
                    ("weekly", "Weekly digest"),
                    ("place", "A place came free"),
                ],
                default="meeting",
                max_length=16,
            ),
        ),
    ]
