"""templates/forms/fields.html written out in Python: how every form is drawn, byte for byte as the template draws
it, without the template language's lookups (a form of eight fields was about 9,000 function calls through the
template, most of a form's time once its widgets were drawn in Python).

The template stays the readable statement of the markup; tests/test_widget_html.py holds the two equal, for our
forms with and without errors. A change to one is a change to both.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext

from systemsleader.widget_html import out

TEMPLATE_NAME = "forms/fields.html"


def _optional(field: forms.BoundField) -> str:
    return "" if field.field.required else f' <span class="optional">({out(gettext("optional"))})</span>'


def _error_summary(form: forms.BaseForm) -> str:
    """GOV.UK's error summary: static/js/app.js focuses it; each link leads to its field."""
    non_field = "".join(f"<li>{out(error)}</li>" for error in form.non_field_errors())
    links = []
    for field in form.visible_fields():
        for error in field.errors:
            target = f"{out(field.auto_id)}_0" if field.use_fieldset else out(field.id_for_label)
            links.append(f'\n    <li><a href="#{target}">{out(error)}</a></li>\n    ')
    hidden = "".join(f"<li>{out(error)}</li>" for field in form.hidden_fields() for error in field.errors)
    return (
        '\n<div class="error-summary" data-error-summary tabindex="-1" role="alert">\n'
        f'  <h2 class="error-summary-title">{out(gettext("There is a problem"))}</h2>\n'
        '  <ul class="error-summary-list">\n'
        f"    {non_field}\n"
        f"    {''.join(links)}\n"
        f"    {hidden}\n"
        "  </ul>\n"
        "</div>\n"
    )


def _field(field: forms.BoundField) -> str:
    """A labelled field (a fieldset and legend for a group of inputs), its hint, its errors, its widget."""
    errors = field.errors
    if field.use_fieldset:
        described = field.aria_describedby
        described_by = f' aria-describedby="{out(described)}"' if described else ""
        heading = f"<fieldset{described_by}>\n    <legend>{out(field.label)}{_optional(field)}</legend>\n  "
    else:
        heading = f'\n  <label for="{out(field.id_for_label)}">{out(field.label)}{_optional(field)}</label>\n  '
    hint = (
        f'<div class="hint" id="{out(field.auto_id)}_helptext">{out(field.help_text)}</div>' if field.help_text else ""
    )
    error = ""
    if errors:
        each = "".join(f"{out(message)} " for message in errors)
        error = f'<p class="error" id="{out(field.auto_id)}_error"><span class="visually-hidden">'
        error += f"{out(gettext('Error:'))}</span> {each}</p>"
    return (
        f'\n<div class="field{" field-error" if errors else ""}">\n'
        f"  {heading}\n"
        f"  {hint}\n"
        f"  {error}\n"
        f"  {out(field)}\n"
        f"  {'</fieldset>' if field.use_fieldset else ''}\n"
        "</div>\n"
    )


def fields_html(context: dict[str, Any]) -> str | None:
    """What forms/fields.html renders from a form's context, stripped as the form renderer strips it; None when
    the context is not a form's."""
    form = context.get("form")
    if not isinstance(form, forms.BaseForm):
        return None
    summary = _error_summary(form) if form.errors else ""
    visible = "".join(_field(field) for field in form.visible_fields())
    hidden = "".join(out(field) for field in form.hidden_fields())
    return f"\n{summary}\n{visible}\n{hidden}\n".strip()
