"""Meetings for the whole site as well as for an alliance: new columns beside the old (1 of 3).

A meeting now belongs to its site, and its alliance is optional. Replies,
attendance and digest deliveries point at the person's site membership
rather than at their place in one alliance, so someone outside the alliance
can be invited to, reply to and attend a whole-site meeting. Three
migrations, because PostgreSQL will not alter a table in the transaction that
has just updated its rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_meetings_in_depth"),
    ]

    operations = [
        # Add the new columns beside the old ones.
        migrations.AddField(
            model_name="meeting",
            name="site",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="meetings", to="network.pilotsite"
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="alliance",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meetings",
                to="network.alliance",
            ),
        ),
        migrations.RemoveConstraint(model_name="meetingresponse", name="meeting_response_unique"),
        migrations.AddField(
            model_name="meetingresponse",
            name="membership",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meeting_responses",
                to="network.membership",
            ),
        ),
        migrations.RemoveConstraint(model_name="meetingattendance", name="attendance_unique_member"),
        migrations.AddField(
            model_name="meetingattendance",
            name="membership",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendances",
                to="network.membership",
            ),
        ),
        migrations.RemoveConstraint(model_name="digestdelivery", name="digest_delivery_unique_key"),
        migrations.AddField(
            model_name="digestdelivery",
            name="new_recipient",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="network.membership",
            ),
        ),
    ]
