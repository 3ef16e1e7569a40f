"""Make a real enabler's first account and their pilot site, and print the link to choose a password."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from network.errors import DomainError
from network.services.starting import enabler_site_create, password_set_url


class Command(BaseCommand):
    help = (
        "Create an enabler and the pilot site they set up, then print a link where they choose their "
        "password (or, with --password, ask for one here)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The enabler's email address; they sign in with it.")
        parser.add_argument("--name", required=True, help="The enabler's name, as others will see it.")
        parser.add_argument("--site", required=True, help="The pilot site's name, such as 'Northbrook Together'.")
        parser.add_argument("--place", default="", help="The town, city or area it covers (default: its name).")
        parser.add_argument(
            "--password", action="store_true", help="Ask for the password now instead of printing a link."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Asked for and checked first, so a refused password leaves nothing half made.
        password = self._ask_password() if options["password"] else None
        try:
            membership = enabler_site_create(
                email=options["email"], name=options["name"], site_name=options["site"], place=options["place"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        user = membership.user
        self.stdout.write(f"{user.email} is an enabler of {membership.site.name}.")
        if password is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write("Password set. They can sign in now.")
            return
        self.stdout.write(
            "Send them this link to choose a password (it works once, for a few days):\n" + password_set_url(user=user)
        )

    def _ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords are not the same; nothing was saved.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
