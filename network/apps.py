from __future__ import annotations

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network: sites, people and meetings"
