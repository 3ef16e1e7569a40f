"""Voting's emails, each a pair of templates under templates/outcomes/email/: `<name>_subject.txt` and `<name>.txt`.

Each is written once and queued through network's email ledger (network.services.digests.email_queue), so
a worker that dies or a Redis that restarts empty loses none of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.template.loader import render_to_string

from network.models import Membership, PilotSite
from network.services.digests import email_queue


def mail_send(*, site: PilotSite, name: str, context: Mapping[str, object], recipients: list[Membership]) -> None:
    """Queue one plain-text email from its templates to each of `recipients`, each alone (nobody sees the others).

    Sent once the caller's transaction commits. The context must not differ between recipients.
    """
    # A subject is one line, whatever the template's layout or the data in it.
    subject = " ".join(render_to_string(f"outcomes/email/{name}_subject.txt", dict(context)).split())
    body = render_to_string(f"outcomes/email/{name}.txt", dict(context))
    email_queue(site=site, name=name, subject=subject, body=body, memberships=recipients)
