"""Template filters for the measure: numbers written as people write them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """31 not 31.0000, and 100 not 1E+2."""
    if value is None:
        return ""
    return f"{value.normalize():f}"
