"""Email without an SMTP server: each message is kept as a file, and development shows them in the browser.

`MailboxBackend` is the EMAIL_BACKEND when EMAIL_HOST is not set. It writes every message to
EMAIL_FILE_PATH as one `.eml` file (so the web process, a Celery worker and `manage.py` commands
all add to the same mailbox) and logs one line saying where to read it, rather than printing whole
messages. The page /dev/mail/ (systemsleader/devmail_views.py) lists and shows them while DEBUG
is on, so a newcomer can accept an invitation on a laptop.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

logger = logging.getLogger("systemsleader.mail")
# Log lines are for whoever runs the app, not its users: in English, as Django's own logs are.
_KEPT_NOT_SENT = "EMAIL_HOST is not set, so email to %s was kept in %s and not sent"
_KEPT_FOR_DEVELOPMENT = "Email to %s: %s (read it at %s%s)"

# A message's id is its file's name without `.eml`: the time it was kept (nanoseconds) and a random part,
# so names sort by time and an id from a URL can only ever name a file in the mailbox.
_ID = re.compile(r"^[0-9]{19,20}-[0-9a-f]{32}$")


def mailbox_enabled() -> bool:
    """Whether the development mailbox page may be shown: only with DEBUG on and no SMTP server."""
    return bool(settings.DEBUG) and not settings.EMAIL_HOST


def _mailbox() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


class MailboxBackend(BaseEmailBackend):
    """Keep each message as a file in EMAIL_FILE_PATH and log one line about it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        mailbox = _mailbox()
        mailbox.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            message_id = f"{time.time_ns()}-{uuid.uuid4().hex}"
            partial = mailbox / f".{message_id}.part"
            partial.write_bytes(message.message().as_bytes(linesep="\n"))
            # A reader never sees half a message: the file appears under its real name only when complete.
            os.replace(partial, mailbox / f"{message_id}.eml")
            if not settings.DEBUG:
                # In production this is a missing EMAIL_HOST, not a choice: say so where operators look.
                logger.warning(
                    _KEPT_NOT_SENT,
                    ", ".join(message.recipients()),
                    mailbox,
                )
                sent += 1
                continue
            logger.info(
                _KEPT_FOR_DEVELOPMENT,
                ", ".join(message.recipients()),
                message.subject,
                settings.SITE_URL,
                reverse("dev-mail-detail", args=[message_id]),
            )
            sent += 1
        return sent


@dataclass(frozen=True)
class KeptMessage:
    id: str
    to: str
    subject: str
    date: datetime.datetime | None  # shown through Django's date filter, so month names follow the language
    text: str
    html: str


def _sent_at(header: str) -> datetime.datetime | None:
    try:
        return parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _read(path: Path) -> KeptMessage:
    with path.open("rb") as handle:
        # policy.default parses into email.message.EmailMessage, which has get_body().
        parsed = BytesParser(_class=ParsedMessage, policy=policy.default).parse(handle)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return KeptMessage(
        id=path.stem,
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        date=_sent_at(str(parsed.get("Date", ""))),
        text=text_part.get_content() if isinstance(text_part, ParsedMessage) else "",
        html=html_part.get_content() if isinstance(html_part, ParsedMessage) else "",
    )


def messages_kept(*, limit: int = 100) -> list[KeptMessage]:
    """The newest messages first."""
    mailbox = _mailbox()
    if not mailbox.is_dir():
        return []
    paths = sorted((p for p in mailbox.glob("*.eml") if _ID.match(p.stem)), reverse=True)[:limit]
    return [_read(path) for path in paths]


def message_kept(*, message_id: str) -> KeptMessage | None:
    if not _ID.match(message_id):
        return None
    path = _mailbox() / f"{message_id}.eml"
    return _read(path) if path.is_file() else None
