"""How forms are drawn: every form through one template of the project's (settings.FORM_RENDERER)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Render forms with the project's template engine, so a page's `{{ form }}` uses templates/forms/fields.html:
    GOV.UK-style labels, "(optional)", hints and errors tied to their fields, and an error summary."""

    form_template_name = "forms/fields.html"
