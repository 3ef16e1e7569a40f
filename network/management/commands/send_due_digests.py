"""Send every digest whose time has come, in this process: Celery beat's job, for when there is no Celery.

With no REDIS_URL the app runs tasks in-process and no beat runs, so weekly
digests, meeting reminders and retries of refused emails wait for this
command; run it from cron every few minutes. It is safe to run as often as
you like: each digest goes to each person once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from network.digests import digest_send, runs_due


class Command(BaseCommand):
    help = "Send the weekly digests, meeting reminders and email retries that are due (what Celery beat does)."

    def handle(self, *args: Any, **options: Any) -> None:
        runs = runs_due()
        for run in runs:
            counts = digest_send(key=run.key, delivery_ids=run.delivery_ids)
            what = "retried" if run.delivery_ids else "sent"
            self.stdout.write(
                f"{run.key} ({what}): {counts['sent']} sent, {counts['failed']} failed, {counts['skipped']} skipped"
            )
        if not runs:
            self.stdout.write("Nothing is due.")
