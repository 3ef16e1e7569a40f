"""Voting's emails, each a pair of templates under templates/outcomes/email/: `<name>_subject.txt` and `<name>.txt`."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.mail import send_mail
from django.template.loader import render_to_string


def mail_send(*, name: str, context: Mapping[str, object], recipients: list[str]) -> None:
    """Send one plain-text email from its templates to `recipients` (who all see one another: pass one for privacy)."""
    # A subject is one line, whatever the template's layout or the data in it.
    subject = " ".join(render_to_string(f"outcomes/email/{name}_subject.txt", dict(context)).split())
    body = render_to_string(f"outcomes/email/{name}.txt", dict(context))
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
