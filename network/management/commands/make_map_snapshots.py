"""Make living-map snapshots in this process: Celery beat's monthly job, for sites without a worker.

By default it makes one for each site that has none yet this month (safe to run daily from cron);
`--site SLUG` makes a new one for that site now, as the enabler's "make a new map now" does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from network.models import PilotSite
from network.services import map as maps


class Command(BaseCommand):
    help = "Make this month's living-map snapshots that are due, or a new one for one site (--site)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", help="The slug of one site to make a new snapshot of now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["site"]:
            site = PilotSite.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"No site with the slug {options['site']!r}.")
            made = maps.map_snapshot_make(site=site)
            self.stdout.write(f"{site.slug}: snapshot {made.pk} made.")
            return
        due = maps.map_snapshots_due()
        for site in PilotSite.objects.filter(pk__in=due).order_by("pk"):
            snapshot = maps.map_snapshot_make_if_needed(site=site, requested_at=maps.month_start())
            self.stdout.write(f"{site.slug}: snapshot {snapshot.pk if snapshot else 'already made'}.")
        if not due:
            self.stdout.write("Every site has this month's map.")
