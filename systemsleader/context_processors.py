"""What every page's header and footer need to know about the service."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from systemsleader.devmail import mailbox_enabled


def service(request: HttpRequest) -> dict[str, Any]:
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "dev_mailbox": mailbox_enabled(),
        "self_service_sites": settings.SELF_SERVICE_SITES,
    }
