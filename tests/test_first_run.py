"""The first run, as a newcomer meets it: the port, email kept and read in the browser, a quiet seed_demo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from network.models import Membership
from network.services.invitations import invitations_queue
from tests.conftest import Cast
from tests.html import text_of

MAILBOX_BACKEND = "systemsleader.devmail.MailboxBackend"


@pytest.fixture
def mailbox(settings, tmp_path: Path) -> Path:
    """Development with no SMTP server: DEBUG on, no EMAIL_HOST, messages kept in a folder."""
    settings.DEBUG = True
    settings.EMAIL_HOST = ""
    settings.EMAIL_BACKEND = MAILBOX_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def _settings_value(env: dict[str, str], expression: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "systemsleader.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_links_in_emails_follow_the_port_unless_site_url_is_set() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    assert _settings_value({**env, "PORT": "8101"}, "s.SITE_URL") == "http://localhost:8101"
    assert _settings_value(env, "s.SITE_URL") == "http://localhost:8000"
    chosen = {**env, "PORT": "8101", "SITE_URL": "https://leaders.example/"}
    assert _settings_value(chosen, "s.SITE_URL") == "https://leaders.example"


def test_without_an_smtp_server_email_is_kept_not_printed_whole() -> None:
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_HOST"}
    assert _settings_value(env, "s.EMAIL_BACKEND") == MAILBOX_BACKEND
    assert _settings_value({**env, "EMAIL_HOST": "smtp.example"}, "s.EMAIL_BACKEND").endswith("smtp.EmailBackend")


def _invite(cast: Cast, leader: Membership, captured) -> None:
    with captured(execute=True):  # the worker's part: send what the ledger queued once the transaction commits
        assert invitations_queue(site=cast.site, actor=cast.enabler.user, memberships=[leader]) == 1


def test_a_newcomer_reads_an_invitation_and_signs_in_from_it(
    cast: Cast, mailbox: Path, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "http://testserver"
    leader = cast.leaders[0]
    _invite(cast, leader, django_capture_on_commit_callbacks)
    assert len(list(mailbox.glob("*.eml"))) == 1

    browser = Client()
    listing = browser.get(reverse("dev-mail-list"))
    assert listing.status_code == 200
    assert f"You are invited to {cast.site.name}" in (text_of(listing.content, id="main") or "")
    detail_url = re.search(rb'href="(/dev/mail/[^"]+/)"', listing.content)
    assert detail_url is not None
    detail = browser.get(detail_url.group(1).decode())
    assert detail.status_code == 200
    # The link is a real link, to this copy of the app.
    link = re.search(rb'<a href="http://testserver(/accounts/link/[^"]+/)"', detail.content)
    assert link is not None, detail.content.decode()
    path = link.group(1).decode()
    assert browser.get(path).status_code == 200  # a button, not yet signed in
    signed_in = browser.post(path)
    assert signed_in.status_code == 302
    assert browser.get(reverse("network:home")).context["user"] == leader.user


@pytest.mark.parametrize("setting", [{"DEBUG": False}, {"EMAIL_HOST": "smtp.example"}])
def test_the_mailbox_is_only_there_in_development_without_smtp(
    cast: Cast, mailbox: Path, settings, setting: dict[str, object], django_capture_on_commit_callbacks
) -> None:
    _invite(cast, cast.leaders[0], django_capture_on_commit_callbacks)
    message_id = next(mailbox.glob("*.eml")).stem
    for name, value in setting.items():
        setattr(settings, name, value)
    client = Client()
    assert client.get(reverse("dev-mail-list")).status_code == 404
    assert client.get(reverse("dev-mail-detail", args=[message_id])).status_code == 404
    assert "Email sent" not in client.get(reverse("login")).content.decode()


def test_the_mailbox_names_only_its_own_files(mailbox: Path, db: None) -> None:
    mailbox.mkdir(parents=True)
    (mailbox.parent / "secret.eml").write_text("Subject: not yours\n\nsecret")
    client = Client()
    assert client.get(reverse("dev-mail-detail", args=["..%2Fsecret"])).status_code == 404
    assert client.get(reverse("dev-mail-detail", args=["1234567890123456789-" + "0" * 32])).status_code == 404
    footer = client.get(reverse("dev-mail-list"))
    assert footer.status_code == 200
    assert "No email has been sent yet" in footer.content.decode()


def test_seed_demo_is_quiet_and_ends_with_the_sign_in_details(
    db: None, mailbox: Path, capfd: pytest.CaptureFixture[str], django_capture_on_commit_callbacks
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the emails it queues are sent, as in a real run
        call_command("seed_demo", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) < 12
    assert "enabler@northbrook.example" in "\n".join(lines[-5:])
    assert lines[-1].startswith("Email is not sent anywhere: read it at")
    captured = capfd.readouterr()
    assert "Subject:" not in captured.out + captured.err  # no whole emails printed
    assert "succeeded in" not in captured.err  # nor a line per in-process task
    assert len(list(mailbox.glob("*.eml"))) > 0  # the demo's emails are kept, to be read
    assert mail.outbox == []


def test_an_html_email_is_shown_sandboxed(mailbox: Path, db: None) -> None:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Digest", "Plain words https://example.org/x", to=["a@example.org"])
    message.attach_alternative('<p>Rich <a href="https://example.org/x">words</a></p><script>x()</script>', "text/html")
    message.send()
    message_id = next(mailbox.glob("*.eml")).stem
    client = Client()
    detail = client.get(reverse("dev-mail-detail", args=[message_id])).content.decode()
    assert '<a href="https://example.org/x"' in detail  # the plain text's address is a link
    assert reverse("dev-mail-html", args=[message_id]) in detail
    html = client.get(reverse("dev-mail-html", args=[message_id]))
    assert html["Content-Security-Policy"].startswith("sandbox")  # its script never runs
    assert "Rich" in html.content.decode()


def test_each_message_is_logged_in_one_line_with_where_to_read_it(
    mailbox: Path, db: None, caplog: pytest.LogCaptureFixture, settings
) -> None:
    settings.SITE_URL = "http://localhost:8101"
    with caplog.at_level("INFO", logger="systemsleader.mail"):
        mail.send_mail("Hello", "Body text that is not logged", None, ["a@example.org"])
    (record,) = [r for r in caplog.records if r.name == "systemsleader.mail"]
    line = record.getMessage()
    assert line.startswith("Email to a@example.org: Hello (read it at http://localhost:8101/dev/mail/")
    assert "Body text" not in line


def test_without_debug_a_kept_email_is_a_warning(
    mailbox: Path, db: None, caplog: pytest.LogCaptureFixture, settings
) -> None:
    settings.DEBUG = False
    with caplog.at_level("INFO", logger="systemsleader.mail"):
        mail.send_mail("Hello", "Body", None, ["a@example.org"])
    (record,) = [r for r in caplog.records if r.name == "systemsleader.mail"]
    assert record.levelname == "WARNING"
    assert "EMAIL_HOST is not set, so email to a@example.org was kept" in record.getMessage()
    assert len(list(mailbox.glob("*.eml"))) == 1


def test_the_mailbox_shows_when_each_message_was_sent_in_the_readers_language(mailbox: Path, db: None) -> None:
    from django.core.mail import send_mail
    from django.utils import formats, timezone, translation

    send_mail("Hello", "Body", None, ["someone@example.org"])
    browser = Client()
    browser.cookies["language"] = "cy"
    listing = text_of(browser.get(reverse("dev-mail-list")).content, id="main") or ""
    with translation.override("cy"):
        welsh_month = formats.date_format(timezone.localtime(), "F")
    with translation.override("en-gb"):
        english_month = formats.date_format(timezone.localtime(), "F")
    assert welsh_month in listing and english_month not in listing
