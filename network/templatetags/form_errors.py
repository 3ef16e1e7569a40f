"""`{% page_has_form_errors %}`: whether any form on the page has errors, whatever the view named it.

base.html starts the page title with "Error: " when it does (GOV.UK's pattern), so every page gets
that without each view or template having to say so.
"""

from __future__ import annotations

from django import template
from django.forms import BaseForm, BaseFormSet
from django.template.context import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def page_has_form_errors(context: Context) -> bool:
    for value in context.flatten().values():
        # Only bound forms: reading `errors` of an unbound form would be empty anyway, never a validation.
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return True
        if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
            return True
    return False
