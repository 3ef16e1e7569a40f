"""Forms, split by noun: sites, agencies, people, imports, accounts, meetings, digests.

Each is rendered by the project's one form template (`FORM_RENDERER` in settings), so a
page writes `{{ form }}` and gets GOV.UK-style labels, hints and errors tied to their fields.
"""

from __future__ import annotations

from django import forms

from network.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to the field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


__all__ = ["add_domain_error"]
