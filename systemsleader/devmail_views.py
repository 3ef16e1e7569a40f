"""The development mailbox: the messages the app has sent, readable in the browser (DEBUG on, no SMTP server)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from systemsleader import devmail


def _require_mailbox() -> None:
    if not devmail.mailbox_enabled():
        raise Http404


def dev_mail_list(request: HttpRequest) -> HttpResponse:
    _require_mailbox()
    return render(request, "dev/mail_list.html", {"kept": devmail.messages_kept()})


def dev_mail_detail(request: HttpRequest, message_id: str) -> HttpResponse:
    _require_mailbox()
    message = devmail.message_kept(message_id=message_id)
    if message is None:
        raise Http404
    return render(request, "dev/mail_detail.html", {"message": message})


def dev_mail_html(request: HttpRequest, message_id: str) -> HttpResponse:
    """A message's HTML part as its recipient's mail program would show it, sandboxed: no script, no forms."""
    _require_mailbox()
    message = devmail.message_kept(message_id=message_id)
    if message is None or not message.html:
        raise Http404
    response = HttpResponse(message.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox allow-popups allow-top-navigation-by-user-activation"
    return response
