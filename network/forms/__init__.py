"""Forms, split by noun: sites, agencies, people, imports, accounts, meetings, digests.

Each is rendered by the project's one form template (`FORM_RENDERER` in settings), so a
page writes `{{ form }}` and gets GOV.UK-style labels, hints and errors tied to their fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from network.errors import DomainError
from network.text import LINE_BREAK


class SingleLineField(forms.CharField):
    """Text that must stay on one line (a title, a name, a place): a line break is refused, not kept."""

    default_error_messages = {"line_break": _("Write this on one line: take out the line break.")}

    def validate(self, value: str) -> None:
        super().validate(value)
        if LINE_BREAK.search(value):
            raise ValidationError(self.error_messages["line_break"], code="line_break")


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to the field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


__all__ = ["SingleLineField", "add_domain_error"]
