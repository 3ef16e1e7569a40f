from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes: candidates, voting and results"

    def ready(self) -> None:
        # As in network.apps: services ask outcomes.dispatch, and the tasks that do the work are connected here.
        from outcomes import dispatch, tasks

        dispatch.adoption_invitation_send.connect(tasks.adoption_invitation_send.delay)
