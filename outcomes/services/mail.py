"""Voting's emails, each a pair of templates under templates/outcomes/email/: `<name>_subject.txt` and `<name>.txt`.

Each is written once per language, in the language of each person it goes to, and queued through network's
email ledger (network.services.digests.email_queue), so a worker that dies or a Redis that restarts empty
loses none of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from network.digests.content import site_contact
from network.i18n import language_of
from network.models import Membership, PilotSite
from network.services.digests import email_queue

_FOOT = "network/email/_contact.txt"


def mail_send(*, site: PilotSite, name: str, context: Mapping[str, object], recipients: list[Membership]) -> None:
    """Queue one plain-text email from its templates to each of `recipients`, each alone (nobody sees the others),
    each in their own language.

    Sent once the caller's transaction commits. The context must not differ between recipients.
    """
    people = Membership.objects.filter(pk__in=[m.pk for m in recipients]).select_related("user")
    readers = {m.pk: m.user for m in people}
    # Whom to write to, at the foot as on every other email (the same words as network's emails).
    foot = {"site": site, "contact": site_contact(site=site), "contact_email": settings.CONTACT_EMAIL}
    written: dict[str, tuple[str, str]] = {}  # by language: the same email is written once per language

    def write(membership: Membership) -> tuple[str, str]:
        with language_of(readers.get(membership.pk)):
            language = translation.get_language()
            if language not in written:
                # A subject is one line, whatever the template's layout or the data in it.
                subject = " ".join(render_to_string(f"outcomes/email/{name}_subject.txt", dict(context)).split())
                body = render_to_string(f"outcomes/email/{name}.txt", dict(context))
                written[language] = (subject, f"{body.rstrip()}\n\n--\n{render_to_string(_FOOT, foot)}")
            return written[language]

    email_queue(site=site, name=name, memberships=recipients, write=write)
