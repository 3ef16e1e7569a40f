from __future__ import annotations

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network: sites, people and meetings"

    def ready(self) -> None:
        # Services ask network.dispatch for background work; the tasks that do it are connected here,
        # once the models are loaded (which is why the imports wait for ready()), so services never import tasks.
        from network import dispatch, tasks

        dispatch.digest_send.connect(tasks.digest_send.delay)
        dispatch.sign_in_link_send.connect(tasks.sign_in_link_send.delay)
        dispatch.map_snapshot_make.connect(tasks.map_snapshot_make.delay)

        from django.contrib.auth.signals import user_logged_in

        from network.i18n import adopt_chosen_language

        user_logged_in.connect(adopt_chosen_language, dispatch_uid="network.adopt_chosen_language")
