"""The navigation's links, each marked aria-current="page" on its own page (and on the pages it stands for)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, view_name: str, label: str, *args: object, also: str = "") -> SafeString:
    """`<li><a>` to `view_name` (reversed with `args`); current when this page is that view or one of `also`."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match is not None and match.view_name in {view_name, *also.split()}
    href = reverse(view_name, args=args)
    if current:
        return format_html('<li><a href="{}" aria-current="page">{}</a></li>', href, label)
    return format_html('<li><a href="{}">{}</a></li>', href, label)
