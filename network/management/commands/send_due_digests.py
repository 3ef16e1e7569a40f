"""Send every digest whose time has come, in this process: Celery beat's job, for when there is no Celery.

With no REDIS_URL the app runs tasks in-process and no beat runs, so weekly
digests, meeting reminders and retries of refused emails wait for this
command; run it from cron every few minutes. It is safe to run as often as
you like: each digest goes to each person once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from network import digests


class Command(BaseCommand):
    help = "Send the weekly digests, meeting reminders and email retries that are due (what Celery beat does)."

    def handle(self, *args: Any, **options: Any) -> None:
        runs: list[tuple[str, list[int] | None]] = [(key, None) for key in digests.digests_due()]
        runs += list(digests.retries_due().items())
        for key, delivery_ids in runs:
            counts = digests.digest_send(key=key, delivery_ids=delivery_ids)
            what = "retried" if delivery_ids else "sent"
            self.stdout.write(
                f"{key} ({what}): {counts['sent']} sent, {counts['failed']} failed, {counts['skipped']} skipped"
            )
        if not runs:
            self.stdout.write("Nothing is due.")
